// What a reader sees of comments in a real browser (the page's script posts
// in place, remembers the commenter, and shows one's own pending comment to
// its author only), and guest submissions from the form to the editor's
// queue, plus `gazette settings`.
import { test, describe, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { run, newSite, startServer, cleanup, get, stopClean, reportOnFailure } from './lib/gazette.mjs';
import { launch, collectErrors } from './lib/browser.mjs';
import { LIMITS } from './lib/limits.mjs';

// A normal desktop browser's User-Agent (HeadlessChrome counts as a bot for
// views; comments do not care, but keep the pages' scripts on one path).
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

let site;
let srv;
let browser;
let postPath;

async function settings(key, value) {
  const r = await run(['settings', 'set', key, value, '--site', site.dir]);
  assert.equal(r.code, 0, r.stderr);
}

before(async () => {
  site = await newSite({ demo: true, demoArgs: ['--posts', '8', '--comments', '10'] });
  await settings('comments_min_seconds', '0');
  srv = await startServer(site.dir);
  browser = await launch();
  postPath = /<h2><a href="(\/\d{4}\/[^"]+)"/.exec((await get(`${srv.url}/`)).text)[1];
});
afterEach((t) => reportOnFailure(t, srv));
after(async () => {
  try {
    await browser?.close();
    await stopClean(srv);
  } finally {
    await cleanup();
  }
});

describe('in the browser', () => {
  test('a held comment is posted in place and shown to its author only, marked as awaiting moderation', async () => {
    await settings('comments_hold', 'all');
    const author = await browser.newContext({ userAgent: UA });
    const other = await browser.newContext({ userAgent: UA });
    try {
      const page = await author.newPage();
      const errors = collectErrors(page);
      await page.goto(srv.url + postPath);
      await page.fill('#c-author', 'Browser Reader');
      await page.fill('#c-email', 'browser@example.com');
      await page.fill('#c-body', 'Posted from **the browser**.');
      await page.click('#respond button[type=submit]');
      await page.waitForSelector('li.comment.own .awaiting', { timeout: 10000 });
      assert.match(await page.textContent('li.comment.own'), /Posted from the browser\./);
      assert.match(await page.textContent('.form-status'), /awaiting moderation/);
      assert.equal(page.url(), srv.url + postPath, 'no navigation: posted in place');
      // Reloaded, the author still sees it (token in localStorage)...
      await page.reload();
      await page.waitForSelector('li.comment.own .awaiting', { timeout: 10000 });
      // ...and the form remembers who they are.
      assert.equal(await page.inputValue('#c-author'), 'Browser Reader');
      assert.equal(await page.inputValue('#c-email'), 'browser@example.com');
      assert.deepEqual(errors, []);
      // Another reader does not see it, and the HTML is the same for both.
      const p2 = await other.newPage();
      await p2.goto(srv.url + postPath);
      await p2.waitForLoadState('networkidle');
      assert.equal(await p2.$('li.comment.own'), null);
      assert.doesNotMatch(await p2.content(), /Posted from/);
      const html = (await get(srv.url + postPath)).text;
      assert.doesNotMatch(html, /Posted from/);
      // No cookie was set: the page stays cacheable.
      assert.deepEqual(await author.cookies(), []);
    } finally {
      await author.close();
      await other.close();
      await settings('comments_hold', 'none');
    }
  });

  test('a reply posted with the reply link lands under its parent, one level deeper', async () => {
    const ctx = await browser.newContext({ userAgent: UA });
    try {
      const page = await ctx.newPage();
      await page.goto(srv.url + postPath);
      const first = await page.$('li.comment.depth-0');
      assert.ok(first, 'the demo post has comments');
      const parentId = await first.getAttribute('data-comment-id');
      await page.click(`a[data-reply-to="${parentId}"]`);
      await page.fill('#c-author', 'Replier');
      await page.fill('#c-body', 'A reply in place.');
      await page.click('#respond button[type=submit]');
      await page.waitForSelector('li.comment.own', { timeout: 10000 });
      // The server renders it under its parent (the HTML every reader gets).
      const html = (await get(srv.url + postPath)).text;
      const parentAt = html.indexOf(`id="comment-${parentId}"`);
      const replyAt = html.indexOf('A reply in place.');
      assert.ok(parentAt >= 0 && replyAt > parentAt, 'the reply follows its parent');
      assert.match(html, /class="comment depth-1[^"]*" id="comment-\d+"[\s\S]{0,600}A reply in place\./);
    } finally {
      await ctx.close();
    }
  });

  test('without JavaScript the form posts and the page shows the comment after the redirect', async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false, userAgent: UA });
    try {
      const page = await ctx.newPage();
      await page.goto(srv.url + postPath);
      await page.fill('#c-author', 'No Script');
      await page.fill('#c-body', 'Plain form, no script.');
      await Promise.all([page.waitForNavigation(), page.click('#respond button[type=submit]')]);
      assert.match(page.url(), /#comment-\d+$/);
      assert.match(await page.content(), /Plain form, no script\./);
    } finally {
      await ctx.close();
    }
  });
});

