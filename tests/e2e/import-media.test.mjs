// A WordPress import with `--media DIR` (issue 16 part 8): the attachments'
// files come from a copy of the old wp-content/uploads, every
// /wp-content/uploads/ link in the bodies (absolute on the old host,
// relative, WordPress's resized NAME-WxH copies) points at the stored
// file, the featured image comes from _thumbnail_id, and the summary
// counts found, missing and rewritten. In Chromium the page shows the
// picture with a srcset and asks the old host for nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { run, newSite, startServer, cleanup, get, tempDir, stopClean, reportOnFailure, siteSql, ON_PG } from './lib/gazette.mjs';
import { absent, fixture, SQLITE3 } from './lib/needs.mjs';
import { launch, CHROMIUM } from './lib/browser.mjs';

const PHOTO = fixture('media', 'exif-samples', 'jpg', 'gps', 'DSCN0010.jpg');
const OTHER = fixture('media', 'exif-samples', 'jpg', 'orientation', 'portrait_6.jpg');
const skip = absent(PHOTO) || absent(OTHER);

const OLD = 'http://old.example';
const wxr = `<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Old</title><link>${OLD}</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>${OLD}</wp:base_site_url><wp:base_blog_url>${OLD}</wp:base_blog_url>
<item>
 <title>photo</title><link>${OLD}/2022/04/27/hello/photo/</link>
 <wp:post_id>10</wp:post_id><wp:post_date_gmt>2022-04-27 10:00:00</wp:post_date_gmt>
 <wp:post_name>photo</wp:post_name><wp:status>inherit</wp:status><wp:post_parent>20</wp:post_parent>
 <wp:post_type>attachment</wp:post_type>
 <wp:attachment_url>${OLD}/wp-content/uploads/2022/04/photo.jpg</wp:attachment_url>
</item>
<item>
 <title>Gone</title><link>${OLD}/gone/</link>
 <wp:post_id>11</wp:post_id><wp:post_date_gmt>2022-04-27 10:00:00</wp:post_date_gmt>
 <wp:post_name>gone</wp:post_name><wp:status>inherit</wp:status>
 <wp:post_type>attachment</wp:post_type>
 <wp:attachment_url>${OLD}/wp-content/uploads/2022/04/gone.jpg</wp:attachment_url>
</item>
<item>
 <title>Hello pictures</title><link>${OLD}/2022/04/27/hello/</link>
 <dc:creator>admin</dc:creator>
 <content:encoded><![CDATA[<p>Before.</p>
<p><img class="size-full" src="${OLD}/wp-content/uploads/2022/04/photo.jpg" alt="A photo"></p>
<p><a href="${OLD}/wp-content/uploads/2022/04/photo.jpg"><img src="${OLD}/wp-content/uploads/2022/04/photo-300x225.jpg" alt="small" width="300" height="225"></a></p>
<p><img src="/wp-content/uploads/2021/01/other.jpg" alt="relative, no attachment"></p>
<p><a href="https://elsewhere.example/wp-content/uploads/x.jpg">another site</a></p>]]></content:encoded>
 <wp:post_id>20</wp:post_id><wp:post_date_gmt>2022-04-27 10:00:00</wp:post_date_gmt>
 <wp:post_name>hello</wp:post_name><wp:status>publish</wp:status>
 <wp:post_type>post</wp:post_type>
 <wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>10</wp:meta_value></wp:postmeta>
</item>
<item>
 <title>Locked</title><link>${OLD}/2022/04/29/locked/</link>
 <content:encoded><![CDATA[<p><img src="${OLD}/wp-content/uploads/2022/04/photo.jpg" alt="behind a password"></p>]]></content:encoded>
 <wp:post_id>22</wp:post_id><wp:post_date_gmt>2022-04-29 10:00:00</wp:post_date_gmt>
 <wp:post_name>locked</wp:post_name><wp:status>publish</wp:status><wp:post_password>secret</wp:post_password>
 <wp:post_type>post</wp:post_type>
</item>
<item>
 <title>Missing one</title><link>${OLD}/2022/04/28/missing/</link>
 <content:encoded><![CDATA[<p><img src="${OLD}/wp-content/uploads/2022/04/never-there.jpg" alt="missing"></p>]]></content:encoded>
 <wp:post_id>21</wp:post_id><wp:post_date_gmt>2022-04-28 10:00:00</wp:post_date_gmt>
 <wp:post_name>missing</wp:post_name><wp:status>publish</wp:status>
 <wp:post_type>post</wp:post_type>
</item>
</channel></rss>
`;

