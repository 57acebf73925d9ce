// HTTP behaviour of `gazette serve` (DESIGN.md §3 URLs, limits.h): pages,
// 404s, HEAD, the request limits, malformed requests, keep-alive, slow
// clients, SIGTERM. Posts are added with `gazette post add` before the server
// starts; everything goes to 127.0.0.1.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LIMITS } from './lib/limits.mjs';
import {
  run, newSite, startServer, cleanup, tempDir, get, pathOf, reEscape, reportOnFailure, stopClean, SANITIZER_RE,
} from './lib/gazette.mjs';
import { RawConn, rawRequest, getHead } from './lib/raw.mjs';

const POSTS = [
  { key: 'first', title: 'First Test Post', slug: 'first-test-post', date: '2022-04-25T09:00:00Z',
    dateRe: /April 25, 2022|2022-04-25|25 April 2022/, source: 'https://example.org/original/first',
    body: 'Body of the first post, with *emphasis*.', bodyHtml: '<em>emphasis</em>' },
  { key: 'second', title: 'Second Test Post', slug: 'second-test-post', date: '2022-04-27T15:30:00Z',
    dateRe: /April 27, 2022|2022-04-27|27 April 2022/, source: 'https://example.org/original/second',
    body: 'The second body, which is **strong**.', bodyHtml: '<strong>strong</strong>' },
  { key: 'third', title: 'Third Test Post', slug: 'third-test-post', date: '2022-03-01T12:00:00Z',
    dateRe: /March 1, 2022|2022-03-01|1 March 2022/, source: 'https://example.org/original/third',
    body: 'Third body text.', bodyHtml: 'Third body text.' },
];

let site;
let srv;

before(async () => {
  site = await newSite();
  const md = await tempDir('gazette-e2e-md-');
  for (const p of POSTS) {
    const f = path.join(md, `${p.key}.md`);
    writeFileSync(f, ['---', `title: ${p.title}`, `slug: ${p.slug}`, `date: ${p.date}`,
      `source: ${p.source}`, 'status: published', '---', p.body, ''].join('\n'));
    const r = await run(['post', 'add', f, '--site', site.dir]);
    assert.equal(r.code, 0, `post add ${p.key}: ${r.stderr}`);
    const m = /^(\d+)\t(\S+)\n?$/.exec(r.stdout);
    assert.ok(m, `post add ${p.key}: expected ID<TAB>URL, got ${JSON.stringify(r.stdout)}`);
    p.id = Number(m[1]);
    p.path = pathOf(m[2]);
  }
  srv = await startServer(site.dir);
});

afterEach((t) => reportOnFailure(t, srv));

after(async () => {
  try {
    await stopClean(srv);
  } finally {
    await cleanup();
  }
});

// Read one final response on a raw connection, skipping 1xx interim ones.
async function finalResponse(c, opts) {
  for (;;) {
    const r = await c.readResponse(opts);
    if (r === null || r.status >= 200) return r;
  }
}

async function assertAlive(what) {
  const r = await get(srv.url + '/');
  assert.equal(r.status, 200, `server still serves / after ${what}`);
}

// href="/path" or an absolute URL on some http(s) host ending in /path.
const hrefTo = (p) => new RegExp(`href="(?:https?://[^/"]+)?${reEscape(p)}"`);

test('GET / is an HTML page listing the posts with links to their permalinks', async () => {
  const r = await get(srv.url + '/');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
  for (const p of POSTS) {
    assert.ok(r.text.includes(p.title), `front page lists "${p.title}"`);
    assert.match(p.path, /^\/\d{4}\/\d{2}\/\d{2}\/[^/]+\/$/);
    assert.match(r.text, hrefTo(p.path), `front page links to ${p.path}`);
  }
});

test('the post page has title, date, body, source link, data-post-id and rel=canonical', async () => {
  for (const p of POSTS) {
    const r = await get(srv.url + p.path);
    assert.equal(r.status, 200, p.path);
    assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
    assert.ok(r.text.includes(p.title), 'title');
    assert.match(r.text, p.dateRe, 'publish date');
    assert.ok(r.text.includes(p.bodyHtml), `body (${p.bodyHtml})`);
    assert.match(r.text, new RegExp(`href="${reEscape(p.source)}"`), 'source link');
    assert.match(r.text, new RegExp(`<article\\b[^>]*\\bdata-post-id="${p.id}"`), '<article data-post-id="ID">');
    const canon = /<link\b[^>]*\brel="canonical"[^>]*>/.exec(r.text);
    assert.ok(canon, '<link rel="canonical">');
    assert.match(canon[0], /\bhref="https?:\/\/[^"]+"/, 'canonical link has an absolute href');
  }
});

