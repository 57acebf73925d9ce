// The admin's moderation screens and their JSON API (issue 5):
// /admin/comments/ (the queue by status, per-row buttons, the bulk form,
// the keyboard of static/admin-moderate.js), /admin/submissions/ (guest
// submissions: accept as a draft, reject to the trash), and
// /api/v1/admin/comments, .../comments/decide, /api/v1/admin/submissions,
// .../submissions/ID.
//
// Comments are posted through the public JSON API, each from its own
// X-Forwarded-For address so the per-address rate limit never decides a
// test, with comments_hold=all so every one waits in the queue. What a
// decision did is read back with `gazette comments list --status S` (the
// database, through the CLI) and on the public post page (shown or not,
// and the exact "N Comments").
import { test, describe, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LIMITS } from './lib/limits.mjs';
import {
  newSite, startServer, run, get, tempDir, cleanup, stopClean, reportOnFailure, pathOf, REPO_ROOT,
} from './lib/gazette.mjs';
import { addUser, login, adminGet, adminPost, api, browserLogin } from './lib/admin.mjs';
import { launch, collectErrors } from './lib/browser.mjs';

const ARTIFACTS = path.join(REPO_ROOT, 'tests', 'e2e', 'artifacts');

let site;
let srv;
let browser;
const sess = {}; // role -> {login, cookie, csrf}
const ROLE_USERS = { admin: 'adm', editor: 'ed', author: 'au', contributor: 'co', moderator: 'mo' };
let nextIp = 1;
let serial = 0;

async function settings(key, value) {
  const r = await run(['settings', 'set', key, value, '--site', site.dir]);
  assert.equal(r.code, 0, r.stderr);
}

// `gazette post add`: {id, path, title}.
async function addPost(slug, status = 'published') {
  const dir = await tempDir('gazette-e2e-md-');
  const file = path.join(dir, `${slug}.md`);
  const title = `Post ${slug}`;
  writeFileSync(file, `---\ntitle: ${title}\nslug: ${slug}\nstatus: ${status}\ndate: 2022-04-27 09:00\n---\nThe body of ${slug}.\n`);
  const r = await run(['post', 'add', file, '--site', site.dir]);
  assert.equal(r.code, 0, r.stderr);
  const [id, url] = r.stdout.trim().split('\t');
  return { id: Number(id), path: pathOf(url), title };
}

// A reader's comment through POST /api/v1/comments; its id (held: pending).
async function comment(post, { author = 'Reader', email, body, parent } = {}) {
  serial++;
  const ip = `198.51.${100 + Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}`;
  const r = await get(`${srv.url}/api/v1/comments`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: srv.url, 'X-Forwarded-For': ip },
    body: JSON.stringify({
      post_id: post.id,
      parent_id: parent ?? 0,
      author,
      email: email ?? `reader${serial}@example.org`,
      body: body ?? `Comment number ${serial}, with words of its own.`,
    }),
  });
  assert.equal(r.status, 201, r.text);
  const json = JSON.parse(r.text);
  assert.equal(json.status, 'pending', r.text);
  return json.id;
}

// The ids of one status, from the database (`gazette comments list`).
async function idsOf(status) {
  const r = await run(['comments', 'list', '--status', status, '--limit', '1000', '--site', site.dir]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean).map((l) => Number(l.split('\t')[0])).sort((a, b) => a - b);
}

// Every comment's status from the database: {id: status}.
async function statuses() {
  const all = {};
  const lists = await Promise.all(['pending', 'approved', 'spam', 'trash'].map(async (st) => [st, await idsOf(st)]));
  for (const [st, ids] of lists) for (const id of ids) all[id] = st;
  return all;
}

// The statuses of ids, from the database.
async function statusOf(...ids) {
  const all = await statuses();
  return ids.length === 1 ? all[ids[0]] ?? 'none' : ids.map((id) => all[id] ?? 'none');
}

// Poll check() (which throws until it holds) for at most 3 s.
async function eventually(check) {
  const until = Date.now() + 3000;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((res) => setTimeout(res, 50));
    }
  }
}

// The public post page shows exactly the approved ids, with the exact count.
async function pageShows(post, { ids, hidden = [] }) {
  await eventually(async () => {
    const page = await get(srv.url + post.path);
    assert.equal(page.status, 200);
    for (const id of ids) assert.match(page.text, new RegExp(`id="comment-${id}"`));
    for (const id of hidden) assert.doesNotMatch(page.text, new RegExp(`id="comment-${id}"`));
    assert.match(page.text, new RegExp(`>\\s*${ids.length} Comments?\\s*<`));
    const json = JSON.parse((await get(`${srv.url}/api/v1/posts/${post.id}/comments`)).text);
    assert.equal(json.count, ids.length);
  });
}