let site;
let srv;
let result;

before(async () => {
  if (skip) return;
  site = await newSite();
  const dir = await tempDir('gazette-e2e-uploads-');
  mkdirSync(path.join(dir, 'uploads', '2022', '04'), { recursive: true });
  mkdirSync(path.join(dir, 'uploads', '2021', '01'), { recursive: true });
  copyFileSync(PHOTO, path.join(dir, 'uploads', '2022', '04', 'photo.jpg'));
  copyFileSync(OTHER, path.join(dir, 'uploads', '2021', '01', 'other.jpg'));
  writeFileSync(path.join(dir, 'export.xml'), wxr);
  result = await run(['import', 'wxr', path.join(dir, 'export.xml'), '--media', path.join(dir, 'uploads'),
    '--site', site.dir], { timeout: 120000 });
  srv = await startServer(site.dir);
});

after(async () => {
  await stopClean(srv);
  await cleanup();
});

test('the summary counts files found, missing and links rewritten', { skip }, () => {
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout,
    /^media from .*uploads: 4 files found, 2 missing, 0 refused, 5 links rewritten, 1 featured images$/m);
});

test('bodies point at the stored files, with srcset; the featured image is the attachment', { skip }, async (t) => {
  reportOnFailure(t, srv);
  const page = await get(`${srv.url}/2022/04/27/hello/`);
  assert.equal(page.status, 200);
  const body = page.text.slice(page.text.indexOf('<div class="body">'));
  assert.doesNotMatch(body, /old\.example\/wp-content/, 'no picture left on the old host');
  assert.match(body, /<img class="size-full" src="\/media\/[0-9a-f]{2}\/[0-9a-f]{32}\.jpg" alt="A photo" width="640" height="480" srcset="[^"]+-300\.jpg 300w, [^"]+ 640w"/);
  assert.match(body, /<source type="image\/webp" srcset="[^"]+-300\.webp 300w/);
  assert.match(body, /src="\/media\/[0-9a-f]{2}\/[0-9a-f]{32}\.jpg" alt="small" width="300"/, 'the resized copy leads to the original');
  assert.match(body, /src="\/media\/[0-9a-f]{2}\/[0-9a-f]{32}\.jpg" alt="relative, no attachment"/);
  assert.match(body, /elsewhere\.example\/wp-content\/uploads\/x\.jpg/, 'another host is not ours to rewrite');
  assert.ok(new RegExp(`<meta property="og:image" content="${srv.url.replaceAll('.', '\\.')}/media/[0-9a-f]{2}/[0-9a-f]{32}\\.jpg">`).test(page.text), 'og:image under the address served');
  assert.match(page.text, /<figure class="featured"><picture>/);
  const missing = await get(`${srv.url}/2022/04/28/missing/`);
  assert.match(missing.text, /src="http:\/\/old\.example\/wp-content\/uploads\/2022\/04\/never-there\.jpg"/,
    'a file missing from the folder keeps its link');
  const old = await get(`${srv.url}/wp-content/uploads/2022/04/photo.jpg`);
  assert.equal(old.status, 301, 'the old address of a file redirects to it');
  assert.match(old.headers.get('location'), /\/media\/[0-9a-f]{2}\/[0-9a-f]{32}\.jpg$/);
});

