// Issue 16 part 7, in Chromium: on a phone, search and the support link
// are at the top of every page (they used to sit ~4,700 px down, below
// the comments); the bookshelf is laid out whole with and without a cover
// (no button squeezed into a narrow column, "Free EPUB" on one line); the
// sidebar's image block shows a picture with its link and caption.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { newSite, startServer, get, shareServer, PERMALINK_RE, siteSql, ON_PG } from './lib/gazette.mjs';
import { absent, fixture, SQLITE3 } from './lib/needs.mjs';
import { launch, collectErrors, CHROMIUM } from './lib/browser.mjs';

const PICTURE = fixture('media', 'exif-samples', 'jpg', 'orientation', 'landscape_1.jpg');
const skip = absent(PICTURE) || absent(CHROMIUM) || (!ON_PG && absent(SQLITE3));
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const DESKTOP = { viewport: { width: 1280, height: 900 } };

let site;
let srv;
let browser;
let postPath;
shareServer(() => srv);
after(async () => browser?.close());

// On the site's own engine (SQLite, or PostgreSQL under make e2e-pg).
const sql = (q) => siteSql(site.dir, q);

before(async () => {
  if (skip) return;
  site = await newSite({ demo: true, demoArgs: ['--posts', '12', '--comments', '40'] });
  mkdirSync(path.join(site.dir, 'media', 'covers'), { recursive: true });
  copyFileSync(PICTURE, path.join(site.dir, 'media', 'covers', 'one.jpg'));
  copyFileSync(PICTURE, path.join(site.dir, 'media', 'feast.jpg'));
  // One book gets a cover, the other keeps none.
  sql("INSERT INTO media(path, mime, bytes, title, created_at) VALUES ('covers/one.jpg', 'image/jpeg', 1, 'cover', 0)");
  sql("UPDATE books SET cover_media_id = (SELECT id FROM media WHERE path = 'covers/one.jpg') WHERE post_id = (SELECT min(post_id) FROM books)");
  sql(`INSERT INTO blocks(area, position, kind, config) VALUES ('sidebar', 5, 'image', '${JSON.stringify({
    image: '/media/feast.jpg', alt: 'The feast', url: 'https://example.org/feast', caption: 'Click on the icon for an explanation of the feast',
  })}')`);
  srv = await startServer(site.dir);
  const home = await get(`${srv.url}/`);
  postPath = /href="(\/\d{4}\/\d{2}\/\d{2}\/[^"]+\/)"/.exec(home.text)[1];
  assert.match(postPath, PERMALINK_RE);
  browser = await launch();
});

test('on a phone, search and the support link are at the top of the page', { skip }, async () => {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${srv.url}${postPath}`);
  const search = page.locator('.phonebar input[type=search]');
  const support = page.locator('.phonebar a.phonebar-support');
  assert.ok(await search.isVisible(), 'search visible');
  assert.ok(await support.isVisible(), 'support visible');
  const sb = await search.boundingBox();
  const pb = await support.boundingBox();
  assert.ok(sb.y + sb.height < 300, `search at y=${sb.y}`);
  assert.ok(pb.y + pb.height < 300, `support at y=${pb.y}`);
  assert.ok(sb.width >= 150, `the search box is usable: ${sb.width} px wide`);
  assert.equal(await support.getAttribute('href'), 'https://donate.example.com/');
  // Nothing wider than the phone.
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
  // The sidebar's own search is far below: the top bar is the way there.
  const far = await page.locator('.sidebar .block-search input').boundingBox();
  assert.ok(far.y > 1500, `the sidebar's search is at y=${far.y}`);
  await search.fill('pipeline');
  await search.press('Enter');
  await page.waitForURL(/[?&]s=pipeline/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('on a desktop the top bar stays hidden: the sidebar holds both', { skip }, async () => {
  const context = await browser.newContext(DESKTOP);
  const page = await context.newPage();
  await page.goto(`${srv.url}${postPath}`);
  assert.equal(await page.locator('.phonebar').isVisible(), false);
  assert.ok(await page.locator('.sidebar .block-search input').isVisible());
  await context.close();
});

for (const [name, opts] of [['desktop', DESKTOP], ['phone', PHONE]]) {
  test(`the bookshelf with and without a cover (${name})`, { skip }, async () => {
    const context = await browser.newContext(opts);
    const page = await context.newPage();
    await page.goto(`${srv.url}/`);
    const block = page.locator('.sidebar .block-books');
    const blockBox = await block.boundingBox();
    const books = block.locator('.book');
    assert.equal(await books.count(), 2);
    const covered = block.locator('.book.has-cover');
    const bare = block.locator('.book:not(.has-cover)');
    assert.equal(await covered.count(), 1);
    assert.equal(await bare.count(), 1);
    // Without a cover the text has the block's whole width.
    const bareText = await bare.locator('.book-text').boundingBox();
    assert.ok(bareText.width >= blockBox.width * 0.95, `text ${bareText.width} of ${blockBox.width} px`);
    // With one, the cover is a narrow column and the text has the rest.
    const cover = await covered.locator('img').boundingBox();
    const coveredText = await covered.locator('.book-text').boundingBox();
    assert.ok(cover.width <= 70, `cover ${cover.width} px`);
    assert.ok(coveredText.width >= blockBox.width - cover.width - 30, `text beside the cover: ${coveredText.width} px`);
    // No link breaks inside itself: each is one line.
    for (const b of [bare, covered]) {
      for (const label of ['ORDER NOW', 'Free EPUB', 'Free PDF']) {
        const link = b.locator('.book-links a', { hasText: label });
        const lines = await link.evaluate((el) => el.getClientRects().length);
        assert.equal(lines, 1, `"${label}" on one line`);
        const box = await link.boundingBox();
        assert.ok(box.height < 40, `"${label}" ${box.height} px high`);
      }
    }
    // The image block: the picture, its link and caption.
    const img = page.locator('.sidebar .block-image img');
    assert.equal(await img.getAttribute('src'), '/media/feast.jpg');
    assert.equal(await img.getAttribute('alt'), 'The feast');
    await img.scrollIntoViewIfNeeded(); // loading="lazy"
    await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle(), { timeout: 10000 });
    assert.equal(await page.locator('.sidebar .block-image a').first().getAttribute('href'), 'https://example.org/feast');
    assert.match(await page.locator('.sidebar .block-image figcaption').innerText(), /Click on the icon for an explanation of the feast/);
    await context.close();
  });
}