// Empty the pending queue (to the trash), so each test starts clean.
async function clearPending() {
  for (;;) {
    const list = await api(srv, sess.admin, 'GET', `/api/v1/admin/comments?limit=${LIMITS.LIM_MODERATE_LIMIT}`);
    assert.equal(list.status, 200, list.text);
    if (list.json.comments.length === 0) return;
    const r = await api(srv, sess.admin, 'POST', '/api/v1/admin/comments/decide',
      { ids: list.json.comments.map((x) => x.id), action: 'trash' });
    assert.equal(r.status, 200, r.text);
  }
}

// A guest submission through the public form; its id.
async function submitGuest(title, { name = 'Guest Writer', email = 'guest@example.com', source = 'https://example.org/rec' } = {}) {
  const form = await get(`${srv.url}/submit/`);
  const stamp = /name="stamp" value="([^"]+)"/.exec(form.text)[1];
  const r = await get(`${srv.url}/submit`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: srv.url, 'X-Forwarded-For': `10.30.0.${nextIp++ % 250}` },
    body: new URLSearchParams({ name, email, title, body: `**SPEAKER:** ${title} begins.\n\nA second paragraph.`, source, stamp }).toString(),
  });
  assert.equal(r.status, 303, r.text);
  const list = await run(['submissions', 'list', '--site', site.dir]);
  const line = list.stdout.split('\n').find((l) => l.endsWith(`\t${title}`));
  assert.ok(line, list.stdout);
  return Number(line.split('\t')[0]);
}

