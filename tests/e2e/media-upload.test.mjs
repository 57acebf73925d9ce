// Uploads (issue 16 part 1) over HTTP: the JSON API (multipart, with an
// API token or the session and its CSRF token), the media library screen,
// refusals with nothing left behind (a wrong type, a cut connection, past
// the limit), and in Chromium the editor's file field inserting the
// Markdown of the picture, which the saved post shows with a srcset.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { newSite, startServer, cleanup, get, stopClean, reportOnFailure, eventually } from './lib/gazette.mjs';
import { addUser, login, api, adminGet, adminPost, browserLogin } from './lib/admin.mjs';
import { absent, fixture } from './lib/needs.mjs';
import { launch, CHROMIUM } from './lib/browser.mjs';
import { LIMITS } from './lib/limits.mjs';

const PHOTO = fixture('media', 'exif-samples', 'jpg', 'gps', 'DSCN0012.jpg');
const skip = absent(PHOTO);

let site;
let srv;
let ed;
let token;

function files(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).length;
}

function form(file, name, fields = {}) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  if (file) fd.append('file', new Blob([file]), name);
  return fd;
}

before(async () => {
  site = await newSite();
  await addUser(site.dir, 'ed', 'editor');
  srv = await startServer(site.dir);
  ed = await login(srv, 'ed');
  token = (await api(srv, ed, 'POST', '/api/v1/admin/tokens', { name: 'uploads' })).json.token;
});

after(async () => {
  await stopClean(srv);
  await cleanup();
});

test('the API takes a multipart upload with a token: 201, then 200 for the same bytes', { skip }, async (t) => {
  reportOnFailure(t, srv);
  const bytes = readFileSync(PHOTO);
  const post = (fd) => fetch(`${srv.url}/api/v1/media`, {
    method: 'POST', body: fd, headers: { Authorization: `Bearer ${token}` },
  });
  const r = await post(form(bytes, 'DSCN0012.jpg', { alt: 'A square' }));
  assert.equal(r.status, 201);
  const j = await r.json();
  assert.equal(j.mime, 'image/jpeg');
  assert.equal(j.alt, 'A square');
  assert.equal(j.width, 640);
  assert.match(j.path, /^\/media\/[0-9a-f]{2}\/[0-9a-f]{32}\.jpg$/);
  assert.equal(j.markdown, `![A square](${j.path})`);
  assert.equal((await get(srv.url + j.path)).status, 200);
  const again = await post(form(bytes, 'copy.jpg'));
  assert.equal(again.status, 200);
  assert.equal((await again.json()).id, j.id);
  const list = await api(srv, null, 'GET', '/api/v1/media', undefined, { token });
  assert.equal(list.status, 200);
  assert.ok(list.json.some((m) => m.id === j.id && m.name === 'DSCN0012.jpg'));
});

test('refused: no sign-in 401, a cross-site form 403, a wrong type 400 naming it; nothing left behind', async () => {
  const media = path.join(site.dir, 'media');
  const before = files(media);
  const anon = await fetch(`${srv.url}/api/v1/media`, { method: 'POST', body: form(Buffer.from('x'), 'x.txt') });
  assert.equal(anon.status, 401);
  const cross = await fetch(`${srv.url}/admin/media/upload`, {
    method: 'POST', body: form(Buffer.from('GIF89a'), 'x.gif'),
    headers: { Cookie: ed.cookie, Origin: 'http://evil.example' },
  });
  assert.equal(cross.status, 403);
  const html = await fetch(`${srv.url}/api/v1/media`, {
    method: 'POST', body: form(Buffer.from('<!DOCTYPE html><script>alert(1)</script>'), 'x.jpg'),
    headers: { Authorization: `Bearer ${token}` },
  });
  assert.equal(html.status, 400);
  assert.match((await html.json()).error, /text\/html/);
  const none = await fetch(`${srv.url}/api/v1/media`, {
    method: 'POST', body: form(null, '', { alt: 'no file' }), headers: { Authorization: `Bearer ${token}` },
  });
  assert.equal(none.status, 400);
  assert.equal(files(media), before);
});

test('a connection cut mid-upload leaves no file behind', async () => {
  const tmp = path.join(site.dir, 'media', '.tmp');
  const boundary = 'xyzzy';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.mp3"\r\n` +
    'Content-Type: audio/mpeg\r\n\r\n';
  const sock = net.connect(srv.port, '127.0.0.1');
  await new Promise((res) => sock.on('connect', res));
  sock.write(`POST /api/v1/media HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
    `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: 10000000\r\n\r\n${head}`);
  sock.write(Buffer.alloc(200000, 0x55));
  await eventually(() => readdirSync(tmp).length === 1, { timeout: 10000 });
  sock.destroy();
  await eventually(() => readdirSync(tmp).length === 0, { timeout: 10000 });
});

test('a Content-Length past LIM_UPLOAD_BYTES (past LIM_BODY_BYTES without credentials) is refused with 413 before any byte', async () => {
  const sock = net.connect(srv.port, '127.0.0.1');
  let answer = '';
  sock.on('data', (d) => { answer += d; });
  await new Promise((res) => sock.on('connect', res));
  sock.write(`POST /api/v1/media HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
    `Content-Type: multipart/form-data; boundary=b\r\nContent-Length: ${LIMITS.LIM_UPLOAD_BYTES + 1}\r\n\r\n`);
  await eventually(() => answer.length > 0, { timeout: 10000 });
  assert.match(answer, /^HTTP\/1\.1 413/);
  sock.destroy();
  // Without credentials nothing is streamed: the ordinary body cap holds.
  const anon = net.connect(srv.port, '127.0.0.1');
  let anonAnswer = '';
  anon.on('data', (d) => { anonAnswer += d; });
  await new Promise((res) => anon.on('connect', res));
  anon.write('POST /api/v1/media HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
    `Content-Type: multipart/form-data; boundary=b\r\nContent-Length: ${LIMITS.LIM_BODY_BYTES + 1}\r\n\r\n`);
  await eventually(() => anonAnswer.length > 0, { timeout: 10000 });
  assert.match(anonAnswer, /^HTTP\/1\.1 413/);
  anon.destroy();
});

