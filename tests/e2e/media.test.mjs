// The media library (issue 16): `gazette media add` prints ID<TAB>URL and
// refuses what is not a picture, sound, video, document or transcript;
// what it stores is served with the system's content types, an immutable
// cache lifetime, HEAD equal to GET, single byte ranges (curl too), and
// no way out of SITE/media.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, symlinkSync, writeFileSync, readFileSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { run, newSite, startServer, cleanup, get, pathOf, stopClean, reportOnFailure } from './lib/gazette.mjs';
import { absent, fixture } from './lib/needs.mjs';

const PHOTO = fixture('media', 'exif-samples', 'jpg', 'gps', 'DSCN0010.jpg');
const OPUS = fixture('media', 'mutagen', 'example.opus');
const HEIF = fixture('media', 'exif-samples', 'heic', 'samplefilehub.heif');
const NO_MEDIA = absent(PHOTO) || absent(OPUS) || absent(HEIF);

let site;
let srv;
const added = {};

async function add(file, ...args) {
  return run(['media', 'add', file, '--site', site.dir, ...args]);
}

before(async () => {
  site = await newSite();
  if (!NO_MEDIA) {
    for (const [name, file] of [['photo', PHOTO], ['opus', OPUS]]) {
      const r = await add(file, '--alt', `the ${name}`);
      assert.equal(r.code, 0, r.stderr);
      const m = /^(\d+)\t(\S+)\n$/.exec(r.stdout);
      assert.ok(m, `media add: expected "ID<TAB>URL", got ${JSON.stringify(r.stdout)}`);
      added[name] = { id: Number(m[1]), url: m[2], path: pathOf(m[2]) };
    }
  }
  // Files placed by hand, as before uploads existed.
  mkdirSync(path.join(site.dir, 'media', 'old'), { recursive: true });
  for (const [name, body] of [['a.svg', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'],
    ['a.avif', 'x'], ['a.webm', 'x'], ['a.opus', 'x'], ['a.vtt', 'WEBVTT\n'], ['a.unknownext', 'x']]) {
    writeFileSync(path.join(site.dir, 'media', 'old', name), body);
  }
  symlinkSync('/etc', path.join(site.dir, 'media', 'etc'));
  symlinkSync(path.join(site.dir, 'gazette.db'), path.join(site.dir, 'media', 'old', 'db.jpg'));
  srv = await startServer(site.dir);
});

after(async () => {
  await stopClean(srv);
  await cleanup();
});

describe('gazette media add', { skip: NO_MEDIA }, () => {
  test('prints ID<TAB>URL under the site URL; the same file again is the same row', async (t) => {
    reportOnFailure(t, srv);
    assert.match(added.photo.url, /^http:\/\/127\.0\.0\.1:8080\/media\/([0-9a-f]{2})\/\1[0-9a-f]{30}\.jpg$/);
    assert.match(added.opus.url, /\.opus$/);
    const again = await add(PHOTO);
    assert.equal(again.code, 0);
    assert.equal(again.stdout, `${added.photo.id}\t${added.photo.url}\n`);
    const list = await run(['media', 'list', '--site', site.dir]);
    assert.equal(list.code, 0);
    assert.match(list.stdout, new RegExp(`^${added.photo.id}\t${added.photo.url}\timage/jpeg\t\\d+\tDSCN0010\\.jpg$`, 'm'));
  });

  test('refuses HEIF, an empty file, an HTML page named .jpg: exit 2, one line, nothing stored', async () => {
    const before = readdirSync(path.join(site.dir, 'media'), { recursive: true }).length;
    const empty = path.join(site.dir, 'empty.mp3');
    writeFileSync(empty, '');
    const html = path.join(site.dir, 'page.jpg');
    writeFileSync(html, '<!DOCTYPE html><html><script>alert(1)</script></html>');
    for (const [file, why] of [[HEIF, /image\/heic/], [empty, /is empty/], [html, /text\/html/]]) {
      const r = await add(file);
      assert.equal(r.code, 2, `${file}: ${r.stderr}`);
      assert.match(r.stderr, why);
      assert.equal(r.stderr.trim().split('\n').length, 1);
      assert.equal(r.stdout, '');
    }
    assert.equal(readdirSync(path.join(site.dir, 'media'), { recursive: true }).length, before);
  });

  test('a missing file: exit 2 naming it', async () => {
    const r = await add(path.join(site.dir, 'no-such.jpg'));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no-such\.jpg/);
  });
});