// A JSON POST with the session cookie and exactly the CSRF token given
// (none when undefined), from origin.
function rawApi(s, p, body, csrf, origin = srv.url) {
  return get(`${srv.url}${p}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Cookie: s.cookie,
      Origin: origin,
      ...(csrf === undefined ? {} : { 'X-CSRF-Token': csrf }),
    },
    body: JSON.stringify(body),
  });
}

// A submission's status from the database (`gazette submissions list`).
async function submissionStatus(id) {
  const found = await Promise.all(['pending', 'draft', 'trash'].map(async (st) => {
    const r = await run(['submissions', 'list', '--status', st, '--site', site.dir]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.split('\n').some((l) => l.startsWith(`${id}\t`)) ? st : null;
  }));
  return found.find(Boolean) ?? 'none';
}

before(async () => {
  site = await newSite();
  await settings('comments_hold', 'all');
  await settings('comments_min_seconds', '0');
  for (const [role, user] of Object.entries(ROLE_USERS)) await addUser(site.dir, user, role);
  srv = await startServer(site.dir);
  for (const [role, user] of Object.entries(ROLE_USERS)) sess[role] = await login(srv, user);
  browser = await launch();
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

describe('the comment queue', () => {
  test('a moderator works through six pending comments with the keyboard only', async () => {
    await clearPending();
    const post = await addPost('keyboard');
    const root = await comment(post, { author: 'Root Author', body: 'The first thread, which everyone answers.' });
    const ok = await api(srv, sess.moderator, 'POST', '/api/v1/admin/comments/decide', { ids: [root], action: 'approve' });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.json.results, [{ id: root, ok: true, was: 'pending', status: 'approved' }]);
    const c = [];
    for (let i = 1; i <= 6; i++) {
      c.push(await comment(post, {
        author: `Reader ${i}`,
        body: `Keyboard comment ${i}: something worth reading.`,
        ...(i === 2 ? { parent: root } : {}),
      }));
    }
    assert.deepEqual(await idsOf('pending'), c);

    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await ctx.newPage();
      const errors = collectErrors(page);
      await browserLogin(page, srv, 'mo');
      errors.length = 0; // the dashboard signing in lands on is another area's
      await page.goto(`${srv.url}/admin/comments/`);
      // Oldest first, the first selected; the legend visible; "?" hides it.
      const order = await page.$$eval('tr.mod-row', (rows) => rows.map((r) => Number(r.dataset.id)));
      assert.deepEqual(order, c);
      const selected = () => page.$$eval('tr.mod-row.selected', (rows) => rows.map((r) => Number(r.dataset.id)));
      assert.deepEqual(await selected(), [c[0]]);
      assert.ok(await page.isVisible('#mod-keys'));
      await page.keyboard.press('?');
      assert.ok(!(await page.isVisible('#mod-keys')));
      await page.keyboard.press('?');
      assert.ok(await page.isVisible('#mod-keys'));
      await page.evaluate(() => { window.noReload = true; });

      const gone = (id) => page.waitForFunction((x) => !document.getElementById(`row-${x}`), id);
      // j / k move the selection; it is highlighted and in view.
      await page.keyboard.press('j');
      assert.deepEqual(await selected(), [c[1]]);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'admin-moderation.png'), fullPage: true });
      await page.keyboard.press('k');
      assert.deepEqual(await selected(), [c[0]]);

      await page.keyboard.press('a'); // c1 approved
      await gone(c[0]);
      assert.deepEqual(await selected(), [c[1]]);
      await page.keyboard.press('j');
      await page.keyboard.press('k');
      await page.keyboard.press('s'); // c2 (the reply) spam
      await gone(c[1]);
      assert.deepEqual(await selected(), [c[2]]);
      await page.keyboard.press('d'); // c3 trash
      await gone(c[2]);
      await page.keyboard.press('j');
      assert.deepEqual(await selected(), [c[4]]);
      await page.keyboard.press('a'); // c5 approved
      await gone(c[4]);
      assert.deepEqual(await selected(), [c[5]]);
      await page.keyboard.press('k');
      assert.deepEqual(await selected(), [c[3]]);
      await page.keyboard.press('a'); // c4 approved
      await gone(c[3]);
      assert.deepEqual(await selected(), [c[5]]);
      // x ticks and unticks the selected row's box.
      const box = `#row-${c[5]} input[type=checkbox]`;
      await page.keyboard.press('x');
      assert.ok(await page.isChecked(box));
      await page.keyboard.press('x');
      assert.ok(!(await page.isChecked(box)));
      await page.keyboard.press('s'); // c6 spam
      await gone(c[5]);
      assert.ok(await page.isVisible('#mod-empty'));
      assert.equal(await page.textContent('[data-count="pending"]'), '0');
      assert.match(await page.textContent('#mod-notice'), /Marked as spam: comment \d+ by Reader 6/);
      assert.equal(await page.evaluate(() => window.noReload), true, 'no page reload');
      assert.deepEqual(errors, []);
    } finally {
      await ctx.close();
    }

    assert.deepEqual(await statusOf(...c), ['approved', 'spam', 'trash', 'approved', 'approved', 'spam']);
    await pageShows(post, { ids: [root, c[0], c[3], c[4]], hidden: [c[1], c[2], c[5]] });
  });

  test('each row shows the post, the thread, the commenter with their history, the score, the time and the body', async () => {
    const post = await addPost('history');
    const email = 'Hist.Person@Example.org';
    const earlier = [];
    for (let i = 0; i < 3; i++) earlier.push(await comment(post, { author: 'Hist', email, body: `Earlier comment ${i} by the same person.` }));
    await api(srv, sess.admin, 'POST', '/api/v1/admin/comments/decide', { ids: earlier.slice(0, 2), action: 'approve' });
    await api(srv, sess.admin, 'POST', '/api/v1/admin/comments/decide', { ids: [earlier[2]], action: 'spam' });
    const root = earlier[0];
    const id = await comment(post, {
      author: 'Hist <b>bold</b>',
      email: email.toLowerCase(),
      body: 'A reply with **strong** words and <script>alert(1)</script>',
      parent: root,
    });
    const other = await comment(post, { author: 'Nobody', email: '', body: 'No email, no history.' });

    const html = await adminGet(srv, sess.moderator, '/admin/comments/');
    assert.equal(html.status, 200);
    assert.equal(html.headers.get('cache-control'), 'private, no-store');
    const row = new RegExp(`<tr class="mod-row" id="row-${id}"[\\s\\S]*?</tr>`).exec(html.text)?.[0];
    assert.ok(row, html.text);
    assert.match(row, new RegExp(`href="${post.path}#comment-${id}">${post.title}</a>`));
    assert.match(row, /In reply to <strong>Hist<\/strong>: <q>Earlier comment 0 by the same person\.<\/q>/);
    assert.match(row, /Hist &lt;b&gt;bold&lt;\/b&gt;/, 'the name is escaped');
    assert.match(row, /href="mailto:hist\.person@example\.org"/);
    assert.match(row, /History: 2 approved · 1 spam/, 'other comments by the email, case folded');
    assert.match(row, /<strong>strong<\/strong>/, 'the stored HTML');
    assert.doesNotMatch(row, /<script>/);
    assert.match(row, /<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">\w+ \d+, \d{4}, \d\d:\d\d UTC<\/time>/);
    const json = await api(srv, sess.moderator, 'GET', '/api/v1/admin/comments?status=pending');
    assert.equal(json.status, 200, json.text);
    const item = json.json.comments.find((x) => x.id === id);
    assert.equal(typeof item.spam_score, 'number');
    assert.match(row, new RegExp(`<span class="score[^"]*"[^>]*>${item.spam_score.toFixed(2)}</span>`));
    assert.deepEqual(item.history, { approved: 2, spam: 1 });
    assert.deepEqual(item.parent, { id: root, author: 'Hist', excerpt: 'Earlier comment 0 by the same person.' });
    assert.equal(item.post.id, post.id);
    // Absolute, on the site's configured url (not the test's port).
    assert.equal(new URL(item.url).pathname + new URL(item.url).hash, `${post.path}#comment-${id}`);
    assert.equal(item.email, email.toLowerCase());
    assert.match(item.body_html, /<strong>strong<\/strong>/);
    const otherRow = new RegExp(`<tr class="mod-row" id="row-${other}"[\\s\\S]*?</tr>`).exec(html.text)[0];
    assert.match(otherRow, /no email/);
    assert.match(otherRow, /History: 0 approved · 0 spam/);
    assert.doesNotMatch(otherRow, /In reply to/);
    // Buttons by status: pending has approve/spam/trash; spam has not spam.
    assert.match(row, /name="action" value="approve"/);
    assert.match(row, /name="action" value="spam"/);
    assert.match(row, /name="action" value="trash"/);
    assert.doesNotMatch(row, /name="action" value="not-spam"/);
    const spamTab = await adminGet(srv, sess.moderator, '/admin/comments/?status=spam');
    const spamRow = new RegExp(`<tr class="mod-row" id="row-${earlier[2]}"[\\s\\S]*?</tr>`).exec(spamTab.text)[0];
    assert.match(spamRow, /name="action" value="not-spam"/);
    assert.match(spamRow, /name="action" value="trash"/);
    assert.doesNotMatch(spamRow, /name="action" value="(spam|approve)"/);
    assert.match(spamTab.text, /aria-current="page">Spam <span class="mod-count" data-count="spam">\d+<\/span>/);
    await clearPending();
  });

  test('without JavaScript: the bulk form approves the ticked comments and a row button trashes one', async () => {
    await clearPending();
    const post = await addPost('bulk');
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(await comment(post, { author: `Bulk ${i}` }));
    const ctx = await browser.newContext({ javaScriptEnabled: false });
    try {
      // The editor's session from the HTTP sign-in (the keyboard test
      // signs in through the form).
      const [name, value] = sess.editor.cookie.split('=');
      await ctx.addCookies([{ name, value, url: srv.url }]);
      const page = await ctx.newPage();
      await page.goto(`${srv.url}/admin/comments/`);
      assert.ok(!(await page.isVisible('#mod-keys')), 'no key legend without the script');
      for (const id of ids.slice(0, 3)) await page.check(`#row-${id} input[type=checkbox]`);
      await page.selectOption('#bulk-action', 'approve');
      await Promise.all([page.waitForURL(/did=approve/), page.click('#bulk button[type=submit]')]);
      assert.match(await page.textContent('#mod-notice'), /^3 comments approved\.$/);
      assert.match(page.url(), /\/admin\/comments\/\?status=pending&page=1&did=approve&n=3&failed=0$/);
      await Promise.all([page.waitForURL(/did=trash/), page.click(`#row-${ids[3]} button[value=trash]`)]);
      assert.match(await page.textContent('#mod-notice'), /^1 comment moved to the trash\.$/);
      assert.equal(await page.$$eval('tr.mod-row', (r) => r.length), 0);
    } finally {
      await ctx.close();
    }
    assert.deepEqual(await statusOf(...ids), ['approved', 'approved', 'approved', 'trash']);
    await pageShows(post, { ids: ids.slice(0, 3), hidden: [ids[3]] });
  });

  test('the bulk form: a bad request is a 400 with the message at the field and the choices kept; unknown ids are reported', async () => {
    const post = await addPost('bulk-bad');
    const a = await comment(post);
    const b = await comment(post);
    // Nothing ticked: the action stays chosen.
    let r = await adminPost(srv, sess.moderator, '/admin/comments/', { action: 'spam', status: 'pending', page: 1 });
    assert.equal(r.status, 400);
    assert.match(r.text, /<select id="bulk-action" name="action" aria-invalid="true" aria-describedby="bulk-error">/);
    assert.match(r.text, /<p class="field-error" id="bulk-error">Select at least one comment/);
    assert.match(r.text, /<option value="spam" selected>/);
    // No action: the ticked boxes stay ticked.
    r = await adminPost(srv, sess.moderator, '/admin/comments/', { id: [a, b], action: '', status: 'pending', page: 1 });
    assert.equal(r.status, 400);
    assert.match(r.text, /id="bulk-error">Choose what to do/);
    assert.match(r.text, new RegExp(`name="id" value="${a}" form="bulk"[^>]*checked>`));
    assert.match(r.text, new RegExp(`name="id" value="${b}" form="bulk"[^>]*checked>`));
    r = await adminPost(srv, sess.moderator, '/admin/comments/', { id: [a, 'x1'], action: 'approve' });
    assert.equal(r.status, 400);
    assert.match(r.text, /x1(&#39;|&#x27;|')? is not a comment id/);
    r = await adminPost(srv, sess.moderator, '/admin/comments/', { id: [a], action: 'publish' });
    assert.equal(r.status, 400);
    assert.deepEqual(await statusOf(a, b), ['pending', 'pending']);
    // An id that is not a comment: the others are decided, the notice says so.
    r = await adminPost(srv, sess.moderator, '/admin/comments/', { id: [a, 999999], action: 'approve', status: 'spam', page: 1 });
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/admin/comments/?status=spam&page=1&did=approve&n=1&failed=1');
    const landed = await adminGet(srv, sess.moderator, r.headers.get('location'));
    assert.match(landed.text, /class="notice warn" id="mod-notice" role="status">1 comment approved\. 1 could not be changed/);
    assert.match(landed.text, /aria-current="page">Spam/);
    assert.equal(await statusOf(a), 'approved');
    // The JSON API reports per id.
    const j = await api(srv, sess.moderator, 'POST', '/api/v1/admin/comments/decide', { ids: [b, 999999, b], action: 'trash' });
    assert.equal(j.status, 200, j.text);
    assert.equal(j.json.action, 'trash');
    assert.deepEqual(j.json.results[0], { id: b, ok: true, was: 'pending', status: 'trash' });
    assert.equal(j.json.results[1].id, 999999);
    assert.equal(j.json.results[1].ok, false);
    assert.match(j.json.results[1].error, /no comment 999999/);
    assert.equal(j.json.results.length, 2, 'an id twice is decided once');
    assert.equal(j.json.counts.pending, (await idsOf('pending')).length);
    for (const bad of [{ ids: [b], action: 'publish' }, { ids: [], action: 'approve' }, { ids: 'b', action: 'approve' },
      { ids: [0], action: 'approve' }, { ids: ['1'], action: 'approve' }, { action: 'approve' }]) {
      const x = await api(srv, sess.moderator, 'POST', '/api/v1/admin/comments/decide', bad);
      assert.equal(x.status, 400, JSON.stringify(bad));
      assert.ok(x.json.error);
    }
    await clearPending();
  });

  test('limits: a queue page holds LIM_MODERATE_PAGE comments; ?limit= up to LIM_MODERATE_LIMIT; LIM_MODERATE_IDS per decision', async () => {
    await clearPending();
    const post = await addPost('many');
    const ids = [];
    for (let i = 0; i <= LIMITS.LIM_MODERATE_PAGE; i++) ids.push(await comment(post, { body: `Many comment ${i}.` }));
    const p1 = await adminGet(srv, sess.moderator, '/admin/comments/');
    assert.equal((p1.text.match(/<tr class="mod-row"/g) || []).length, LIMITS.LIM_MODERATE_PAGE);
    assert.match(p1.text, /href="\/admin\/comments\/\?status=pending&amp;page=2" rel="next"/);
    const p2 = await adminGet(srv, sess.moderator, '/admin/comments/?status=pending&page=2');
    assert.equal((p2.text.match(/<tr class="mod-row"/g) || []).length, 1);
    assert.match(p2.text, new RegExp(`id="row-${ids.at(-1)}"`), 'oldest first: the newest is last');
    // A page past the end (after acting on the last page) lands on the last.
    const p9 = await adminGet(srv, sess.moderator, '/admin/comments/?page=9');
    assert.equal(p9.status, 200);
    assert.match(p9.text, /Page 2 of 2/);
    assert.equal((await adminGet(srv, sess.moderator, '/admin/comments/?page=0')).status, 400);
    assert.equal((await adminGet(srv, sess.moderator, '/admin/comments/?status=deleted')).status, 400);

    let r = await api(srv, sess.moderator, 'GET', `/api/v1/admin/comments?limit=${LIMITS.LIM_MODERATE_LIMIT}`);
    assert.equal(r.status, 200);
    assert.equal(r.json.comments.length, ids.length);
    assert.equal(r.json.total, ids.length);
    r = await api(srv, sess.moderator, 'GET', `/api/v1/admin/comments?limit=${LIMITS.LIM_MODERATE_LIMIT + 1}`);
    assert.equal(r.status, 400);
    r = await api(srv, sess.moderator, 'GET', '/api/v1/admin/comments?limit=2&offset=1');
    assert.deepEqual(r.json.comments.map((x) => x.id), ids.slice(1, 3));
    r = await api(srv, sess.moderator, 'GET', '/api/v1/admin/comments?status=nope');
    assert.equal(r.status, 400);

    // Ids no comment has: the limit is about the request, not the rows.
    const tooMany = Array.from({ length: LIMITS.LIM_MODERATE_IDS + 1 }, (_, i) => 1e9 + i);
    r = await api(srv, sess.moderator, 'POST', '/api/v1/admin/comments/decide', { ids: tooMany, action: 'trash' });
    assert.equal(r.status, 400);
    assert.match(r.json.error, new RegExp(`at most ${LIMITS.LIM_MODERATE_IDS}`));
    const form = await adminPost(srv, sess.moderator, '/admin/comments/', { id: tooMany, action: 'trash' });
    assert.equal(form.status, 400);
    assert.match(form.text, new RegExp(`At most ${LIMITS.LIM_MODERATE_IDS} comments at once`));
    assert.equal((await idsOf('pending')).length, ids.length, 'nothing changed');
    r = await api(srv, sess.moderator, 'POST', '/api/v1/admin/comments/decide', { ids: tooMany.slice(1), action: 'trash' });
    assert.equal(r.status, 200, 'exactly the limit is taken');
    assert.equal(r.json.results.length, LIMITS.LIM_MODERATE_IDS);
    assert.ok(r.json.results.every((x) => x.ok === false));
    await clearPending();
  });
});

describe('the submissions queue', () => {
  test('an editor sees the pending submissions and accepts one as a draft, rejects another', async () => {
    const first = await submitGuest('A Guest Transcript');
    const second = await submitGuest('Another Guest Piece', { name: 'Second Writer', email: 'second@example.com', source: '' });
    const page = await adminGet(srv, sess.editor, '/admin/submissions/');
    assert.equal(page.status, 200);
    const row = new RegExp(`<tr class="subs-row" id="sub-${first}"[\\s\\S]*?</tr>`).exec(page.text)?.[0];
    assert.ok(row, page.text);
    assert.match(row, /<strong>A Guest Transcript<\/strong>/);
    assert.match(row, /<strong>Guest Writer<\/strong><br><a href="mailto:guest@example.com">/);
    assert.match(row, /href="https:\/\/example.org\/rec"/);
    assert.match(row, /SPEAKER: A Guest Transcript begins\./);
    assert.match(row, /<time datetime="[^"]+">\w+ \d+, \d{4}, \d\d:\d\d UTC<\/time>/);
    assert.ok(page.text.indexOf(`id="sub-${first}"`) < page.text.indexOf(`id="sub-${second}"`), 'oldest first');

    let r = await adminPost(srv, sess.editor, '/admin/submissions/', { id: first, action: 'accept', page: 1 });
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), `/admin/submissions/?page=1&accepted=${first}`);
    const landed = await adminGet(srv, sess.editor, r.headers.get('location'));
    assert.match(landed.text, /Accepted: “A Guest Transcript” is now a draft post/);
    assert.match(landed.text, new RegExp(`<a href="/admin/posts/${first}/">Open it in the editor</a>`));
    assert.doesNotMatch(landed.text, new RegExp(`id="sub-${first}"`));
    assert.equal(await submissionStatus(first), 'draft');

    r = await adminPost(srv, sess.editor, '/admin/submissions/', { id: second, action: 'reject', page: 1 });
    assert.equal(r.status, 303);
    assert.match((await adminGet(srv, sess.editor, r.headers.get('location'))).text, /Rejected: “Another Guest Piece” was moved to the trash/);
    assert.equal(await submissionStatus(second), 'trash');

    // Deciding twice: 409, with the message; a bad action or id: 400.
    r = await adminPost(srv, sess.editor, '/admin/submissions/', { id: first, action: 'reject' });
    assert.equal(r.status, 409);
    assert.match(r.text, /already accepted or rejected/);
    assert.equal(await submissionStatus(first), 'draft');
    r = await adminPost(srv, sess.editor, '/admin/submissions/', { id: first, action: 'publish' });
    assert.equal(r.status, 400);
    assert.match(r.text, /Choose accept or reject/);
    r = await adminPost(srv, sess.editor, '/admin/submissions/', { action: 'accept' });
    assert.equal(r.status, 400);
    assert.match((await adminGet(srv, sess.editor, '/admin/submissions/')).text, /No submissions are waiting/);
  });

  test('the JSON API lists and decides submissions; posts that are not submissions are not its business', async () => {
    const id = await submitGuest('An API Submission', { name: 'Api Writer', email: 'api@example.com' });
    let r = await api(srv, sess.editor, 'GET', '/api/v1/admin/submissions');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'pending');
    const item = r.json.submissions.find((x) => x.id === id);
    assert.equal(item.title, 'An API Submission');
    assert.equal(item.name, 'Api Writer');
    assert.equal(item.email, 'api@example.com');
    assert.equal(item.source_url, 'https://example.org/rec');
    assert.match(item.preview, /^SPEAKER: An API Submission begins\./);
    assert.equal(new URL(item.edit_url).pathname, `/admin/posts/${id}/`);
    assert.equal(r.json.total, r.json.submissions.length);

    const pending = await addPost('author-pending', 'pending');
    r = await api(srv, sess.editor, 'POST', `/api/v1/admin/submissions/${pending.id}`, { action: 'accept' });
    assert.equal(r.status, 404, 'an author\'s post waiting for review is not a guest submission');
    r = await api(srv, sess.editor, 'POST', `/api/v1/admin/submissions/${id}`, { action: 'maybe' });
    assert.equal(r.status, 400);
    r = await api(srv, sess.editor, 'POST', `/api/v1/admin/submissions/${id}`, { action: 'accept' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'draft');
    assert.equal(await submissionStatus(id), 'draft');
    r = await api(srv, sess.editor, 'POST', `/api/v1/admin/submissions/${id}`, { action: 'reject' });
    assert.equal(r.status, 409);
    r = await api(srv, sess.editor, 'GET', '/api/v1/admin/submissions?status=draft');
    assert.ok(r.json.submissions.some((x) => x.id === id));
    r = await api(srv, sess.editor, 'GET', '/api/v1/admin/submissions?status=published');
    assert.equal(r.status, 400);
  });
});

