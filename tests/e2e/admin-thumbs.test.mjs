// A provider's video attached by the admin's editor or JSON API without a
// poster (issue 16, decision 093): the request answers at once, and the
// server's fetch thread gets the provider's thumbnail in the background;
// the page then shows our copy from /media/ and the reader's browser asks
// the provider nothing. A provider that fails leaves the plain panel and
// a note in the editor. The JSON API takes the editor's files by the same
// names and rules, and refuses a wrong kind by its field with nothing
// saved. The stand-in provider (lib/oembed.mjs) is on loopback; this
// time the server itself is told of it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { run, newSite, startServer, stopClean, get, shareServer, eventually, siteSql, ON_PG } from './lib/gazette.mjs';
import { absent, fixture, SQLITE3 } from './lib/needs.mjs';
import { addUser, login, adminGet, adminPost, api } from './lib/admin.mjs';
import { launch, collectErrors, CHROMIUM } from './lib/browser.mjs';
import { startProvider } from './lib/oembed.mjs';

const PLAIN_JPG = fixture('media', 'exif-samples', 'jpg', 'orientation', 'landscape_1.jpg');
const MUTAGEN = fixture('media', 'mutagen');
const skip = absent(PLAIN_JPG) || absent(MUTAGEN) || absent(CHROMIUM) || (!ON_PG && absent(SQLITE3));
const LIBRARY_JPG = /^\/media\/[0-9a-f]{2}\/[0-9a-f]{32}\.jpg$/;

const VIDEOS = {
  editor: { url: 'https://www.youtube.com/watch?v=editorThumb', thumb: '/img/plain.jpg' },
  failing: { url: 'https://www.youtube.com/watch?v=editorFails', status: 404 },
  api: { url: 'https://vimeo.com/761000', thumb: '/img/plain.jpg', duration: 125 },
  slow: { url: 'https://www.youtube.com/watch?v=stoppedMid1', thumb: '/img/plain.jpg', hold: true },
};

let site, srv, ed, provider, browser;
const ids = {};
shareServer(() => srv);
after(async () => {
  await browser?.close();
  provider?.close();
});

const g = (args) => run([...args, '--site', site.dir]);

async function postAdd(name, front) {
  const f = path.join(site.dir, `${name}.md`);
  writeFileSync(f, `---\n${front}\nstatus: published\ndate: 2022-04-27T10:00:00Z\n---\nAbout it.\n`);
  const r = await g(['post', 'add', f]);
  assert.equal(r.code, 0, r.stderr);
  const [id, url] = r.stdout.trim().split('\t');
  return { id: Number(id), path: new URL(url).pathname };
}

async function mediaAdd(file) {
  const r = await g(['media', 'add', file]);
  assert.equal(r.code, 0, r.stderr);
  return Number(r.stdout.split('\t')[0]);
}

async function version(id) {
  const page = await adminGet(srv, ed, `/admin/posts/${id}/`);
  assert.equal(page.status, 200);
  return /name="version" value="(\d+)"/.exec(page.text)[1];
}

// The editor's form for a post of the Watch section, with fields over it.
async function saveVideo(p, title, video) {
  return adminPost(srv, ed, `/admin/posts/${p.id}/`, {
    title, body: 'About it.', excerpt: '', status: 'published', date: '2022-04-27 10:00', slug: '',
    section: 'watch', tags: '', source_url: '', comments_open: '1', version: await version(p.id), do: 'save',
    video,
  });
}

function facadeImg(html) {
  const facade = /<div class="video-facade"[\s\S]*?<\/div>/.exec(html);
  assert.ok(facade, 'the page has the facade');
  return /<img src="([^"]+)"/.exec(facade[0])?.[1] ?? null;
}

const serve = () => startServer(site.dir, { env: { GAZETTE_TEST_OEMBED_ORIGIN: provider.origin } });
const oembedHits = (v) => provider.hits.filter((h) => h.includes(encodeURIComponent(v.url))).length;

