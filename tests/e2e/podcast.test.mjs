// Podcasts (issue 16 part 4): episodes get their audio, transcript and
// chapters from files in SITE/media (`post add` front matter and
// `gazette episode attach`), and /podcast/feed/ and a podcast section's
// /category/SLUG/feed/ carry what Apple Podcasts requires and what
// Podcasting 2.0 adds, checked by xmllint (well-formed, then XPath over
// the namespaces). Durations come from mutagen's fixtures.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { run, newSite, startServer, get, shareServer, eventually, sha256File, siteSql, ON_PG } from './lib/gazette.mjs';
import { absent, fixture, SQLITE3, XMLLINT } from './lib/needs.mjs';

const MUTAGEN = fixture('media', 'mutagen');
const skip = absent(MUTAGEN) || absent(XMLLINT);
const NO_SQLITE3 = absent(SQLITE3);
const ITUNES = 'http://www.itunes.com/dtds/podcast-1.0.dtd';
const PODCAST = 'https://podcastindex.org/namespace/1.0';
const RFC822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0000$/;

let site;
let srv;
shareServer(() => srv);

function tool(cmd, args, input) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.stdin.on('error', () => {});
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
    child.stdin.end(input ?? '');
  });
}

// XPath over the feed, namespaces by URI whatever their prefix.
const I = (n) => `*[local-name()='${n}' and namespace-uri()='${ITUNES}']`;
const P = (n) => `*[local-name()='${n}' and namespace-uri()='${PODCAST}']`;
async function xpath(text, expr) {
  const r = await tool(XMLLINT, ['--nonet', '--xpath', `string(${expr})`, '-'], text);
  assert.equal(r.code, 0, `xmllint --xpath ${expr}: ${r.stderr}`);
  return r.stdout.replace(/\n$/, '');
}

// Podcasting 2.0's podcast:guid: UUIDv5 of the feed URL less its scheme
// and trailing slash, in namespace ead4c236-bf58-58c6-a2c6-a6b28d128cb6.
function podcastGuid(url) {
  const ns = Buffer.from('ead4c236bf5858c6a2c6a6b28d128cb6', 'hex');
  const name = url.replace(/^[a-z]+:\/\//, '').replace(/\/+$/, '');
  const h = createHash('sha1').update(ns).update(name).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

const g = (args) => run([...args, '--site', site.dir]);

// The media library's URL of a file: content-addressed by its SHA-256.
function libraryUrl(file) {
  const hex = sha256File(file).slice(0, 32);
  return `/media/${hex.slice(0, 2)}/${hex}.${path.extname(file).slice(1)}`;
}
const re = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

// Every file under SITE/media but the test's own pod/ folder.
function libraryFiles() {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'pod' || e.name === '.tmp') continue;
      if (e.isDirectory()) walk(path.join(d, e.name));
      else out.push(e.name);
    }
  };
  walk(path.join(site.dir, 'media'));
  return out.sort();
}