test('a password-protected post\'s hidden body is rewritten too', { skip: skip || (!ON_PG && absent(SQLITE3)) }, () => {
  const html = siteSql(site.dir, "SELECT protected_html FROM posts WHERE slug = 'locked'");
  assert.match(html, /<img src="\/media\/[0-9a-f]{2}\/[0-9a-f]{32}\.jpg" alt="behind a password" width="640"/);
  assert.doesNotMatch(html, /old\.example/);
});

test('in Chromium the pictures load from the new site and nothing asks the old host', { skip: skip || absent(CHROMIUM) }, async () => {
  const browser = await launch();
  try {
    const page = await browser.newPage();
    const asked = [];
    page.on('request', (req) => {
      if (!req.url().startsWith(srv.url)) asked.push(req.url());
    });
    await page.goto(`${srv.url}/2022/04/27/hello/`, { waitUntil: 'load' });
    const imgs = await page.$$eval('.body img[alt="A photo"], .featured img', (els) => els.map((e) => {
      e.scrollIntoView();
      return { src: e.currentSrc, w: e.naturalWidth };
    }));
    assert.equal(imgs.length, 2);
    await page.waitForFunction(() => [...document.querySelectorAll('.body img[alt="A photo"], .featured img')]
      .every((e) => e.complete && e.naturalWidth > 0), null, { timeout: 10000 });
    const loaded = await page.$$eval('.body img[alt="A photo"], .featured img', (els) => els.map((e) => e.currentSrc));
    for (const u of loaded) assert.match(u, new RegExp(`^${srv.url}/media/.*\\.webp$`), 'the WebP copy, from the new site');
    assert.deepEqual(asked, [], 'no request leaves the new site');
  } finally {
    await browser.close();
  }
});

test('--media-fetch asks the old host (here on loopback, with feeds_allow_private) for what the folder lacks', { skip }, async (t) => {
  const asked = [];
  const old = http.createServer((req, res) => {
    asked.push(req.url);
    if (req.url === '/wp-content/uploads/2023/01/fetched.jpg') {
      res.writeHead(200, { 'Content-Type': 'image/jpeg' });
      res.end(readFileSync(PHOTO));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((res) => old.listen(0, '127.0.0.1', res));
  t.after(() => old.close());
  const base = `http://127.0.0.1:${old.address().port}`;
  const site2 = await newSite();
  assert.equal((await run(['settings', 'set', 'feeds_allow_private', '1', '--site', site2.dir])).code, 0);
  const dir = await tempDir('gazette-e2e-fetch-');
  writeFileSync(path.join(dir, 'export.xml'), `<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Old</title><link>${base}</link><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>${base}</wp:base_site_url><wp:base_blog_url>${base}</wp:base_blog_url>
<item><title>Fetched</title><link>${base}/2023/01/02/fetched/</link>
<content:encoded><![CDATA[<p><img src="${base}/wp-content/uploads/2023/01/fetched.jpg" alt="fetched"></p>
<p><img src="${base}/wp-content/uploads/2023/01/gone.jpg" alt="gone"></p>]]></content:encoded>
<wp:post_id>5</wp:post_id><wp:post_date_gmt>2023-01-02 10:00:00</wp:post_date_gmt><wp:post_name>fetched</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>
</channel></rss>
`);
  const r = await run(['import', 'wxr', path.join(dir, 'export.xml'), '--media-fetch', '--site', site2.dir], { timeout: 120000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /2 files found, 1 missing, 0 refused, 1 links rewritten, 0 featured images, 1 fetched from the old host/);
  assert.match(r.stdout, /the last problem: .*gone\.jpg: HTTP 404/);
  assert.deepEqual(asked.sort(), ['/wp-content/uploads/2023/01/fetched.jpg', '/wp-content/uploads/2023/01/gone.jpg']);
  const srv2 = await startServer(site2.dir);
  try {
    const page = await get(`${srv2.url}/2023/01/02/fetched/`);
    assert.match(page.text, /<img src="\/media\/[0-9a-f]{2}\/[0-9a-f]{32}\.jpg" alt="fetched" width="640"/);
  } finally {
    await stopClean(srv2);
  }
});
