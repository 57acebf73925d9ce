// Watch (issue 16 part 5) with a video file of our own: `post add` with
// `video: FILE` takes it into the media library when its bytes are MP4
// (H.264, HEVC, AV1) or WebM (VP8, VP9, AV1), reads its duration, and the
// page plays it in <video> with its poster, loading nothing before the
// reader presses play.  There is no video among the fixtures: the test
// makes one with tests/tools/gen_video.c (libavcodec, libavformat).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { bin, run, newSite, startServer, get, shareServer } from './lib/gazette.mjs';
import { absent, fixture } from './lib/needs.mjs';
import { launch, CHROMIUM } from './lib/browser.mjs';

const POSTER = fixture('media', 'exif-samples', 'jpg', 'orientation', 'landscape_1.jpg');
// Built beside the binary under test (tests/meson.build).
const GEN_VIDEO = path.join(path.dirname(bin), 'tests', 'gen-video');
const skip = absent(POSTER) || absent(CHROMIUM) || absent(GEN_VIDEO);
const LIBRARY = (ext) => new RegExp(`/media/[0-9a-f]{2}/[0-9a-f]{32}\\.${ext}`);

let site;
let srv;
let url;
shareServer(() => srv);

const g = (args) => run([...args, '--site', site.dir]);

function makeVideo(name, seconds, encoder) {
  const out = path.join(site.dir, name);
  const r = spawnSync(GEN_VIDEO, [out, String(seconds), ...(encoder ? [encoder] : [])], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return out;
}

async function addPost(name, front) {
  const f = path.join(site.dir, `${name}.md`);
  writeFileSync(f, `---\n${front}\n---\nAbout the video.\n`);
  return g(['post', 'add', f]);
}

before(async () => {
  if (skip) return;
  site = await newSite();
  copyFileSync(POSTER, path.join(site.dir, 'poster.jpg'));
  makeVideo('clip.webm', 3);
  makeVideo('old.mp4', 2, 'mpeg4');
  assert.equal((await g(['sections', 'add', 'watch', '--name', 'Watch', '--kind', 'video'])).code, 0);
  const r = await addPost('clip', 'title: The Harbour at Dawn\nsection: watch\nstatus: published\n'
    + 'video: clip.webm\nposter: poster.jpg');
  assert.equal(r.code, 0, r.stderr);
  url = new URL(r.stdout.split('\t')[1].trim()).pathname;
  srv = await startServer(site.dir);
});

test('a WebM of our own plays in <video> with its poster, and is served by ranges', { skip }, async () => {
  const page = await get(`${srv.url}${url}`);
  assert.equal(page.status, 200);
  const v = /<video class="video-file" controls preload="none" poster="([^"]+)"><source src="([^"]+)" type="video\/webm">/.exec(page.text);
  assert.ok(v, 'a <video> with preload="none", a poster and a WebM source');
  assert.match(v[1], LIBRARY('jpg'));
  assert.match(v[2], LIBRARY('webm'));
  const bytes = readFileSync(path.join(site.dir, 'clip.webm'));
  const whole = await fetch(`${srv.url}${v[2]}`);
  assert.equal(whole.status, 200);
  assert.equal(whole.headers.get('content-type'), 'video/webm');
  assert.ok(Buffer.from(await whole.arrayBuffer()).equals(bytes), 'the file as it was added');
  const part = await fetch(`${srv.url}${v[2]}`, { headers: { Range: 'bytes=0-99' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-range'), `bytes 0-99/${bytes.length}`);
  assert.ok(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(0, 100)));
  // The Watch grid shows its poster and the duration read from the file.
  const list = await get(`${srv.url}/category/watch/`);
  assert.match(list.text, /<span class="duration">0:03<\/span>/);
});

test('Chromium loads nothing of the video before play, then plays 3 seconds of it', { skip }, async () => {
  const browser = await launch();
  try {
    const page = await browser.newPage();
    const seen = [];
    page.on('request', (r) => seen.push(r.url()));
    await page.goto(`${srv.url}${url}`);
    assert.deepEqual(seen.filter((u) => u.endsWith('.webm')), [], 'preload="none": no video bytes before play');
    const duration = await page.locator('video.video-file').evaluate((el) => new Promise((resolve, reject) => {
      el.addEventListener('loadedmetadata', () => resolve(el.duration));
      el.addEventListener('error', () => reject(new Error(`media error ${el.error?.code}`)));
      el.muted = true;
      el.play().catch(() => {});
    }));
    assert.ok(Math.abs(duration - 3) < 0.2, `duration ${duration}`);
  } finally {
    await browser.close();
  }
});

test('a video a browser cannot play (MPEG-4 part 2 in MP4) is refused by name, and no post is added', { skip }, async () => {
  const r = await addPost('old', 'title: An Old Clip\nsection: watch\nstatus: published\nvideo: old.mp4');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /old\.mp4' is not MP4 \(H\.264, HEVC, AV1\) or WebM/);
  assert.equal((await get(`${srv.url}/category/watch/`)).text.includes('An Old Clip'), false);
});
