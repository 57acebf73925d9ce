// The theme in a real browser: the post page at a 360 px phone and a
// 1440 px desktop, light and dark, with no horizontal overflow, no console
// errors, no request to any other host, and working without JavaScript.
// Screenshots are kept as test artifacts in tests/e2e/artifacts/.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { newSite, startServer, cleanup, stopClean, reportOnFailure, REPO_ROOT } from './lib/gazette.mjs';
import { launch, collectErrors } from './lib/browser.mjs';

const ARTIFACTS = process.env.GAZETTE_ARTIFACTS ?? path.join(REPO_ROOT, 'tests', 'e2e', 'artifacts');

let srv;
let browser;
let postPath;

before(async () => {
  const site = await newSite({ demo: true, demoArgs: ['--posts', '15', '--comments', '40'] });
  srv = await startServer(site.dir);
  browser = await launch();
  mkdirSync(ARTIFACTS, { recursive: true });
  const page = await browser.newPage();
  await page.goto(`${srv.url}/`);
  postPath = await page.$eval('main article h2 a', (a) => a.getAttribute('href'));
  await page.close();
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

for (const width of [360, 1440]) {
  for (const scheme of ['light', 'dark']) {
    test(`the post page at ${width} px (${scheme}): no overflow, no console errors, no other host`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme });
      const page = await context.newPage();
      const errors = collectErrors(page);
      const hosts = new Set();
      page.on('request', (req) => hosts.add(new URL(req.url()).host));
      try {
        await page.goto(srv.url + postPath, { waitUntil: 'networkidle' });
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `horizontal overflow of ${overflow} px`);
        assert.deepEqual(errors, []);
        assert.deepEqual([...hosts], [new URL(srv.url).host], 'every request goes to the site itself');
        const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        const [r, g, b] = bg.match(/\d+/g).map(Number);
        const light = (r + g + b) / 3 > 128;
        assert.equal(light, scheme === 'light', `background ${bg} for ${scheme}`);
        if (width === 360) {
          // On a phone the sidebar follows the article instead of squeezing it.
          const [main, aside] = await Promise.all([page.$eval('main', (e) => e.getBoundingClientRect().toJSON()),
            page.$eval('aside.sidebar', (e) => e.getBoundingClientRect().toJSON())]);
          assert.ok(aside.top >= main.bottom - 1, 'sidebar below the article');
          assert.ok(main.width >= 300, `article column ${main.width} px`);
        }
        await page.screenshot({ path: path.join(ARTIFACTS, `post-${width}-${scheme}.png`), fullPage: true });
      } finally {
        await context.close();
      }
    });
  }
}

test('the page works without JavaScript: content, navigation and search form are in the HTML', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  try {
    await page.goto(srv.url + postPath);
    assert.ok((await page.textContent('h1')).length > 0);
    assert.ok(await page.$('nav.topnav a[href^="/category/"]'));
    assert.ok(await page.$('form[role=search] input[name=s]'));
    assert.match(await page.textContent('.views'), /\d+ Views/);
  } finally {
    await context.close();
  }
});

test('landmarks and headings: one h1, a main, a labelled sidebar, the language set', async () => {
  const page = await browser.newPage();
  try {
    await page.goto(srv.url + postPath);
    assert.equal(await page.$$eval('h1', (h) => h.length), 1);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.ok(await page.$('main'));
    assert.ok(await page.$('aside[aria-label]'));
    assert.ok(await page.$('nav[aria-label]'));
  } finally {
    await page.close();
  }
});