before(async () => {
  if (skip) return;
  site = await newSite();
  const media = path.join(site.dir, 'media');
  mkdirSync(path.join(media, 'pod'), { recursive: true });
  copyFileSync(path.join(MUTAGEN, 'silence-44-s-mpeg2.mp3'), path.join(media, 'pod', 'one.mp3'));
  copyFileSync(path.join(MUTAGEN, 'EXPECTATIONS.md'), path.join(media, 'pod', 'fake.mp3'));
  writeFileSync(path.join(media, 'pod', 'one.vtt'), 'WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nHello there.\n');
  writeFileSync(path.join(media, 'pod', 'two.srt'), '1\n00:00:00,000 --> 00:00:02,000\nHello there.\n\n');
  writeFileSync(path.join(media, 'pod', 'one.json'), JSON.stringify({ version: '1.2.0', chapters: [{ startTime: 0, title: 'Start' }, { startTime: 2, title: 'End' }] }));
  writeFileSync(path.join(media, 'pod', 'bad.json'), '{"version": "1.2.0", "chapters": [{"title": "no start"}]}');
  for (const [k, v] of [['podcast_owner', 'Ann Owner <ann@example.org>'], ['podcast_image', 'https://cdn.example.org/art-3000.jpg'],
    ['podcast_category', 'News > Politics'], ['podcast_locked', 'yes'], ['support_url', 'https://example.org/support']]) {
    const r = await g(['settings', 'set', k, v]);
    assert.equal(r.code, 0, `settings set ${k}: ${r.stderr}`);
  }
  const s = await g(['sections', 'add', 'show', '--name', 'The Show', '--kind', 'podcast']);
  assert.equal(s.code, 0, s.stderr);
  // An episode with its files in the front matter, relative to the file.
  writeFileSync(path.join(site.dir, 'one.md'), '---\ntitle: Episode One\ntype: episode\nsection: show\nstatus: published\n'
    + 'date: 2022-04-27T10:00:00Z\naudio: media/pod/one.mp3\ntranscript: media/pod/one.vtt\nchapters: media/pod/one.json\n---\nShow notes of *one*.\n');
  const r1 = await g(['post', 'add', path.join(site.dir, 'one.md')]);
  assert.equal(r1.code, 0, r1.stderr);
  // One attached afterwards.
  writeFileSync(path.join(site.dir, 'two.md'), '---\ntitle: Episode Two\ntype: episode\nsection: show\nstatus: published\ndate: 2022-04-28T10:00:00Z\n---\nNotes.\n');
  const r2 = await g(['post', 'add', path.join(site.dir, 'two.md')]);
  assert.equal(r2.code, 0, r2.stderr);
  site.two = Number(r2.stdout.split('\t')[0]);
  // A file from anywhere: it goes into the media library, content-addressed.
  const m4a = path.join(MUTAGEN, 'has-tags.m4a');
  const a = await g(['episode', 'attach', String(site.two), '--audio', m4a, '--transcript', path.join(media, 'pod', 'two.srt')]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(a.stdout, `${site.two}\t${libraryUrl(m4a)}\t4\n`);
  srv = await startServer(site.dir);
});

test('bad files are refused with exit 2 and leave nothing behind', { skip }, async () => {
  const media = path.join(site.dir, 'media', 'pod');
  const notAudio = await g(['episode', 'attach', String(site.two), '--audio', path.join(media, 'fake.mp3')]);
  assert.equal(notAudio.code, 2);
  assert.match(notAudio.stderr, /fake\.mp3.*not an audio file \(MP3, M4A\/AAC or Opus\) gazette reads/);
  const before = libraryFiles();
  const chapters = await g(['episode', 'attach', String(site.two), '--chapters', path.join(media, 'bad.json'), '--audio', path.join(media, 'one.mp3')]);
  assert.equal(chapters.code, 2);
  assert.match(chapters.stderr, /chapter 1 has no startTime/);
  assert.deepEqual(libraryFiles(), before, 'a refused attach adds nothing to the library');
  const transcript = await g(['episode', 'attach', String(site.two), '--transcript', path.join(media, 'one.json')]);
  assert.equal(transcript.code, 2);
  assert.match(transcript.stderr, /not a WebVTT or SRT transcript/);
  // A post whose audio is refused is not added either.
  writeFileSync(path.join(site.dir, 'bad.md'), '---\ntitle: Bad Episode\ntype: episode\nsection: show\nstatus: published\naudio: media/pod/fake.mp3\n---\nx\n');
  const bad = await g(['post', 'add', path.join(site.dir, 'bad.md')]);
  assert.equal(bad.code, 2);
  writeFileSync(path.join(site.dir, 'post.md'), '---\ntitle: Not an episode\naudio: media/pod/one.mp3\n---\nx\n');
  const notEpisode = await g(['post', 'add', path.join(site.dir, 'post.md')]);
  assert.equal(notEpisode.code, 2);
  assert.match(notEpisode.stderr, /post\.md:3: audio: only an episode/);
  const feed = await get(`${srv.url}/podcast/feed/`);
  assert.equal(await xpath(feed.text, 'count(/rss/channel/item)'), '2');
  assert.equal(await xpath(feed.text, "/rss/channel/item[title='Episode Two']/enclosure/@type"), 'audio/x-m4a');
  assert.equal(await xpath(feed.text, `/rss/channel/item[title='Episode Two']/${P('chapters')}/@url`), '');
});

// Links name the address served (no url in gazette.conf: serve's guess).
for (const feedPath of ['/podcast/feed/', '/category/show/feed/']) {
  test(`${feedPath} has Apple's required tags and Podcasting 2.0's`, { skip }, async () => {
    const self = `${srv.url}${feedPath}`;
    const res = await get(`${srv.url}${feedPath}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/rss+xml; charset=utf-8');
    const lint = await tool(XMLLINT, ['--noout', '--nonet', '-'], res.text);
    assert.equal(lint.code, 0, lint.stderr);
    // The namespaces exactly as directories match them.
    assert.ok(res.text.includes(`xmlns:itunes="${ITUNES}"`), 'itunes namespace spelled exactly');
    assert.ok(res.text.includes(`xmlns:podcast="${PODCAST}"`));
    const c = '/rss/channel';
    const required = {
      [`${c}/title`]: /./, [`${c}/link`]: /^http/, [`${c}/description`]: /./, [`${c}/language`]: /^en$/,
      [`${c}/${I('image')}/@href`]: /^https:\/\/cdn\.example\.org\/art-3000\.jpg$/,
      [`${c}/${I('category')}/@text`]: /^News$/, [`${c}/${I('category')}/${I('category')}/@text`]: /^Politics$/,
      [`${c}/${I('explicit')}`]: /^false$/, [`${c}/${I('author')}`]: /./,
      [`${c}/${I('owner')}/${I('email')}`]: /^ann@example\.org$/, [`${c}/${I('owner')}/${I('name')}`]: /^Ann Owner$/,
      [`${c}/${P('guid')}`]: new RegExp(`^${podcastGuid(self)}$`),
      [`${c}/${P('funding')}/@url`]: /^https:\/\/example\.org\/support$/,
      [`${c}/${P('locked')}`]: /^yes$/, [`${c}/${P('locked')}/@owner`]: /^ann@example\.org$/,
    };
    for (const [expr, re] of Object.entries(required)) assert.match(await xpath(res.text, expr), re, expr);
    assert.equal(await xpath(res.text, `count(${c}/item)`), '2');
    const one = `${c}/item[title='Episode One']`;
    const size = String(statSync(path.join(site.dir, 'media', 'pod', 'one.mp3')).size);
    const item = {
      [`${one}/enclosure/@url`]: new RegExp(`^${re(srv.url)}${re(libraryUrl(path.join(site.dir, 'media', 'pod', 'one.mp3')))}$`),
      [`${one}/enclosure/@length`]: new RegExp(`^${size}$`),
      [`${one}/enclosure/@type`]: /^audio\/mpeg$/,
      [`${one}/guid`]: new RegExp(`^${re(srv.url)}/\\?p=\\d+$`),
      [`${one}/pubDate`]: RFC822,
      [`${one}/${I('duration')}`]: /^4$/, // 3.68475 s
      [`${one}/description`]: /Show notes of one/,
      [`${one}/${P('transcript')}/@url`]: new RegExp(`${re(libraryUrl(path.join(site.dir, 'media', 'pod', 'one.vtt')))}$`),
      [`${one}/${P('transcript')}/@type`]: /^text\/vtt$/,
      [`${one}/${P('chapters')}/@url`]: new RegExp(`${re(libraryUrl(path.join(site.dir, 'media', 'pod', 'one.json')))}$`),
      [`${one}/${P('chapters')}/@type`]: /^application\/json\+chapters$/,
      [`${c}/item[title='Episode Two']/${P('transcript')}/@type`]: /^application\/x-subrip$/,
    };
    for (const [expr, re] of Object.entries(item)) assert.match(await xpath(res.text, expr), re, expr);
    assert.equal(await xpath(res.text, `count(${c}/item[enclosure/@url and enclosure/@length and enclosure/@type and guid and pubDate and ${I('duration')}])`), '2');
  });
}

test('an item keeps its GUID when its title is edited', { skip: skip || (!ON_PG && NO_SQLITE3) }, async () => {
  const before = await get(`${srv.url}/podcast/feed/`);
  const guid = await xpath(before.text, "/rss/channel/item[title='Episode Two']/guid");
  siteSql(site.dir, `UPDATE posts SET title = 'Episode Two, renamed', slug = 'two-renamed' WHERE id = ${site.two}`);
  const text = await eventually(async () => {
    const t = (await get(`${srv.url}/podcast/feed/`)).text;
    return t.includes('Episode Two, renamed') ? t : null;
  });
  assert.ok(text, 'the edit shows in the feed');
  assert.equal(await xpath(text, "/rss/channel/item[title='Episode Two, renamed']/guid"), guid);
});

test('the episode page plays the audio in an HTML5 player, with its transcript', { skip }, async () => {
  const res = await get(`${srv.url}/podcast/episode-one/`);
  assert.equal(res.status, 200);
  const pod = (f) => re(libraryUrl(path.join(site.dir, 'media', 'pod', f)));
  assert.match(res.text, new RegExp(`<audio controls preload="metadata"><source src="${pod('one.mp3')}" type="audio/mpeg"><track kind="captions" src="${pod('one.vtt')}"`));
  assert.match(res.text, /<time datetime="PT4S">0:04<\/time>/);
  assert.match(res.text, new RegExp(`href="${pod('one.json')}">Chapters<`));
  // The section lists its episodes, each with its player.
  const list = await get(`${srv.url}/category/show/`);
  assert.match(list.text, new RegExp(pod('one.mp3')));
});