test('the editor sets a featured image by its number: lists, the page and og:image show it', { skip }, async () => {
  const lib = await api(srv, null, 'GET', '/api/v1/media', undefined, { token });
  const pic = lib.json.find((m) => m.name === 'DSCN0012.jpg');
  const fields = {
    title: 'Featured', body: 'Text.', excerpt: '', status: 'published', date: '', slug: '', section: '', tags: '',
    source_url: '', comments_open: '1', version: '0', do: 'save',
  };
  const bad = await adminPost(srv, ed, '/admin/posts/new', { ...fields, featured: '999999' });
  assert.equal(bad.status, 400);
  assert.match(bad.text, /Featured image: no picture numbered/);
  const r = await adminPost(srv, ed, '/admin/posts/new', { ...fields, featured: String(pic.id) });
  assert.equal(r.status, 303);
  const id = /\/admin\/posts\/(\d+)\//.exec(r.headers.get('location'))[1];
  const edit = await adminGet(srv, ed, `/admin/posts/${id}/`);
  assert.match(edit.text, new RegExp(`id="featured" name="featured" value="${pic.id}"`));
  const moved = await get(`${srv.url}/?p=${id}`);
  const page = await get(srv.url + new URL(moved.headers.get('location')).pathname);
  assert.match(page.text, new RegExp(`<meta property="og:image" content="[^"]+${pic.path}">`));
  assert.match(page.text, /<figure class="featured"><picture><source type="image\/webp"/);
  const front = await get(`${srv.url}/`);
  assert.match(front.text, new RegExp(`<a class="featured" href="[^"]+"[^>]*><picture>.*src="${pic.path}"`));
  const lib2 = await adminGet(srv, ed, `/admin/media/${pic.id}/`);
  assert.match(lib2.text, /Used in <a href="\/admin\/posts\/\d+\/">Featured<\/a>/);
  assert.doesNotMatch(lib2.text, /value="delete"/, 'a file in use has no delete button');
  const del = await adminPost(srv, ed, `/admin/media/${pic.id}/`, { action: 'delete' });
  assert.equal(del.status, 409);
  assert.match(del.text, /is used by post/);
});

test('the library screen lists the file with its alt text and where it is used', { skip }, async () => {
  const page = await adminGet(srv, ed, '/admin/media/');
  assert.equal(page.status, 200);
  assert.match(page.text, /DSCN0012\.jpg/);
  assert.match(page.text, /value="A square"/);
  const search = await adminGet(srv, ed, '/admin/media/?q=nothing-like-it');
  assert.match(search.text, /No files match/);
});

test('in Chromium the editor uploads a picture, inserts its Markdown, and the post shows it with srcset',
  { skip: skip || absent(CHROMIUM) }, async (t) => {
    reportOnFailure(t, srv);
    const browser = await launch();
    try {
      const page = await browser.newPage();
      await browserLogin(page, srv, 'ed');
      await page.goto(`${srv.url}/admin/posts/new`);
      await page.fill('#title', 'With a picture');
      await page.fill('#body', 'Look:\n');
      await page.setInputFiles('#body-file', fixture('media', 'exif-samples', 'jpg', 'orientation', 'portrait_6.jpg'));
      await page.waitForFunction(() => /!\[\]\(\/media\/[0-9a-f]{2}\/[0-9a-f]{32}\.jpg\)/.test(document.querySelector('#body').value),
        null, { timeout: 20000 });
      await page.selectOption('#status', 'published');
      await Promise.all([page.waitForURL(/\/admin\/posts\/\d+\//), page.click('#save')]);
      const id = /\/admin\/posts\/(\d+)\//.exec(page.url())[1];
      const moved = await get(`${srv.url}/?p=${id}`);
      assert.equal(moved.status, 301);
      const post = await get(srv.url + new URL(moved.headers.get('location')).pathname);
      assert.equal(post.status, 200);
      assert.match(post.text, /<source type="image\/webp" srcset="[^"]+-300\.webp 300w, [^"]+\.webp 450w"/);
      assert.match(post.text, /<img src="\/media\/[0-9a-f]{2}\/[0-9a-f]{32}\.jpg" alt="" width="450" height="600" srcset="/);
    } finally {
      await browser.close();
    }
  });
