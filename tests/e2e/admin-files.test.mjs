// The editor attaches an item's files (issue 16): an episode's audio,
// transcript and chapters, and a post's video and poster, each given as a
// file's number in the media library (as the featured image is), by the
// rules `gazette episode attach` follows.  An empty field keeps the file
// the item has; a file of the wrong kind is refused by the field's name,
// and the item itself stays saved.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readdirSync, writeFileSync } from 'node:fs';
import { run, newSite, startServer, get, shareServer } from './lib/gazette.mjs';
import { absent, fixture } from './lib/needs.mjs';
import { addUser, login, adminGet, adminPost } from './lib/admin.mjs';

const MUTAGEN = fixture('media', 'mutagen');
const PHOTO = fixture('media', 'exif-samples', 'jpg', 'gps', 'DSCN0010.jpg');
const skip = absent(MUTAGEN) || absent(PHOTO);
let site, srv, ed;
const ids = {};

shareServer(() => srv);

const g = (args) => run([...args, '--site', site.dir]);

// `gazette media add FILE`: the file's number in the library.
async function mediaAdd(file) {
  const r = await g(['media', 'add', file]);
  assert.equal(r.code, 0, r.stderr);
  return Number(r.stdout.split('\t')[0]);
}

// Every field the editor's form sends, with fields over them.
function form(fields = {}) {
  return {
    title: '', body: '', excerpt: '', status: 'published', date: '', slug: '', section: '', tags: '',
    source_url: '', comments_open: '1', version: '0', do: 'save', ...fields,
  };
}

async function version(id) {
  const page = await adminGet(srv, ed, `/admin/posts/${id}/`);
  assert.equal(page.status, 200);
  return /name="version" value="(\d+)"/.exec(page.text)[1];
}

before(async () => {
  if (skip) return;
  // The demo's books folder has an EPUB and a PDF of its own making.
  site = await newSite({ demo: true, demoArgs: ['--posts', '3', '--comments', '0'] });
  const s = await g(['sections', 'add', 'show', '--name', 'The Show', '--kind', 'podcast']);
  assert.equal(s.code, 0, s.stderr);
  writeFileSync(path.join(site.dir, 'ep.md'), '---\ntitle: Episode Nine\ntype: episode\nsection: show\nstatus: published\n'
    + 'date: 2022-04-27T10:00:00Z\n---\nShow notes.\n');
  const e = await g(['post', 'add', path.join(site.dir, 'ep.md')]);
  assert.equal(e.code, 0, e.stderr);
  ids.episode = Number(e.stdout.split('\t')[0]);
  writeFileSync(path.join(site.dir, 'v.md'), '---\ntitle: A Talk\nstatus: published\ndate: 2022-04-27T10:00:00Z\n---\nWatch it.\n');
  const v = await g(['post', 'add', path.join(site.dir, 'v.md')]);
  assert.equal(v.code, 0, v.stderr);
  ids.post = Number(v.stdout.split('\t')[0]);
  ids.mp3 = await mediaAdd(path.join(MUTAGEN, 'silence-44-s-mpeg2.mp3'));
  ids.m4a = await mediaAdd(path.join(MUTAGEN, 'has-tags.m4a'));
  ids.photo = await mediaAdd(PHOTO);
  writeFileSync(path.join(site.dir, 'one.vtt'), 'WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nHello there.\n');
  ids.vtt = await mediaAdd(path.join(site.dir, 'one.vtt'));
  writeFileSync(path.join(site.dir, 'b.md'), '---\ntitle: The Fourth Book\ntype: book\nstatus: published\n---\nA book.\n');
  const b = await g(['post', 'add', path.join(site.dir, 'b.md')]);
  assert.equal(b.code, 0, b.stderr);
  ids.book = Number(b.stdout.split('\t')[0]);
  const books = path.join(site.dir, 'media', 'books');
  ids.epub = await mediaAdd(path.join(books, readdirSync(books).find((f) => f.endsWith('.epub'))));
  ids.pdf = await mediaAdd(path.join(books, readdirSync(books).find((f) => f.endsWith('.pdf'))));
  await addUser(site.dir, 'ed', 'editor');
  srv = await startServer(site.dir);
  ed = await login(srv, 'ed');
});