describe('who may moderate', () => {
  const commentsAllowed = ['admin', 'editor', 'moderator'];
  const submissionsAllowed = ['admin', 'editor'];

  test('comments: admin, editor and moderator may; author and contributor get 403, HTML and API', async () => {
    const post = await addPost('roles');
    const id = await comment(post);
    for (const role of Object.keys(ROLE_USERS)) {
      const s = sess[role];
      const allowed = commentsAllowed.includes(role);
      const want = (ok) => (allowed ? ok : 403);
      assert.equal((await adminGet(srv, s, '/admin/comments/')).status, want(200), `${role} GET /admin/comments/`);
      // A bulk form without an action: 400 past the gate, 403 before it.
      assert.equal((await adminPost(srv, s, '/admin/comments/', { id })).status, want(400), `${role} POST /admin/comments/`);
      assert.equal((await api(srv, s, 'GET', '/api/v1/admin/comments')).status, want(200), `${role} GET api comments`);
      const d = await api(srv, s, 'POST', '/api/v1/admin/comments/decide', allowed ? { ids: [id], action: 'nope' } : { ids: [id], action: 'approve' });
      assert.equal(d.status, want(400), `${role} POST api decide`);
    }
    assert.equal(await statusOf(id), 'pending', 'no refused role changed it');
    // Not signed in: to the login page, or 401.
    const anon = await adminGet(srv, null, '/admin/comments/');
    assert.equal(anon.status, 303);
    assert.match(anon.headers.get('location'), /^\/login\?next=/);
    assert.equal((await api(srv, null, 'GET', '/api/v1/admin/comments')).status, 401);
    assert.equal((await api(srv, null, 'POST', '/api/v1/admin/comments/decide', { ids: [id], action: 'approve' })).status, 401);
    assert.equal(await statusOf(id), 'pending');
    await clearPending();
  });

  test('submissions: admin and editor may; author, contributor and moderator get 403, HTML and API', async () => {
    const id = await submitGuest('A Submission Nobody Else May Touch', { email: 'roles@example.com' });
    for (const role of Object.keys(ROLE_USERS)) {
      const s = sess[role];
      const allowed = submissionsAllowed.includes(role);
      const want = (ok) => (allowed ? ok : 403);
      assert.equal((await adminGet(srv, s, '/admin/submissions/')).status, want(200), `${role} GET /admin/submissions/`);
      const f = await adminPost(srv, s, '/admin/submissions/', allowed ? { id, action: 'nope' } : { id, action: 'accept' });
      assert.equal(f.status, want(400), `${role} POST /admin/submissions/`);
      assert.equal((await api(srv, s, 'GET', '/api/v1/admin/submissions')).status, want(200), `${role} GET api submissions`);
      const d = await api(srv, s, 'POST', `/api/v1/admin/submissions/${id}`, { action: allowed ? 'nope' : 'accept' });
      assert.equal(d.status, want(400), `${role} POST api submission`);
    }
    assert.equal(await submissionStatus(id), 'pending');
    assert.equal((await adminGet(srv, null, '/admin/submissions/')).status, 303);
    assert.equal((await api(srv, null, 'GET', '/api/v1/admin/submissions')).status, 401);
    assert.equal((await api(srv, null, 'POST', `/api/v1/admin/submissions/${id}`, { action: 'accept' })).status, 401);
    assert.equal(await submissionStatus(id), 'pending');
  });

  test('a missing or wrong CSRF token, or a foreign origin, is a 403 and changes nothing', async () => {
    const post = await addPost('csrf');
    const id = await comment(post);
    const sub = await submitGuest('A Submission Under Attack', { email: 'csrf@example.com' });
    const mo = sess.moderator;
    const ed = sess.editor;
    const cases = [
      ['form, no csrf', () => adminPost(srv, mo, '/admin/comments/', { id, action: 'approve' }, { csrf: false })],
      ['form, wrong csrf', () => adminPost(srv, mo, '/admin/comments/', { id, action: 'approve', csrf: 'x'.repeat(43) })],
      ['form, other origin', () => adminPost(srv, mo, '/admin/comments/', { id, action: 'approve' }, { headers: { Origin: 'https://evil.example' } })],
      ['api, no csrf', () => rawApi(mo, '/api/v1/admin/comments/decide', { ids: [id], action: 'approve' })],
      ['api, wrong csrf', () => rawApi(mo, '/api/v1/admin/comments/decide', { ids: [id], action: 'approve' }, 'nope')],
      ['api, other origin', () => rawApi(mo, '/api/v1/admin/comments/decide', { ids: [id], action: 'approve' }, mo.csrf, 'https://evil.example')],
      ['subs form, no csrf', () => adminPost(srv, ed, '/admin/submissions/', { id: sub, action: 'accept' }, { csrf: false })],
      ['subs form, wrong csrf', () => adminPost(srv, ed, '/admin/submissions/', { id: sub, action: 'accept', csrf: 'wrong' })],
      ['subs api, no csrf', () => rawApi(ed, `/api/v1/admin/submissions/${sub}`, { action: 'accept' })],
      ['subs api, wrong csrf', () => rawApi(ed, `/api/v1/admin/submissions/${sub}`, { action: 'accept' }, 'nope')],
    ];
    for (const [name, call] of cases) {
      const r = await call();
      assert.equal(r.status, 403, name);
    }
    assert.equal(await statusOf(id), 'pending');
    assert.equal(await submissionStatus(sub), 'pending');
    await pageShows(post, { ids: [], hidden: [id] });
    // The same requests with the token go through.
    assert.equal((await adminPost(srv, mo, '/admin/comments/', { id, action: 'approve' })).status, 303);
    assert.equal((await api(srv, ed, 'POST', `/api/v1/admin/submissions/${sub}`, { action: 'reject' })).status, 200);
    assert.equal(await statusOf(id), 'approved');
    assert.equal(await submissionStatus(sub), 'trash');
    await pageShows(post, { ids: [id] });
  });
});