test('an unknown path is a styled HTML 404', async () => {
  const r = await get(srv.url + '/no/such/page/here/');
  assert.equal(r.status, 404);
  assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(r.text, /<html/i);
  assert.match(r.text, /href="(?:https?:\/\/[^/"]+)?\/"/, 'links to /');
  assert.match(r.text, /<link\b[^>]*\brel="stylesheet"[^>]*\bhref="[^"]*\/static\/[^"]*"|<link\b[^>]*\bhref="[^"]*\/static\/[^"]*"[^>]*\brel="stylesheet"/,
    'stylesheet link');
});

test('an unknown post permalink is 404', async () => {
  const r = await get(srv.url + '/2022/04/27/no-such-post/');
  assert.equal(r.status, 404);
  assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
});

test('HEAD / is 200 with the headers of GET and no body', async () => {
  const c = await RawConn.open(srv.port);
  try {
    await c.write(getHead('/', { method: 'HEAD' }));
    const h = await finalResponse(c, { head: true });
    assert.ok(h, 'a response to HEAD');
    assert.equal(h.status, 200);
    // Anything the server sent as a body would show up before the next
    // response; give it a moment, then ask GET on the same connection.
    await sleep(300);
    assert.equal(c.pending().length, 0, `HEAD sent body bytes: ${JSON.stringify(c.pending().toString('latin1').slice(0, 80))}`);
    await c.write(getHead('/'));
    const g = await finalResponse(c);
    assert.ok(g, 'a response to GET after HEAD');
    assert.equal(g.status, 200);
    assert.equal(h.headers['content-type'], g.headers['content-type'], 'same Content-Type');
    if (h.headers['content-length'] !== undefined && g.headers['content-length'] !== undefined) {
      assert.equal(h.headers['content-length'], g.headers['content-length'], 'same Content-Length');
    }
  } finally {
    c.destroy();
  }
});

test('/static/site.css is served as text/css', async () => {
  const r = await get(srv.url + '/static/site.css');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') ?? '', /^text\/css/);
});

// The form a browser would send to the comment endpoint, same-origin.
function formHead(length, { chunked = false } = {}) {
  return 'POST /comments HTTP/1.1\r\n' +
    `Host: 127.0.0.1:${srv.port}\r\n` +
    `Origin: ${srv.url}\r\n` +
    'Content-Type: application/x-www-form-urlencoded\r\n' +
    (chunked ? 'Transfer-Encoding: chunked\r\n' : `Content-Length: ${length}\r\n`) +
    '\r\n';
}

test('a body over LIM_BODY_BYTES is refused with 413 before it is all sent', async () => {
  const c = await RawConn.open(srv.port);
  try {
    // Announce one byte too many, send only the first 64 KiB, then wait:
    // the server must answer from the Content-Length alone.
    await c.write(formHead(LIMITS.LIM_BODY_BYTES + 1));
    await c.write(Buffer.alloc(64 * 1024, 'a'));
    const r = await finalResponse(c, { timeout: 10000 });
    assert.ok(r, 'a response (the server closed without one)');
    assert.equal(r.status, 413);
  } finally {
    c.destroy();
  }
  await assertAlive('a 413');
});

test('a chunked body over LIM_BODY_BYTES is refused with 413', async () => {
  const c = await RawConn.open(srv.port);
  try {
    await c.write(formHead(0, { chunked: true }));
    const chunk = 64 * 1024;
    let sent = 0;
    // Stream LIM_BODY_BYTES + 1 bytes (no terminating chunk), stopping early
    // once the server has answered.
    while (sent <= LIMITS.LIM_BODY_BYTES && c.pending().length === 0 && !c.closed) {
      const n = Math.min(chunk, LIMITS.LIM_BODY_BYTES + 1 - sent);
      const ok = await c.write(Buffer.concat([Buffer.from(`${n.toString(16)}\r\n`), Buffer.alloc(n, 'a'), Buffer.from('\r\n')]));
      if (!ok) break;
      sent += n;
    }
    const r = await finalResponse(c, { timeout: 10000 });
    assert.ok(r, `a response (the server closed without one after ${sent} bytes)`);
    assert.equal(r.status, 413);
  } finally {
    c.destroy();
  }
  await assertAlive('a chunked 413');
});