test('an episode gets its audio and transcript from the editor, by their numbers in Media', { skip }, async () => {
  const editor = await adminGet(srv, ed, `/admin/posts/${ids.episode}/`);
  assert.match(editor.text, /<input id="audio" name="audio"/);
  assert.match(editor.text, /<input id="transcript" name="transcript"/);
  const r = await adminPost(srv, ed, `/admin/posts/${ids.episode}/`, form({
    title: 'Episode Nine', body: 'Show notes.', section: 'show', date: '2022-04-27 10:00',
    version: await version(ids.episode), audio: String(ids.mp3), transcript: `#${ids.vtt}`,
  }));
  assert.equal(r.status, 303, r.text.slice(0, 300));
  assert.match(r.headers.get('location'), /\?saved=1$/);
  const page = await get(`${srv.url}/podcast/episode-nine/`);
  assert.equal(page.status, 200);
  assert.match(page.text, /<audio[^>]*><source src="\/media\/[0-9a-f]{2}\/[0-9a-f]{32}\.mp3"/);
  assert.match(page.text, /\.vtt"/);
  // The editor says what is attached, with the duration read from the file.
  const again = await adminGet(srv, ed, `/admin/posts/${ids.episode}/`);
  assert.match(again.text, /now <a href="\/media\/[0-9a-f]{2}\/[0-9a-f]{32}\.mp3">/);
  assert.match(again.text, /, 0:0[1-9]/);
  // An empty field keeps the audio; another number replaces it.
  const keep = await adminPost(srv, ed, `/admin/posts/${ids.episode}/`, form({
    title: 'Episode Nine', body: 'Show notes, longer.', section: 'show', date: '2022-04-27 10:00',
    version: await version(ids.episode), audio: '',
  }));
  assert.equal(keep.status, 303);
  assert.match((await get(`${srv.url}/podcast/episode-nine/`)).text, /<audio[^>]*><source src="[^"]*\.mp3"/);
  const m4a = await adminPost(srv, ed, `/admin/posts/${ids.episode}/`, form({
    title: 'Episode Nine', body: 'Show notes, longer.', section: 'show', date: '2022-04-27 10:00',
    version: await version(ids.episode), audio: String(ids.m4a),
  }));
  assert.equal(m4a.status, 303);
  assert.match((await get(`${srv.url}/podcast/episode-nine/`)).text, /<audio[^>]*><source src="[^"]*\.m4a"/);
});

test('a file of the wrong kind is refused by its field; the item stays saved', { skip }, async () => {
  const r = await adminPost(srv, ed, `/admin/posts/${ids.episode}/`, form({
    title: 'Episode Nine', body: 'Show notes, third draft.', section: 'show', date: '2022-04-27 10:00',
    version: await version(ids.episode), audio: String(ids.photo),
  }));
  assert.equal(r.status, 303);
  const to = r.headers.get('location');
  assert.match(to, /\?saved=1&files=/);
  const editor = await adminGet(srv, ed, to);
  assert.match(editor.text, /Saved, but a file was not attached: Episode files: .*not an audio file/);
  // The notes were saved; the audio is still the M4A.
  const page = await get(`${srv.url}/podcast/episode-nine/`);
  assert.match(page.text, /Show notes, third draft\./);
  assert.match(page.text, /<audio[^>]*><source src="[^"]*\.m4a"/);
  // A number that is no file.
  const none = await adminPost(srv, ed, `/admin/posts/${ids.episode}/`, form({
    title: 'Episode Nine', body: 'Show notes, third draft.', section: 'show', date: '2022-04-27 10:00',
    version: await version(ids.episode), transcript: '99999',
  }));
  assert.match(decodeURIComponent(none.headers.get('location')), /Transcript: no file numbered '99999' in Media/);
});

test('a post gets a video from an allowed provider and a poster from Media', { skip }, async () => {
  const editor = await adminGet(srv, ed, `/admin/posts/${ids.post}/`);
  assert.match(editor.text, /<input id="video" name="video"/);
  assert.doesNotMatch(editor.text, /<input id="audio"/);
  const r = await adminPost(srv, ed, `/admin/posts/${ids.post}/`, form({
    title: 'A Talk', body: 'Watch it.', date: '2022-04-27 10:00', version: await version(ids.post),
    video: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ', poster: String(ids.photo),
  }));
  assert.equal(r.status, 303, r.text.slice(0, 300));
  assert.match(r.headers.get('location'), /\?saved=1$/);
  const page = await get(`${srv.url}/2022/04/27/a-talk/`);
  assert.equal(page.status, 200);
  assert.match(page.text, /youtube-nocookie\.com\/embed\/dQw4w9WgXcQ/);
  assert.match(page.text, /\/media\/[0-9a-f]{2}\/[0-9a-f]{32}\.jpg/);
  // A page of no allowed provider is refused by name.
  const bad = await adminPost(srv, ed, `/admin/posts/${ids.post}/`, form({
    title: 'A Talk', body: 'Watch it.', date: '2022-04-27 10:00', version: await version(ids.post),
    video: 'https://videos.example.net/watch/1',
  }));
  assert.match(decodeURIComponent(bad.headers.get('location')), /files=Video: /);
});

test('a book gets its cover, EPUB and PDF from the editor; an empty field keeps each', { skip }, async () => {
  const editor = await adminGet(srv, ed, `/admin/posts/${ids.book}/`);
  assert.match(editor.text, /<input id="cover" name="cover"/);
  assert.match(editor.text, /<input id="epub" name="epub"/);
  assert.doesNotMatch(editor.text, /<input id="video"/);
  const save = (fields) => adminPost(srv, ed, `/admin/posts/${ids.book}/`, form({
    title: 'The Fourth Book', body: 'A book.', date: '', order_url: '', ...fields,
  }));
  const r = await save({ version: await version(ids.book), cover: String(ids.photo), epub: String(ids.epub), pdf: String(ids.pdf) });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  assert.match(r.headers.get('location'), /\?saved=1$/);
  const shelf = async () => (await get(`${srv.url}/books/`)).text;
  const block = (html) => {
    const at = html.indexOf('The Fourth Book');
    assert.ok(at >= 0, 'the book is on the shelf');
    return html.slice(Math.max(0, at - 1500), at + 1500);
  };
  let b = block(await shelf());
  assert.match(b, /\/books\/the-fourth-book\/epub\//);
  assert.match(b, /\/books\/the-fourth-book\/pdf\//);
  assert.match(b, /\/media\/[0-9a-f]{2}\/[0-9a-f]{32}\.jpg/);
  const again = await adminGet(srv, ed, `/admin/posts/${ids.book}/`);
  assert.match(again.text, /now <a href="\/media\/[^"]+\.epub">/);
  // Saved again with every field empty: the files stay.
  const keep = await save({ version: await version(ids.book), body: 'A book, revised.' });
  assert.equal(keep.status, 303);
  b = block(await shelf());
  assert.match(b, /\/books\/the-fourth-book\/epub\//);
  assert.match(b, /\/books\/the-fourth-book\/pdf\//);
  // A PDF given as the EPUB is refused by name; the PDF link stays.
  const wrong = await save({ version: await version(ids.book), epub: String(ids.pdf) });
  assert.match(decodeURIComponent(wrong.headers.get('location')), /files=Book files: .*is not an EPUB/);
});
