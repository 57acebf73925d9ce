// Watch (issue 16 part 5): a video post's video from an allow-listed
// provider is a click-to-load facade with our own poster: Chromium, with
// every request recorded, sees nothing go to the provider until the
// reader clicks, then the provider's player in a frame. A PeerTube
// instance plays only when the admin lists it, and its page's policy
// frames that origin. The Watch section lists the videos as a grid.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run, newSite, startServer, get, shareServer, eventually } from './lib/gazette.mjs';
import { absent, fixture } from './lib/needs.mjs';
import { launch, collectErrors, CHROMIUM } from './lib/browser.mjs';

const POSTER = fixture('media', 'exif-samples', 'jpg', 'orientation', 'landscape_1.jpg');
const skip = absent(POSTER) || absent(CHROMIUM);
const PEERTUBE = 'tube.example.org';
// A file of the media library: content-addressed, SITE/media/HH/HEX.EXT.
const LIBRARY_JPG = /^\/media\/[0-9a-f]{2}\/[0-9a-f]{32}\.jpg$/;
const PROVIDERS = /youtube|youtu\.be|ytimg|googlevideo|vimeo|dailymotion|rumble|odysee|tube\.example\.org|doubleclick|google/;

let site;
let srv;
let browser;
const posts = {};
shareServer(() => srv);
after(async () => browser?.close());

const g = (args, env) => run([...args, '--site', site.dir], { env });

// A video without a poster has its thumbnail asked of the provider
// (decision 093; watch-thumbs.test.mjs): here no one answers, on loopback,
// so the test never reaches for the internet.
async function addPost(name, front) {
  const f = path.join(site.dir, `${name}.md`);
  writeFileSync(f, `---\n${front}\n---\nAbout the video.\n`);
  return g(['post', 'add', f], { GAZETTE_TEST_OEMBED_ORIGIN: 'http://127.0.0.1:9' });
}

before(async () => {
  if (skip) return;
  site = await newSite();
  mkdirSync(path.join(site.dir, 'media', 'posters'), { recursive: true });
  copyFileSync(POSTER, path.join(site.dir, 'media', 'posters', 'one.jpg'));
  writeFileSync(path.join(site.dir, 'media', 'posters', 'not-an-image.jpg'), 'hello');
  assert.equal((await g(['sections', 'add', 'watch', '--name', 'Watch', '--kind', 'video'])).code, 0);
  assert.equal((await g(['settings', 'set', 'video_peertube_hosts', `peertube.example.net, ${PEERTUBE}`])).code, 0);
  const yt = await addPost('yt', 'title: The Harbour Interview\nsection: watch\nstatus: published\n'
    + 'video: https://www.youtube.com/watch?v=abcDEF12345&t=10\nposter: media/posters/one.jpg');
  assert.equal(yt.code, 0, yt.stderr);
  posts.yt = new URL(yt.stdout.split('\t')[1].trim()).pathname;
  const pt = await addPost('pt', `title: On PeerTube\nsection: watch\nstatus: published\nvideo: https://${PEERTUBE}/w/kkGMgK9ZtnKfYAgnEtQxbv`);
  assert.equal(pt.code, 0, pt.stderr);
  assert.match(pt.stderr, /^gazette: warning: no thumbnail for video 'https:\/\/tube\.example\.org\/w\/kkGMgK9ZtnKfYAgnEtQxbv': .*the post is added without one\n$/);
  posts.pt = new URL(pt.stdout.split('\t')[1].trim()).pathname;
  const feat = await addPost('featured', 'title: With a Picture\nstatus: published\nimage: media/posters/one.jpg');
  assert.equal(feat.code, 0, feat.stderr);
  posts.featured = new URL(feat.stdout.split('\t')[1].trim()).pathname;
  srv = await startServer(site.dir);
  browser = await launch();
});