test('a body of exactly LIM_BODY_BYTES is not refused as too large', async () => {
  const c = await RawConn.open(srv.port);
  try {
    const body = Buffer.alloc(LIMITS.LIM_BODY_BYTES, 'a');
    body.write('body=', 0);
    await c.write(formHead(body.length));
    await c.write(body);
    const r = await finalResponse(c, { timeout: 15000 });
    assert.ok(r, 'a response');
    // read whole and parsed: the form's own check refuses the field
    assert.equal(r.status, 400);
    assert.match(r.body.toString('utf8'), new RegExp(`body: longer than ${LIMITS.LIM_COMMENT_BYTES} bytes`));
  } finally {
    c.destroy();
  }
});

test('a request head over LIM_HEADER_BYTES is refused with 431 (or a reset while it is still being sent)', async () => {
  const big = `X-Big: ${'a'.repeat(LIMITS.LIM_HEADER_BYTES)}\r\n`;
  let r;
  try {
    r = await rawRequest(srv.port, getHead('/', { extra: big }), { timeout: 10000 });
  } catch (e) {
    if (!/ECONNRESET|EPIPE/.test(e.message)) throw e;
    r = null; // reset without an answer: acceptable, it was not a 2xx
  }
  if (r !== null) assert.equal(r.status, 431);
  await assertAlive('an oversized head');
});

test('a request head under LIM_HEADER_BYTES is served', async () => {
  const pad = LIMITS.LIM_HEADER_BYTES - 1024;
  const r = await rawRequest(srv.port, getHead('/', { extra: `X-Pad: ${'a'.repeat(pad)}\r\n`, close: true }));
  assert.ok(r, 'a response');
  assert.equal(r.status, 200);
});

test('a request target over LIM_URL_BYTES is 414', async () => {
  const target = `/${'a'.repeat(LIMITS.LIM_URL_BYTES)}`; // LIM_URL_BYTES + 1 bytes
  const r = await rawRequest(srv.port, getHead(target, { close: true }));
  assert.ok(r, 'a response (the server closed without one)');
  assert.equal(r.status, 414);
  await assertAlive('a 414');
});

test('a request target of exactly LIM_URL_BYTES is not 414', async () => {
  const target = `/${'a'.repeat(LIMITS.LIM_URL_BYTES - 1)}`;
  const r = await rawRequest(srv.port, getHead(target, { close: true }));
  assert.ok(r, 'a response');
  assert.equal(r.status, 404, 'routed like any other path: no such page');
});

test('a malformed request line gets 400 (or a close), and the server keeps serving', async () => {
  let r;
  try {
    r = await rawRequest(srv.port, 'GARBAGE\r\n\r\n', { timeout: 10000 });
  } catch (e) {
    if (!/ECONNRESET|EPIPE/.test(e.message)) throw e;
    r = null;
  }
  if (r !== null) assert.equal(r.status, 400);
  await assertAlive('GARBAGE');
});

test('bad percent-encoding in the path is 400', async () => {
  for (const target of ['/2022/04/27/%zz/', '/%', '/%2/']) {
    const r = await rawRequest(srv.port, getHead(target, { close: true }));
    assert.ok(r, `a response for ${target}`);
    assert.equal(r.status, 400, `GET ${target}`);
  }
  await assertAlive('bad percent-encoding');
});

test('keep-alive: two GETs on one connection are both answered 200', async () => {
  const c = await RawConn.open(srv.port);
  try {
    await c.write(getHead('/'));
    const a = await finalResponse(c);
    assert.ok(a, 'first response');
    assert.equal(a.status, 200);
    assert.doesNotMatch(a.headers.connection ?? '', /close/i, 'first response keeps the connection');
    assert.ok(!c.closed, 'connection still open after the first response');
    await c.write(getHead(POSTS[0].path));
    const b = await finalResponse(c);
    assert.ok(b, 'second response on the same connection');
    assert.equal(b.status, 200);
    assert.ok(b.text.includes(POSTS[0].title));
  } finally {
    c.destroy();
  }
});