before(async () => {
  if (skip) return;
  provider = await startProvider({
    videos: VIDEOS,
    jpeg: readFileSync(PLAIN_JPG),
    images: { '/img/plain.jpg': ['image/jpeg', readFileSync(PLAIN_JPG)] },
  });
  site = await newSite();
  assert.equal((await g(['sections', 'add', 'watch', '--name', 'Watch', '--kind', 'video'])).code, 0);
  assert.equal((await g(['sections', 'add', 'show', '--name', 'The Show', '--kind', 'podcast'])).code, 0);
  ids.editor = await postAdd('editor', 'title: Editor Video\nsection: watch');
  ids.failing = await postAdd('failing', 'title: Failing Video\nsection: watch');
  ids.slow = await postAdd('slow', 'title: Slow Video\nsection: watch');
  ids.episode = await postAdd('episode', 'title: Episode Ten\ntype: episode\nsection: show');
  ids.mp3 = await mediaAdd(path.join(MUTAGEN, 'silence-44-s-mpeg2.mp3'));
  ids.photo = await mediaAdd(PLAIN_JPG);
  await addUser(site.dir, 'ed', 'editor');
  srv = await serve();
  ed = await login(srv, 'ed');
  browser = await launch();
});

test('the editor attaches a video without a poster: the thumbnail comes in the background', { skip }, async () => {
  const r = await saveVideo(ids.editor, 'Editor Video', VIDEOS.editor.url);
  assert.equal(r.status, 303, r.text.slice(0, 300));
  assert.match(r.headers.get('location'), /\?saved=1$/);
  // The page is made again once the poster is stored.
  const src = await eventually(async () => {
    const s = facadeImg((await get(`${srv.url}${ids.editor.path}`)).text);
    return s && LIBRARY_JPG.test(s) ? s : undefined;
  });
  assert.match(src, LIBRARY_JPG);
  assert.equal(oembedHits(VIDEOS.editor), 1, 'one oEmbed request');
  const editor = await adminGet(srv, ed, `/admin/posts/${ids.editor.id}/`);
  assert.doesNotMatch(editor.text, /no thumbnail for this video/);
  assert.doesNotMatch(editor.text, /thumbnail is being fetched/);
  assert.match(editor.text, new RegExp(`now ${src.replace(/[.]/g, '\\.')}`));
  // A reader's browser loads our copy and asks the provider nothing.
  const before = provider.hits.length;
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = collectErrors(page);
  const seen = [];
  page.on('request', (req) => seen.push(req.url()));
  await page.goto(`${srv.url}${ids.editor.path}`, { waitUntil: 'networkidle' });
  assert.equal(await page.locator('.video-facade img').evaluate((img) => img.naturalWidth > 0), true, 'the thumbnail loads');
  assert.deepEqual(seen.filter((u) => !u.startsWith(srv.url)), [], 'every request went to the site');
  assert.equal(provider.hits.length, before, 'the provider heard nothing from the reader');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a provider that fails: the editor says why, the page shows the plain panel', { skip }, async () => {
  const r = await saveVideo(ids.failing, 'Failing Video', VIDEOS.failing.url);
  assert.equal(r.status, 303, r.text.slice(0, 300));
  assert.match(r.headers.get('location'), /\?saved=1$/);
  const note = await eventually(async () => {
    const t = (await adminGet(srv, ed, `/admin/posts/${ids.failing.id}/`)).text;
    return /no thumbnail for this video: [^<]*/.exec(t)?.[0];
  });
  assert.match(note, /HTTP 404/);
  assert.equal(oembedHits(VIDEOS.failing), 1, 'tried once');
  const page = await get(`${srv.url}${ids.failing.path}`);
  assert.equal(page.status, 200);
  assert.equal(facadeImg(page.text), null, 'no poster');
  assert.match(page.text, /class="video-play"/, 'the facade is there');
  assert.match(page.text, /youtube-nocookie\.com\/embed\/editorFails/);
});

