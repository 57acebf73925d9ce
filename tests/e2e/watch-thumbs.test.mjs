// Watch's thumbnails (issue 16 part 5, decision 093): a provider's video
// added without a poster gets the provider's thumbnail, fetched once by
// `post add` through the provider's oEmbed answer and stored in the media
// library like any upload (stripped of its metadata), so the page and the
// Watch grid show our copy and the reader's browser asks the provider
// nothing. A thumbnail that cannot be had (404, HTML for JSON, an image
// over the limit, an SVG, a pixel bomb) leaves the post added with the
// plain panel and a warning naming the video and why. There is no
// internet here: a server on loopback plays every provider, reached
// through GAZETTE_TEST_OEMBED_ORIGIN (for tests only), given to `post add`
// alone; the server that shows the pages is never told of it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { run, newSite, startServer, get, shareServer } from './lib/gazette.mjs';
import { absent, fixture } from './lib/needs.mjs';
import { launch, collectErrors, CHROMIUM } from './lib/browser.mjs';
import { LIMITS } from './lib/limits.mjs';
import { startProvider, pixelBomb } from './lib/oembed.mjs';

const GPS_JPG = fixture('media', 'exif-samples', 'jpg', 'gps', 'DSCN0010.jpg');
const PLAIN_JPG = fixture('media', 'exif-samples', 'jpg', 'orientation', 'landscape_1.jpg');
const skip = absent(GPS_JPG) || absent(PLAIN_JPG) || absent(CHROMIUM);
const LIBRARY_JPG = /^\/media\/[0-9a-f]{2}\/[0-9a-f]{32}\.jpg$/;
const PEERTUBE = 'tube.example.org';
const THUMB_MAX = LIMITS.LIM_VIDEO_THUMB_BYTES;

