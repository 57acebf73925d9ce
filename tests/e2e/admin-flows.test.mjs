// The admin's main flows as people do them, in Chromium: a contributor
// writes and submits for review, an editor publishes it; an author meets a
// 403 on another author's post; an editor restores an earlier revision and
// the site shows it.  (admin-posts.test.mjs covers the same rules over
// HTTP, in detail.)
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { newSite, startServer, cleanup, reportOnFailure, stopClean, get } from './lib/gazette.mjs';
import { addUser, browserLogin } from './lib/admin.mjs';
import { launch, collectErrors } from './lib/browser.mjs';

let site;
let srv;
let browser;

before(async () => {
  site = await newSite({ demo: true, demoArgs: ['--posts', '3', '--comments', '0'] });
  for (const [l, role] of [['ed', 'editor'], ['au', 'author'], ['au2', 'author'], ['co', 'contributor']]) await addUser(site.dir, l, role);
  srv = await startServer(site.dir);
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

// A signed-in page of its own browser context (its own cookies).
async function as(login) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const errors = collectErrors(page);
  page.on('dialog', (d) => d.accept());
  await browserLogin(page, srv, login);
  return { ctx, page, errors };
}

// A Location on the site's configured URL, as a URL of this test server.
const local = (loc) => `${srv.url}${new URL(loc, srv.url).pathname}`;

async function write(page, title, body, status) {
  await page.goto(`${srv.url}/admin/posts/new`);
  await page.fill('#title', title);
  await page.fill('#body', body);
  if (status) await page.selectOption('#status', status);
  await Promise.all([page.waitForURL(/\/admin\/posts\/\d+\/\?saved=1/), page.click('#save')]);
  return Number(/\/admin\/posts\/(\d+)\//.exec(page.url())[1]);
}

test('a contributor submits for review (publishing is not offered), an editor publishes, readers see it', async () => {
  const co = await as('co');
  await co.page.goto(`${srv.url}/admin/posts/new`);
  const options = await co.page.$$eval('#status option', (os) => os.map((o) => o.value));
  assert.ok(!options.includes('published') && !options.includes('scheduled'), `a contributor is offered ${options}`);
  assert.ok(options.includes('pending'), `${options}`);
  const id = await write(co.page, 'A reader wrote in', 'Facts **first**.', 'pending');
  assert.equal(await co.page.$eval('#status', (s) => s.value), 'pending');
  const slugPath = '/a-reader-wrote-in/';
  assert.equal((await get(`${srv.url}/?p=${id}`)).status, 404, 'not public while pending');

  const ed = await as('ed');
  await ed.page.goto(`${srv.url}/admin/posts/?status=pending`);
  await Promise.all([ed.page.waitForURL(new RegExp(`/admin/posts/${id}/`)), ed.page.click('text=A reader wrote in')]);
  await ed.page.selectOption('#status', 'published');
  await Promise.all([ed.page.waitForURL(/saved=1/), ed.page.click('#save')]);
  const shortlink = await get(`${srv.url}/?p=${id}`);
  assert.equal(shortlink.status, 301);
  const pub = await get(local(shortlink.headers.get('location')));
  assert.equal(pub.status, 200);
  assert.match(pub.text, /Facts <strong>first<\/strong>\./);
  assert.ok(shortlink.headers.get('location').endsWith(slugPath));

  // Published: the contributor can no longer change it.
  const r = await co.page.goto(`${srv.url}/admin/posts/${id}/`);
  assert.equal(r.status(), 403);
  assert.match(await co.page.textContent('main'), /contributor/i);
  assert.deepEqual([...co.errors, ...ed.errors].filter((e) => !/403|Forbidden/.test(e)), []);
  await co.ctx.close();
  await ed.ctx.close();
});

test("an author opening another author's post gets a 403 page, and the post is not in their list", async () => {
  const au2 = await as('au2');
  const id = await write(au2.page, 'Only mine', 'Mine.', 'published');
  const au = await as('au');
  const r = await au.page.goto(`${srv.url}/admin/posts/${id}/`);
  assert.equal(r.status(), 403);
  assert.match(await au.page.textContent('main'), /another author/);
  await au.page.goto(`${srv.url}/admin/posts/`);
  assert.doesNotMatch(await au.page.textContent('main'), /Only mine/);
  await au.ctx.close();
  await au2.ctx.close();
});

test('an editor restores an earlier revision and the site shows it again', async () => {
  const ed = await as('ed');
  const id = await write(ed.page, 'Harbour report', 'The first, right version.', 'published');
  await ed.page.fill('#body', 'A second version with a mistake.');
  await Promise.all([ed.page.waitForURL(/saved=1/), ed.page.click('#save')]);
  const shortlink = await get(`${srv.url}/?p=${id}`);
  const url = local(shortlink.headers.get('location'));
  assert.match((await get(url)).text, /with a mistake/);

  await ed.page.goto(`${srv.url}/admin/posts/${id}/revisions/`);
  const rows = await ed.page.$$('tr[data-rev]');
  assert.ok(rows.length >= 2, `${rows.length} revisions`);
  // The oldest revision is the first save; restore it.
  const oldest = rows[rows.length - 1];
  await Promise.all([ed.page.waitForNavigation(), (await oldest.$('button.restore')).click()]);
  assert.match(await ed.page.inputValue('#body'), /The first, right version\./);
  const after_ = await get(url);
  assert.match(after_.text, /The first, right version\./);
  assert.doesNotMatch(after_.text, /with a mistake/);
  // Restoring made a revision of its own.
  await ed.page.goto(`${srv.url}/admin/posts/${id}/revisions/`);
  assert.equal((await ed.page.$$('tr[data-rev]')).length, rows.length + 1);
  assert.deepEqual(ed.errors, []);
  await ed.ctx.close();
});