describe('guest submissions', () => {
  test('the Submission Guidelines page links the form; a submission waits for an editor, who accepts it as a draft', async () => {
    const guidelines = await get(`${srv.url}/submission-guidelines/`);
    assert.match(guidelines.text, /href="\/submit\/"/);
    const form = await get(`${srv.url}/submit/`);
    assert.equal(form.status, 200);
    const stamp = /name="stamp" value="([^"]+)"/.exec(form.text)[1];
    const post = (fields, headers = { Origin: srv.url }) => fetch(`${srv.url}/submit`, {
      method: 'POST', redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-For': '10.20.0.1', ...headers },
      body: new URLSearchParams(fields).toString(),
    });
    const fields = { name: 'Guest Writer', email: 'guest@example.com', title: 'A Guest Transcript', body: '**SPEAKER:** Hello.', source: 'https://example.org/rec', stamp };
    const r = await post(fields);
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/submit/?thanks=1');
    assert.match((await get(`${srv.url}/submit/?thanks=1`)).text, /in the editors' queue/);
    const list = await run(['submissions', 'list', '--site', site.dir]);
    assert.equal(list.code, 0, list.stderr);
    const line = list.stdout.split('\n').find((l) => l.includes('A Guest Transcript'));
    assert.ok(line, list.stdout);
    assert.match(line, /\tpending\tGuest Writer <guest@example.com>\t/);
    const id = line.split('\t')[0];
    assert.doesNotMatch((await get(`${srv.url}/`)).text, /A Guest Transcript/, 'not public while pending');
    const acc = await run(['submissions', 'accept', id, '--site', site.dir]);
    assert.equal(acc.code, 0, acc.stderr);
    const drafts = await run(['submissions', 'list', '--status', 'draft', '--site', site.dir]);
    assert.match(drafts.stdout, new RegExp(`^${id}\\tdraft\\t`, 'm'));
    assert.equal((await run(['submissions', 'accept', id, '--site', site.dir])).code, 2, 'only a pending one can be accepted');
  });

  test('bad submissions: missing fields 400, over the limits 400, no Origin 403, honeypot to the trash', async () => {
    const post = (fields, headers = { Origin: srv.url }) => fetch(`${srv.url}/submit`, {
      method: 'POST', redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-For': '10.20.0.2', ...headers },
      body: new URLSearchParams(fields).toString(),
    });
    const base = { name: 'G', email: 'g@example.com', title: 'T', body: 'B' };
    assert.equal((await post({ ...base, title: '' })).status, 400);
    assert.equal((await post({ ...base, email: 'nope' })).status, 400);
    assert.equal((await post({ ...base, title: 't'.repeat(LIMITS.LIM_TITLE_BYTES + 1) })).status, 400);
    assert.equal((await post({ ...base, source: 'javascript:alert(1)' })).status, 400);
    assert.equal((await post(base, {})).status, 403);
    const hp = await post({ ...base, title: 'Honeypot Article', website: 'http://spam.example' });
    assert.equal(hp.status, 303, 'the bot is thanked like anyone');
    const trash = await run(['submissions', 'list', '--status', 'trash', '--site', site.dir]);
    assert.match(trash.stdout, /Honeypot Article/);
  });
});

describe('gazette settings', () => {
  test('set and get a setting; an unknown key is exit 1; a bad key exit 2', async () => {
    await settings('comments_max_links', '5');
    const r = await run(['settings', 'get', 'comments_max_links', '--site', site.dir]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '5\n');
    assert.equal((await run(['settings', 'get', 'never_set', '--site', site.dir])).code, 1);
    assert.equal((await run(['settings', 'set', 'Bad Key', 'x', '--site', site.dir])).code, 2);
  });
});
