// Books (issue 16 part 6): the free EPUB and PDF links count downloads as
// views are counted — a reader's browser once per address and window, a
// bot never — in daily buckets with no address stored, then send the
// reader to the file.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { newSite, startServer, get, shareServer, eventually } from './lib/gazette.mjs';
import { absent, SQLITE3 } from './lib/needs.mjs';

const skip = absent(SQLITE3);
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';
let site;
let srv;
shareServer(() => srv);

const sql = (q) => {
  const r = spawnSync(SQLITE3, [path.join(site.dir, 'gazette.db'), q], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
};

before(async () => {
  if (skip) return;
  site = await newSite({ demo: true, demoArgs: ['--posts', '3', '--comments', '0'] });
  srv = await startServer(site.dir);
});

test('a download is counted once per reader and window, never for a bot, with no address kept', { skip }, async () => {
  const page = await get(`${srv.url}/books/`);
  const link = /href="(\/books\/([^"/]+)\/epub\/)"/.exec(page.text);
  assert.ok(link, 'a Free EPUB link through /books/SLUG/epub/');
  const id = sql(`SELECT id FROM posts WHERE type = 'book' AND slug = '${link[2].replace(/'/g, "''")}'`);
  const hit = (ua, ip) => get(srv.url + link[1], { headers: { 'User-Agent': ua, ...(ip ? { 'X-Forwarded-For': ip } : {}) } });
  const first = await hit(BROWSER);
  assert.equal(first.status, 302);
  assert.match(first.headers.get('location'), /^\/media\/books\/.+\.epub$/);
  assert.equal(first.headers.get('cache-control'), 'no-store');
  await hit(BROWSER); // the same reader again, inside the window
  await hit('curl/8.0'); // a bot
  await hit('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)');
  const pdf = await get(`${srv.url}/books/${link[2]}/pdf/`, { headers: { 'User-Agent': BROWSER } });
  assert.equal(pdf.status, 302);
  const counted = await eventually(() => sql(`SELECT downloads FROM books WHERE post_id = ${id}`) === '2');
  assert.ok(counted, `downloads: ${sql(`SELECT downloads FROM books WHERE post_id = ${id}`)}`);
  assert.equal(sql(`SELECT file || ':' || n FROM book_downloads WHERE post_id = ${id} ORDER BY file`), 'epub:1\npdf:1');
  // Nothing holds the reader's address.
  assert.equal(sql("SELECT group_concat(name) FROM pragma_table_info('book_downloads')"), 'post_id,file,day,n');
  // An unknown book or a file it does not have is a 404.
  assert.equal((await get(`${srv.url}/books/no-such-book/epub/`)).status, 404);
});