// Slow client ("slowloris"): a client that sends its request head one byte
// a second keeps the connection alive forever under a plain idle timeout,
// since every byte resets it. The server must enforce a deadline for the
// whole head (LIM_HEAD_SECONDS) and drop the connection. We allow 5 s of
// slack and meanwhile check that the server answers other clients. Takes
// about LIM_HEAD_SECONDS seconds.
test('a client sending its head one byte a second is dropped within LIM_HEAD_SECONDS + 5 s',
  { timeout: (LIMITS.LIM_HEAD_SECONDS + 20) * 1000 }, async () => {
    const limitMs = (LIMITS.LIM_HEAD_SECONDS + 5) * 1000;
    // Longer than the deadline in seconds, so it never completes in time.
    const head = Buffer.from(getHead('/', { extra: `X-Slow: ${'a'.repeat(LIMITS.LIM_HEAD_SECONDS * 4)}\r\n` }));
    const c = await RawConn.open(srv.port);
    const t0 = Date.now();
    try {
      let i = 0;
      let checkedOthers = false;
      while (!c.closed && Date.now() - t0 < limitMs && i < head.length) {
        await c.write(head.subarray(i, i + 1));
        i++;
        if (!checkedOthers && i === 3) {
          checkedOthers = true;
          await assertAlive('a slow client is connected');
        }
        await c.waitClose(1000);
      }
      assert.ok(i < head.length, 'the whole head was sent: make it longer');
      const closed = c.closed || (await c.waitClose(Math.max(0, limitMs - (Date.now() - t0))));
      const elapsed = Date.now() - t0;
      assert.ok(closed, `connection still open after ${elapsed} ms (${i} bytes sent)`);
      assert.ok(elapsed <= limitMs, `dropped after ${elapsed} ms, limit ${limitMs} ms`);
      const r = c.pending().toString('latin1');
      assert.doesNotMatch(r, /^HTTP\/1\.[01] 2/, 'no 2xx for an incomplete head');
    } finally {
      c.destroy();
    }
    await assertAlive('a slow client');
  });

test('SIGTERM: a request in flight completes and the server exits 0', async () => {
  const s2 = await startServer(site.dir);
  let c;
  try {
    const body = `post_id=${POSTS[0].id}&author=Tester&email=tester%40example.com&url=&body=In+flight+during+shutdown`;
    c = await RawConn.open(s2.port);
    const half = Math.floor(body.length / 2);
    await c.write(
      'POST /comments HTTP/1.1\r\n' +
      `Host: 127.0.0.1:${s2.port}\r\n` +
      `Origin: ${s2.url}\r\n` +
      'Content-Type: application/x-www-form-urlencoded\r\n' +
      `Content-Length: ${body.length}\r\n` +
      '\r\n' + body.slice(0, half));
    await sleep(300); // the server has the head and half the body
    assert.equal(c.pending().length, 0,
      'the server answered before the body was complete, so this request was not in flight at SIGTERM');
    const stopping = s2.stop(); // SIGTERM
    await sleep(300);
    await c.write(body.slice(half));
    const r = await finalResponse(c, { timeout: 10000 });
    assert.ok(r, `a response to the request in flight (server stderr: ${s2.stderr()})`);
    // the form's answer (303; without a form stamp it is held as spam),
    // given only once the comment is committed
    assert.equal(r.status, 303, `in-flight request answered ${r.status}`);
    const code = await stopping;
    assert.equal(code, 0, `exit status after SIGTERM (signal ${s2.proc.signalCode}); stderr: ${s2.stderr()}`);
    assert.doesNotMatch(s2.stderr(), SANITIZER_RE, 'no sanitizer report');
    let stored = 0;
    for (const status of ['pending', 'approved', 'spam']) {
      const l = await run(['comments', 'list', '--status', status, '--site', site.dir]);
      assert.equal(l.code, 0, l.stderr);
      stored += l.stdout.split('\n').filter((line) => line.endsWith('\tIn flight during shutdown')).length;
    }
    assert.equal(stored, 1, 'the comment answered during shutdown is stored, once');
  } finally {
    c?.destroy();
    await s2.stop();
  }
});