test('videos of no allowed provider, and posters that are not images, are refused', { skip }, async () => {
  for (const [name, front, re] of [
    ['evil', 'video: https://evil.example.com/watch?v=abc', /is not a page of YouTube/],
    ['unlisted', 'video: https://peertube.other.example/w/abc', /is not a page of YouTube/],
    ['js', 'video: javascript:alert(1)', /cannot read|not .*video/],
    ['poster', 'video: https://vimeo.com/123456\nposter: media/posters/not-an-image.jpg', /not-an-image\.jpg' is not a JPEG, PNG, WebP or GIF image/],
    ['lonely', 'poster: media/posters/one.jpg', /poster: is the thumbnail of a video/],
  ]) {
    const r = await addPost(name, `title: Refused ${name}\nsection: watch\nstatus: published\n${front}`);
    assert.equal(r.code, 2, `${name}: ${r.stdout}`);
    assert.match(r.stderr, re, name);
  }
  const list = await get(`${srv.url}/category/watch/`);
  assert.doesNotMatch(list.text, /Refused/, 'a refused post is not added');
});

test('no request reaches the provider before the click; the click loads its player', { skip }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = collectErrors(page);
  const seen = [];
  page.on('request', (req) => seen.push(req.url()));
  // The provider is answered here, so the test runs offline.
  await context.route(PROVIDERS, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><p>player</p>' }));
  await page.goto(`${srv.url}${posts.yt}`, { waitUntil: 'networkidle' });
  await page.mouse.move(640, 300); // hovering is not asking
  await page.waitForTimeout(300);
  assert.deepEqual(seen.filter((u) => PROVIDERS.test(new URL(u).hostname)), [], 'requests before the click');
  const poster = page.locator('.video-facade img');
  const posterSrc = await poster.getAttribute('src');
  assert.match(posterSrc, LIBRARY_JPG, 'the poster is ours, from the media library');
  assert.ok(seen.some((u) => u.endsWith(posterSrc)));
  await page.click('.video-play');
  const frame = page.locator('.video-facade iframe');
  await frame.waitFor();
  assert.equal(await frame.getAttribute('src'), 'https://www.youtube-nocookie.com/embed/abcDEF12345?autoplay=1');
  await page.waitForFunction(() => true);
  assert.ok(seen.some((u) => u.startsWith('https://www.youtube-nocookie.com/embed/abcDEF12345')), 'the player is fetched after the click');
  assert.ok(!seen.some((u) => /(^|\.)youtube\.com\//.test(u.replace(/^https:\/\//, ''))), 'never www.youtube.com, only youtube-nocookie');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a listed PeerTube instance plays in a frame the page\'s policy allows', { skip }, async () => {
  const res = await get(`${srv.url}${posts.pt}`);
  const csp = res.headers.get('content-security-policy');
  assert.match(csp, new RegExp(`frame-src [^;]*https://${PEERTUBE.replace(/\./g, '\\.')}`));
  assert.match(csp, /frame-ancestors 'none'/, 'the rest of the policy stays');
  const other = await get(`${srv.url}${posts.yt}`);
  assert.doesNotMatch(other.headers.get('content-security-policy'), /tube\.example\.org/);
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = collectErrors(page);
  const seen = [];
  page.on('request', (req) => seen.push(req.url()));
  await context.route(PROVIDERS, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<p>peertube</p>' }));
  await page.goto(`${srv.url}${posts.pt}`, { waitUntil: 'networkidle' });
  assert.equal(seen.filter((u) => u.includes(PEERTUBE)).length, 0);
  await page.click('.video-play');
  await page.locator('.video-facade iframe').waitFor();
  await page.waitForFunction(() => true);
  assert.ok(seen.some((u) => u.startsWith(`https://${PEERTUBE}/videos/embed/kkGMgK9ZtnKfYAgnEtQxbv`)), seen.join('\n'));
  assert.deepEqual(errors.filter((e) => /Content Security Policy/.test(e)), []);
  // Taken off the list, it has no player at all.
  assert.equal((await g(['settings', 'set', 'video_peertube_hosts', 'peertube.example.net'])).code, 0);
  const gone = await eventually(async () => !(await get(`${srv.url}${posts.pt}`)).text.includes('video-facade'));
  assert.ok(gone, 'an unlisted instance gets no player');
  assert.equal((await g(['settings', 'set', 'video_peertube_hosts', `peertube.example.net, ${PEERTUBE}`])).code, 0);
  await context.close();
});

test("post add's image: is the post's featured image, from the media library", { skip }, async () => {
  const page = await get(`${srv.url}${posts.featured}`);
  const img = /<figure class="featured"><picture>.*?<img src="([^"]+)"[^>]* width="(\d+)" height="(\d+)" srcset="([^"]+)"/.exec(page.text);
  assert.ok(img, 'a featured <picture> with width, height and srcset');
  assert.match(img[1], LIBRARY_JPG);
  assert.deepEqual([img[2], img[3]], ['600', '450']);
  assert.match(img[4], /-300\.jpg 300w/);
  const bad = await addPost('featured-bad', 'title: Not a Picture\nstatus: published\nimage: media/posters/not-an-image.jpg');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /featured-bad\.md:4: image: .*not-an-image\.jpg' is not a JPEG/);
});

test('the Watch section is a grid of thumbnails with durations', { skip }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${srv.url}/category/watch/`);
  const cards = page.locator('.watch-grid .summary-video');
  assert.equal(await cards.count(), 2);
  assert.match(await page.locator('.watch-grid .thumb img').first().getAttribute('src'), LIBRARY_JPG);
  const cols = await page.locator('.watch-grid').evaluate((el) => getComputedStyle(el).gridTemplateColumns.split(' ').length);
  assert.ok(cols >= 2, `a grid of ${cols} columns at 1280 px`);
  const boxes = await cards.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().top));
  assert.equal(boxes[0], boxes[1], 'two cards side by side');
  await context.close();
});
