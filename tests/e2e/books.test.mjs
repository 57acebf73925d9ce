// Books (issue 16 part 6): the free EPUB and PDF links count downloads as
// views are counted — a reader's browser once per address and window, a
// bot never — in daily buckets with no address stored, then send the
// reader to the file.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run, newSite, startServer, get, shareServer, eventually, siteSql, ON_PG } from './lib/gazette.mjs';
import { absent, fixture, SQLITE3 } from './lib/needs.mjs';

const COVER = fixture('media', 'exif-samples', 'jpg', 'orientation', 'portrait_1.jpg');

const skip = (!ON_PG && absent(SQLITE3)) || absent(COVER);
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';
let site;
let srv;
shareServer(() => srv);

// On the site's own engine (SQLite, or PostgreSQL under make e2e-pg).
const sql = (q) => siteSql(site.dir, q);

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
  const columns = ON_PG
    ? "SELECT column_name FROM information_schema.columns WHERE table_name = 'book_downloads' ORDER BY ordinal_position"
    : "SELECT name FROM pragma_table_info('book_downloads') ORDER BY cid";
  assert.equal(sql(columns).split('\n').join(','), 'post_id,file,day,n');
  // An unknown book or a file it does not have is a 404.
  assert.equal((await get(`${srv.url}/books/no-such-book/epub/`)).status, 404);
});

test('a book from post add: cover, EPUB and PDF through the media library, and its order link', { skip }, async () => {
  const books = path.join(site.dir, 'media', 'books');
  const epub = path.join(books, readdirSync(books).find((f) => f.endsWith('.epub')));
  const pdf = path.join(books, readdirSync(books).find((f) => f.endsWith('.pdf')));
  const md = path.join(site.dir, 'book.md');
  const add = (front) => {
    writeFileSync(md, `---\ntitle: The Third Book\ntype: book\nstatus: published\n${front}\n---\nA book.\n`);
    return run(['post', 'add', md, '--site', site.dir]);
  };
  // The wrong kind of file, or a file on a post that is not a book: refused, nothing added.
  const wrong = await add(`epub: ${pdf}`);
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /is not an EPUB \(it reads as application\/pdf\)/);
  writeFileSync(md, `---\ntitle: Not a book\ncover: ${COVER}\n---\nx\n`);
  const notBook = await run(['post', 'add', md, '--site', site.dir]);
  assert.equal(notBook.code, 2);
  assert.match(notBook.stderr, /book\.md:3: cover: only a book/);
  const r = await add(`order: https://books.example.com/order/3\ncover: ${COVER}\nepub: ${epub}\npdf: ${pdf}`);
  assert.equal(r.code, 0, r.stderr);
  const page = await eventually(async () => {
    const t = (await get(`${srv.url}/books/`)).text;
    return t.includes('The Third Book') ? t : null;
  });
  assert.ok(page, 'the book is listed');
  const card = page.slice(page.indexOf('The Third Book') - 600, page.indexOf('The Third Book') + 1500);
  assert.match(card, /<img src="\/media\/[0-9a-f]{2}\/[0-9a-f]{32}\.jpg"/, 'the cover from the library');
  assert.match(card, /href="https:\/\/books\.example\.com\/order\/3"/);
  const e = await get(`${srv.url}/books/the-third-book/epub/`, { headers: { 'User-Agent': BROWSER } });
  assert.equal(e.status, 302);
  assert.match(e.headers.get('location'), /^\/media\/[0-9a-f]{2}\/[0-9a-f]{32}\.epub$/);
  const file = await get(srv.url + e.headers.get('location'));
  assert.equal(file.status, 200);
  assert.equal(file.headers.get('content-type'), 'application/epub+zip');
});