// The ids the stand-in knows, each one behaviour; the page URL of each
// video names its id.
const VIDEOS = {
  gps: { url: 'https://www.youtube.com/watch?v=thumbGPS001', thumb: '/img/gps.jpg' },
  vimeo: { url: 'https://vimeo.com/754000', thumb: '/img/plain.jpg', duration: 754 },
  peertube: { url: `https://${PEERTUBE}/w/peerThumb01`, thumb: '/img/plain.jpg' },
  notFound: { url: 'https://www.dailymotion.com/video/x404nf', status: 404, why: /HTTP 404/ },
  html: { url: 'https://www.youtube.com/watch?v=htmlPage001', html: true, why: /not an oEmbed JSON object \(text\/html/ },
  noThumb: { url: 'https://www.youtube.com/watch?v=noThumb0001', why: /names no http\(s\) thumbnail_url/ },
  hugeDeclared: { url: 'https://www.youtube.com/watch?v=hugeDecl001', thumb: '/img/huge-declared.jpg', why: new RegExp(`huge-declared\\.jpg': over ${THUMB_MAX} bytes`) },
  hugeChunked: { url: 'https://www.youtube.com/watch?v=hugeChunk01', thumb: '/img/huge-chunked.jpg', why: new RegExp(`huge-chunked\\.jpg': over ${THUMB_MAX} bytes`) },
  svg: { url: 'https://www.youtube.com/watch?v=svgImage001', thumb: '/img/x.svg', why: /x\.svg' is not a JPEG, PNG, WebP or GIF image/ },
  bomb: { url: 'https://www.youtube.com/watch?v=pixelBomb01', thumb: '/img/bomb.png', why: /bomb\.png': image .*50000 x 50000 pixels is more than/ },
  fileUrl: { url: 'https://www.youtube.com/watch?v=fileURL0001', thumbUrl: 'file:///etc/passwd', why: /names no http\(s\) thumbnail_url/ },
  toFile: { url: 'https://www.youtube.com/watch?v=toFile00001', thumb: '/img/to-file', why: /to-file': fetch failed: .*[Pp]rotocol/ },
};
const FAILING = Object.keys(VIDEOS).filter((k) => VIDEOS[k].why);

let hits;
let provider;
let origin;

async function startStandIn() {
  provider = await startProvider({
    videos: VIDEOS,
    jpeg: readFileSync(PLAIN_JPG),
    images: {
      '/img/gps.jpg': ['image/jpeg', readFileSync(GPS_JPG)],
      '/img/plain.jpg': ['image/jpeg', readFileSync(PLAIN_JPG)],
      '/img/x.svg': ['image/svg+xml', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360"><script>alert(1)</script><rect width="640" height="360"/></svg>')],
      '/img/bomb.png': ['image/png', pixelBomb()],
    },
  });
  ({ origin, hits } = provider);
}

let site;
let srv;
let browser;
const posts = {};
const added = {};
shareServer(() => srv);
after(async () => {
  await browser?.close();
  provider?.close();
});

const g = (args, env) => run([...args, '--site', site.dir], { env });

async function addVideo(name, title, front) {
  const f = path.join(site.dir, `${name}.md`);
  writeFileSync(f, `---\ntitle: ${title}\nsection: watch\nstatus: published\n${front}\n---\nAbout the video.\n`);
  return g(['post', 'add', f], { GAZETTE_TEST_OEMBED_ORIGIN: origin });
}

// The attribute values of the page that make a browser fetch something.
function loadingUrls(html) {
  return [...html.matchAll(/\s(?:src|srcset|poster|data-src)="([^"]*)"/g)].map((m) => m[1])
    .concat([...html.matchAll(/<link[^>]*href="([^"]*)"/g)].map((m) => m[1]));
}

function facadeImg(html) {
  const facade = /<div class="video-facade"[\s\S]*?<\/div>/.exec(html);
  assert.ok(facade, 'the page has the facade');
  return /<img src="([^"]+)"/.exec(facade[0])?.[1] ?? null;
}

before(async () => {
  if (skip) return;
  await startStandIn();
  site = await newSite();
  assert.equal((await g(['sections', 'add', 'watch', '--name', 'Watch', '--kind', 'video'])).code, 0);
  assert.equal((await g(['settings', 'set', 'video_peertube_hosts', PEERTUBE])).code, 0);
  mkdirSync(path.join(site.dir, 'posters'));
  copyFileSync(PLAIN_JPG, path.join(site.dir, 'posters', 'own.jpg'));
  for (const [name, v] of Object.entries(VIDEOS)) {
    added[name] = await addVideo(name, `Video ${name}`, `video: ${v.url}`);
    assert.equal(added[name].code, 0, `${name}: ${added[name].stderr}`);
    posts[name] = new URL(added[name].stdout.split('\t')[1].trim()).pathname;
  }
  added.own = await addVideo('own', 'Video own', 'video: https://www.youtube.com/watch?v=ownPoster01\nposter: posters/own.jpg');
  assert.equal(added.own.code, 0, added.own.stderr);
  posts.own = new URL(added.own.stdout.split('\t')[1].trim()).pathname;
  srv = await startServer(site.dir);
  browser = await launch();
});

test('the thumbnail is fetched once, at add time, and served from /media/ with no metadata', { skip }, async () => {
  for (const name of ['gps', 'vimeo', 'peertube']) {
    assert.equal(added[name].stderr, '', `${name}: no warning`);
    assert.equal(hits.filter((h) => h.includes(encodeURIComponent(VIDEOS[name].url))).length, 1, `${name}: one oEmbed request`);
  }
  assert.equal(hits.filter((h) => h === '/img/gps.jpg').length, 1, 'the image itself once');
  assert.ok(!hits.some((h) => h.includes('ownPoster01')), 'a video with its own poster asks the provider nothing');
  const page = await get(`${srv.url}${posts.gps}`);
  assert.equal(page.status, 200);
  const src = facadeImg(page.text);
  assert.match(src, LIBRARY_JPG, 'the poster is our copy, in the media library');
  // Nothing on the page loads from anywhere but the site itself.
  assert.ok(!page.text.includes(origin.replace('http://', '')), 'the stand-in provider is named nowhere');
  assert.ok(!/ytimg|vimeocdn|dmcdn/.test(page.text), 'no provider image host is named');
  for (const u of loadingUrls(page.text)) {
    assert.ok(/^\/(?!\/)/.test(u) || u.startsWith(`${srv.url}/`), `${u}: on the site`);
  }
  // Metadata: the provider's image carried EXIF with GPS; no copy does.
  assert.ok(readFileSync(GPS_JPG).includes('Exif\0\0'), 'the fixture has EXIF');
  const served = await fetch(`${srv.url}${src}`);
  assert.equal(served.status, 200);
  assert.equal(served.headers.get('content-type'), 'image/jpeg');
  const bytes = Buffer.from(await served.arrayBuffer());
  assert.ok(!bytes.includes('Exif\0\0'), 'the served copy has no EXIF');
  const dir = path.join(site.dir, path.dirname(src));
  const hex = path.basename(src, '.jpg');
  const copies = readdirSync(dir).filter((f) => f.startsWith(hex));
  assert.ok(copies.length >= 4, `variants too: ${copies}`);
  for (const f of copies) {
    const b = readFileSync(path.join(dir, f));
    assert.ok(!b.includes('Exif\0\0') && !b.includes('GPS'), `${f} carries no EXIF or GPS`);
  }
  // The other two providers' thumbnails, and the poster given by hand.
  for (const name of ['vimeo', 'peertube', 'own']) {
    assert.match(facadeImg((await get(`${srv.url}${posts[name]}`)).text), LIBRARY_JPG, name);
  }
});

test("Vimeo's duration comes from its oEmbed answer", { skip }, async () => {
  const page = await get(`${srv.url}${posts.vimeo}`);
  assert.match(page.text, /<span class="duration">12:34<\/span>/);
});

test('a thumbnail that cannot be had: the post is added, with the plain panel and a warning', { skip }, async () => {
  for (const name of FAILING) {
    const r = added[name];
    assert.equal(r.stderr.trim().split('\n').length, 1, `${name}: one line`);
    assert.match(r.stderr, new RegExp(`^gazette: warning: no thumbnail for video '${VIDEOS[name].url.replace(/[.?]/g, '\\$&')}': `), name);
    assert.match(r.stderr, VIDEOS[name].why, name);
    assert.match(r.stderr, /the post is added without one\n$/, name);
    const page = await get(`${srv.url}${posts[name]}`);
    assert.equal(page.status, 200, name);
    assert.equal(facadeImg(page.text), null, `${name}: no poster`);
    assert.match(page.text, /class="video-play"/, `${name}: the facade is there`);
  }
  assert.deepEqual(readdirSync(path.join(site.dir, 'media', '.tmp')), [], 'no fetched file is left behind');
  const list = await run(['media', 'list', '--site', site.dir]);
  // The GPS photo, and the plain one (Vimeo's, PeerTube's and the poster
  // given by hand: the same bytes are one file); nothing of the failures.
  assert.equal(list.stdout.trim().split('\n').length, 2, list.stdout);
});

test('the Watch grid shows our thumbnails and the durations; reading asks the provider nothing', { skip }, async () => {
  const before = hits.length;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = collectErrors(page);
  const seen = [];
  page.on('request', (req) => seen.push(req.url()));
  const cards = {};
  // Thirteen videos: the grid's two pages.
  for (const p of ['/category/watch/', '/category/watch/page/2/']) {
    const res = await page.goto(`${srv.url}${p}`, { waitUntil: 'networkidle' });
    assert.equal(res.status(), 200, p);
    const here = await page.locator('.watch-grid .summary-video').evaluateAll((els) => els.map((el) => ({
      title: el.querySelector('h2').textContent.trim(),
      img: el.querySelector('.thumb img')?.getAttribute('src') ?? null,
      loaded: el.querySelector('.thumb img')?.naturalWidth > 0,
      blank: !!el.querySelector('.thumb .thumb-blank'),
      duration: el.querySelector('.thumb .duration')?.textContent ?? null,
    })));
    for (const c of here) cards[c.title.replace(/^▶ \S+\s+/, '')] = c;
  }
  for (const p of [posts.gps, posts.vimeo]) {
    await page.goto(`${srv.url}${p}`, { waitUntil: 'networkidle' });
  }
  assert.deepEqual(seen.filter((u) => !u.startsWith(srv.url)), [], 'every request went to the site');
  assert.equal(hits.length, before, 'the provider heard nothing from readers');
  assert.equal(Object.keys(cards).length, Object.keys(VIDEOS).length + 1, Object.keys(cards).join(', '));
  for (const name of ['gps', 'vimeo', 'peertube', 'own']) {
    assert.match(cards[`Video ${name}`].img ?? '', LIBRARY_JPG, name);
    assert.ok(cards[`Video ${name}`].loaded, `${name}: the thumbnail loads`);
  }
  assert.equal(cards['Video vimeo'].duration, '12:34');
  for (const name of FAILING) {
    assert.equal(cards[`Video ${name}`].img, null, name);
    assert.ok(cards[`Video ${name}`].blank, `${name}: the plain panel`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});