test('the API attaches a video and an audio file by their ids and shows them', { skip }, async () => {
  const c = await api(srv, ed, 'POST', '/api/v1/admin/posts', {
    title: 'API Video', body: 'About it.', status: 'published', section: 'watch', video: VIDEOS.api.url,
  });
  assert.equal(c.status, 201, c.text);
  assert.equal(c.json.files.video, VIDEOS.api.url);
  assert.ok(['pending', 'ready'].includes(c.json.files.thumbnail), c.json.files.thumbnail);
  const ready = await eventually(async () => {
    const j = (await api(srv, ed, 'GET', `/api/v1/admin/posts/${c.json.id}`)).json;
    return j.files.thumbnail === 'ready' ? j : undefined;
  });
  assert.match(ready.files.poster, LIBRARY_JPG);
  assert.equal(ready.files.duration_s, 125, "Vimeo's duration from its oEmbed answer");
  assert.match(facadeImg((await get(`${srv.url}${new URL(ready.url, srv.url).pathname}`)).text), LIBRARY_JPG);
  // An episode's audio by its number in Media.
  const cur = (await api(srv, ed, 'GET', `/api/v1/admin/posts/${ids.episode.id}`)).json;
  assert.equal(cur.files.audio, null);
  const u = await api(srv, ed, 'PUT', `/api/v1/admin/posts/${ids.episode.id}`, {
    title: 'Episode Ten', body: 'About it.', status: 'published', section: 'show', version: cur.version, audio: ids.mp3,
  });
  assert.equal(u.status, 200, u.text);
  assert.match(u.json.files.audio, /^\/media\/[0-9a-f]{2}\/[0-9a-f]{32}\.mp3$/);
  assert.ok(u.json.files.duration_s > 0, 'the duration read from the file');
  assert.match((await get(`${srv.url}${ids.episode.path}`)).text, /<audio[^>]*><source src="\/media\/[^"]+\.mp3"/);
});

test('a wrong kind through the API: 400 naming the field, nothing saved', { skip }, async () => {
  const cur = (await api(srv, ed, 'GET', `/api/v1/admin/posts/${ids.episode.id}`)).json;
  const put = (fields) => api(srv, ed, 'PUT', `/api/v1/admin/posts/${ids.episode.id}`, {
    title: 'Episode Ten', body: 'Changed notes.', status: 'published', section: 'show', version: cur.version, ...fields,
  });
  const photo = await put({ audio: ids.photo });
  assert.equal(photo.status, 400, photo.text);
  assert.equal(photo.json.field, 'audio');
  assert.match(photo.json.error, /not an audio file/);
  const none = await put({ transcript: 99999 });
  assert.equal(none.status, 400, none.text);
  assert.equal(none.json.field, 'transcript');
  assert.match(none.json.error, /no file numbered '99999' in Media/);
  const other = await put({ video: VIDEOS.api.url });
  assert.equal(other.status, 400, other.text);
  assert.equal(other.json.field, 'video');
  const typed = await put({ poster: true });
  assert.equal(typed.status, 400, typed.text);
  assert.equal(typed.json.field, 'poster');
  // None of them changed the episode: its notes and audio are as they were.
  const after = (await api(srv, ed, 'GET', `/api/v1/admin/posts/${ids.episode.id}`)).json;
  assert.equal(after.version, cur.version);
  assert.equal(after.body, cur.body);
  assert.equal(after.files.audio, cur.files.audio);
  assert.doesNotMatch((await get(`${srv.url}${ids.episode.path}`)).text, /Changed notes\./);
});

test('a fetch under way when the server stops is taken up again at the next start', { skip }, async () => {
  const r = await saveVideo(ids.slow, 'Slow Video', VIDEOS.slow.url);
  assert.equal(r.status, 303, r.text.slice(0, 300));
  // The provider has the request and does not answer; the server stops.
  assert.ok(await eventually(() => oembedHits(VIDEOS.slow) === 1), 'the fetch started');
  await stopClean(srv);
  const row = siteSql(site.dir, `SELECT thumb_pending, poster_url, thumb_error FROM videos WHERE post_id = ${ids.slow.id}`);
  assert.equal(row, '1||', 'still pending, nothing recorded as failed');
  VIDEOS.slow.hold = false;
  srv = await serve();
  const src = await eventually(async () => {
    const s = facadeImg((await get(`${srv.url}${ids.slow.path}`)).text);
    return s && LIBRARY_JPG.test(s) ? s : undefined;
  });
  assert.match(src, LIBRARY_JPG);
  assert.equal(oembedHits(VIDEOS.slow), 2, 'asked again once');
});
