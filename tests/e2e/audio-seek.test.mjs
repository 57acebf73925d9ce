// An episode's audio in Chromium (issue 16): the HTML5 player on the
// episode page fetches the library's file with byte ranges (206) and
// seeks; the page's duration is the one the feed states.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { run, newSite, startServer, shareServer } from './lib/gazette.mjs';
import { absent, fixture } from './lib/needs.mjs';
import { launch, collectErrors, CHROMIUM } from './lib/browser.mjs';

const MP3 = fixture('media', 'mutagen', 'silence-44-s.mp3');
const skip = absent(MP3) || absent(CHROMIUM);
let site;
let srv;
let browser;
shareServer(() => srv);
after(async () => browser?.close());

before(async () => {
  if (skip) return;
  site = await newSite();
  const f = path.join(site.dir, 'ep.md');
  writeFileSync(f, `---\ntitle: Seeking\ntype: episode\nstatus: published\naudio: ${MP3}\n---\nNotes.\n`);
  const r = await run(['post', 'add', f, '--site', site.dir]);
  assert.equal(r.code, 0, r.stderr);
  srv = await startServer(site.dir);
  browser = await launch();
});

test('the player reads the file by ranges and seeks', { skip }, async () => {
  const page = await browser.newPage();
  const errors = collectErrors(page);
  const media = [];
  page.on('response', (res) => {
    if (new URL(res.url()).pathname.startsWith('/media/')) {
      media.push({ status: res.status(), range: res.request().headers().range, contentRange: res.headers()['content-range'] });
    }
  });
  await page.goto(`${srv.url}/podcast/seeking/`);
  const audio = page.locator('.episode-audio audio');
  await page.waitForFunction((el) => el.readyState >= 1, await audio.elementHandle(), { timeout: 15000 });
  const duration = await audio.evaluate((el) => el.duration);
  assert.ok(Math.abs(duration - 3.77) < 0.1, `the browser reads ${duration} s`);
  const at = await audio.evaluate((el) => new Promise((resolve, reject) => {
    el.addEventListener('seeked', () => resolve(el.currentTime), { once: true });
    el.addEventListener('error', () => reject(new Error(`media error ${el.error?.code}`)), { once: true });
    el.currentTime = 2.5;
  }));
  assert.ok(Math.abs(at - 2.5) < 0.1, `seeked to ${at}`);
  assert.ok(media.length > 0, 'the file was fetched');
  assert.ok(media.some((m) => m.range && m.status === 206 && /^bytes \d+-\d+\/16384$/.test(m.contentRange)),
    `a ranged answer: ${JSON.stringify(media)}`);
  assert.match(await page.locator('.episode-audio time').innerText(), /^0:04$/);
  assert.deepEqual(errors, []);
  await page.close();
});
