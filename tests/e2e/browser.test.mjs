// The demo site in a real browser (Debian's chromium via playwright-core):
// the front page loads without console errors, shows the site title and at
// least LIM_FRONT_POSTS post links, and following the first one lands on the
// post whose <h1> is the link's text. Screenshots go to /tmp/gazette-e2e/
// for humans; they are not compared.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { LIMITS } from './lib/limits.mjs';
import { newSite, startServer, cleanup, reportOnFailure, stopClean, PERMALINK_RE } from './lib/gazette.mjs';
import { launch, collectErrors } from './lib/browser.mjs';

const SHOTS = '/tmp/gazette-e2e';

let srv;
let browser;
let page;
let errors;

before(async () => {
  // A small demo keeps the file fast; the front page still fills up.
  const site = await newSite({ demo: true, demoArgs: ['--posts', '40', '--comments', '100'] });
  srv = await startServer(site.dir);
  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(15000);
  context.setDefaultNavigationTimeout(15000);
  page = await context.newPage();
  errors = collectErrors(page);
  mkdirSync(SHOTS, { recursive: true });
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

// The site title as the front page's <title> gives it, without a
// "— tagline" / "| tagline" suffix.
function siteTitleFrom(docTitle) {
  return docTitle.split(/\s+[—–|·-]\s+/)[0].trim();
}

// Post links on the page, in document order and de-duplicated by path:
// [{index, href, path, text}] where index is the anchor's position among
// a[href] elements. Links with a #fragment or ?query ("79 Comments") are not
// title links. When the page has a <main>, links in it come first: the
// site-message banner above it also links to a post, with other text.
async function postLinks() {
  const links = await page.$$eval('a[href]', (as) => as.map((a, index) => ({
    index, href: a.href, text: a.textContent.trim(), inMain: a.closest('main') !== null,
  })));
  const hasMain = links.some((l) => l.inMain);
  const ordered = hasMain ? [...links.filter((l) => l.inMain), ...links.filter((l) => !l.inMain)] : links;
  const seen = new Map();
  for (const l of ordered) {
    const u = new URL(l.href);
    if (u.hash || u.search || l.text === '' || !PERMALINK_RE.test(u.pathname)) continue;
    if (!seen.has(u.pathname)) seen.set(u.pathname, { ...l, path: u.pathname });
  }
  return [...seen.values()];
}

test('the front page loads without console errors and shows the site title', async () => {
  const res = await page.goto(srv.url + '/', { waitUntil: 'load' });
  assert.equal(res.status(), 200);
  await page.waitForLoadState('networkidle', { timeout: 10000 }).catch(() => {});
  await page.screenshot({ path: `${SHOTS}/front.png`, fullPage: true });
  const title = siteTitleFrom(await page.title());
  assert.ok(title.length > 0, 'the front page has a <title>');
  const visible = await page.locator('body').innerText();
  assert.ok(visible.includes(title), `the page shows the site title "${title}"`);
  assert.deepEqual(errors, [], 'no console errors or page errors');
});

test(`the front page has at least LIM_FRONT_POSTS (${LIMITS.LIM_FRONT_POSTS}) post links`, async () => {
  const links = await postLinks();
  assert.ok(links.length >= LIMITS.LIM_FRONT_POSTS,
    `${links.length} post links: ${links.map((l) => l.path).join(' ')}`);
});

test('clicking the first post link opens that post, whose <h1> is the link text', async () => {
  const [first] = await postLinks();
  assert.ok(first, 'a post link');
  errors.length = 0;
  const link = page.locator('a[href]').nth(first.index);
  await Promise.all([page.waitForURL((u) => PERMALINK_RE.test(u.pathname)), link.click()]);
  const url = new URL(page.url());
  assert.equal(url.origin, srv.url, 'stayed on the test server');
  assert.equal(url.pathname, first.path);
  await page.waitForLoadState('networkidle', { timeout: 10000 }).catch(() => {});
  await page.screenshot({ path: `${SHOTS}/post.png`, fullPage: true });
  const h1s = (await page.locator('h1').allInnerTexts()).map((t) => t.trim());
  assert.ok(h1s.includes(first.text), `an <h1> reads "${first.text}"; the <h1>s are ${JSON.stringify(h1s)}`);
  assert.deepEqual(errors, [], 'no console errors or page errors on the post page');
});