describe('serving uploads', { skip: NO_MEDIA }, () => {
  test('an upload is immutable, typed, validated; HEAD carries GET\'s headers', async (t) => {
    reportOnFailure(t, srv);
    const r = await fetch(srv.url + added.photo.path);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'image/jpeg');
    assert.equal(r.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.ok(r.headers.get('etag'));
    assert.ok(r.headers.get('last-modified'));
    const body = Buffer.from(await r.arrayBuffer());
    assert.equal(body.subarray(0, 2).toString('hex'), 'ffd8');
    const h = await fetch(srv.url + added.photo.path, { method: 'HEAD' });
    for (const k of ['content-type', 'content-length', 'cache-control', 'etag', 'last-modified', 'accept-ranges']) {
      assert.equal(h.headers.get(k), r.headers.get(k) ?? String(body.length), k);
    }
    assert.equal(h.headers.get('content-length'), String(body.length));
    // The WebP copy and a smaller width exist beside it.
    const webp = await fetch(srv.url + added.photo.path.replace(/\.jpg$/, '.webp'));
    assert.equal(webp.status, 200);
    assert.equal(webp.headers.get('content-type'), 'image/webp');
    const small = await fetch(srv.url + added.photo.path.replace(/\.jpg$/, '-300.jpg'));
    assert.equal(small.status, 200);
    assert.equal((await fetch(srv.url + added.photo.path.replace(/\.jpg$/, '-768.jpg'))).status, 404,
      'a 640-wide photo has no 768 copy (never upscaled)');
    assert.equal((await fetch(srv.url + added.opus.path)).headers.get('content-type'), 'audio/ogg');
  });

  test('ranges: single, suffix, open-ended 206; past the end 416 bytes */N; several ranges get the whole file', async () => {
    const url = srv.url + added.opus.path;
    const whole = readFileSync(OPUS);
    const n = whole.length;
    const cases = [['bytes=0-99', 0, 99], ['bytes=-100', n - 100, n - 1], [`bytes=${n - 10}-`, n - 10, n - 1],
      [`bytes=100-${n + 1000}`, 100, n - 1]];
    for (const [range, from, to] of cases) {
      const r = await fetch(url, { headers: { Range: range } });
      assert.equal(r.status, 206, range);
      assert.equal(r.headers.get('content-range'), `bytes ${from}-${to}/${n}`, range);
      assert.deepEqual(Buffer.from(await r.arrayBuffer()), whole.subarray(from, to + 1), range);
    }
    const past = await fetch(url, { headers: { Range: `bytes=${n}-` } });
    assert.equal(past.status, 416);
    assert.equal(past.headers.get('content-range'), `bytes */${n}`);
    const several = await fetch(url, { headers: { Range: 'bytes=0-1,5-9' } });
    assert.equal(several.status, 200);
    assert.deepEqual(Buffer.from(await several.arrayBuffer()), whole);
    const stale = await fetch(url, { headers: { Range: 'bytes=0-9', 'If-Range': '"other"' } });
    assert.equal(stale.status, 200);
  });

  test('curl: a range and a resumed download', { skip: absent('/usr/bin/curl') }, () => {
    const url = srv.url + added.opus.path;
    const whole = readFileSync(OPUS);
    const out = path.join(site.dir, 'part.opus');
    writeFileSync(out, whole.subarray(0, 1000));
    const r = spawnSync('/usr/bin/curl', ['-sS', '-f', '-C', '-', '-o', out, url], { timeout: 10000 });
    assert.equal(r.status, 0, r.stderr.toString());
    assert.deepEqual(readFileSync(out), whole);
    const h = spawnSync('/usr/bin/curl', ['-sS', '-r', '10-19', '-D', '-', '-o', '/dev/null', url], { timeout: 10000 });
    assert.match(h.stdout.toString(), /^HTTP\/1\.1 206/);
    assert.match(h.stdout.toString(), new RegExp(`content-range: bytes 10-19/${whole.length}`, 'i'));
  });
});

describe('serving files placed by hand', () => {
  test('types come from the system table: .svg, .avif, .webm, .opus, .vtt; unknown is octet-stream', async () => {
    const want = { 'a.svg': 'image/svg+xml', 'a.avif': 'image/avif', 'a.webm': 'video/webm', 'a.opus': 'audio/ogg',
      'a.vtt': 'text/vtt; charset=utf-8', 'a.unknownext': 'application/octet-stream' };
    for (const [name, type] of Object.entries(want)) {
      const r = await get(`${srv.url}/media/old/${name}`);
      assert.equal(r.status, 200, name);
      assert.equal(r.headers.get('content-type'), type, name);
      assert.equal(r.headers.get('cache-control'), 'public, max-age=86400', `${name}: not content-addressed`);
    }
  });

  test('an SVG goes out as a download in a sandbox', async () => {
    const r = await get(`${srv.url}/media/old/a.svg`);
    assert.equal(r.headers.get('content-disposition'), 'attachment');
    assert.match(r.headers.get('content-security-policy'), /^sandbox; default-src 'none'$/);
  });

  test('no traversal: dot segments raw, encoded and double-encoded, symlinks out', async () => {
    for (const p of ['/media/../gazette.db', '/media/%2e%2e/gazette.db', '/media/%2E%2E%2Fgazette.db',
      '/media/%252e%252e/gazette.db', '/media/old/%2e%2e/%2e%2e/gazette.db', '/media/etc/passwd',
      '/media/old/db.jpg', '/media/.tmp/', '/media/old/..%2f..%2fgazette.db']) {
      const r = await get(srv.url + p);
      assert.ok(r.status === 404 || r.status === 400, `${p}: ${r.status}`);
      assert.ok(!r.text.includes('SQLite format'), p);
      assert.ok(!r.text.includes('root:'), p);
    }
  });
});
