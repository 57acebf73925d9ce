// Trust only the proxies the site names (gazette.conf's trusted_proxies):
// X-Forwarded-For decides the reader's address, for view counts and rate
// limits, only when the socket peer is one of them, walked from the right
// past the proxies' own entries; and with `url` set, a form POST sent to
// another host name (DNS rebinding) is refused. Other loopback addresses
// stand for other machines: here 127.0.0.1 is a reader, 127.0.0.2 and
// 127.0.0.16/28 are proxies.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { newSite, startServer, run, tempDir, shareServer } from './lib/gazette.mjs';
import { RawConn } from './lib/raw.mjs';

const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) '
  + 'Chrome/120.0.0.0 Safari/537.36';
const SITE_URL = 'https://news.example.com';

let site;
let srv;
let postId;

before(async () => {
  site = await newSite();
  writeFileSync(path.join(site.dir, 'gazette.conf'),
    `url = ${SITE_URL}\ntrusted_proxies = 127.0.0.2, 127.0.0.16/28\n`);
  const dir = await tempDir('gazette-e2e-md-');
  writeFileSync(path.join(dir, 'p.md'), '---\ntitle: Counted\nstatus: published\ndate: 2022-04-27\n---\nBody.\n');
  const r = await run(['post', 'add', path.join(dir, 'p.md'), '--site', site.dir]);
  assert.equal(r.code, 0, r.stderr);
  postId = Number(r.stdout.split('\t')[0]);
  for (const [k, v] of [['comments_hold', 'none'], ['comments_min_seconds', '0']]) {
    const s = await run(['settings', 'set', k, v, '--site', site.dir]);
    assert.equal(s.code, 0, s.stderr);
  }
  srv = await startServer(site.dir);
});
shareServer(() => srv);

// One request from `from` (a loopback address) with these extra header
// lines; resolves with the response.
async function send(from, method, target, { headers = '', body = '', host = '127.0.0.1' } = {}) {
  const c = await RawConn.open(srv.port, { localAddress: from });
  try {
    const len = body ? `Content-Length: ${Buffer.byteLength(body)}\r\n` : '';
    await c.write(`${method} ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n${headers}${len}\r\n${body}`);
    return await c.readResponse({ timeout: 10000 });
  } finally {
    c.destroy();
  }
}

// The view beacon from `from` with these X-Forwarded-For lines: counted?
async function counted(from, ...xff) {
  const headers = `User-Agent: ${BROWSER_UA}\r\nContent-Type: application/json\r\n`
    + xff.map((v) => `X-Forwarded-For: ${v}\r\n`).join('');
  const r = await send(from, 'POST', `/api/v1/views/${postId}`, { headers, body: '{}' });
  assert.equal(r.status, 200, r.text);
  return JSON.parse(r.text).counted;
}

describe('X-Forwarded-For', () => {
  test('from a peer that is not a trusted proxy it is ignored: one reader, one view', async () => {
    // Before: any loopback peer was a proxy, so every made-up address was
    // a new reader.
    assert.equal(await counted('127.0.0.1', '198.51.100.1'), true, 'the peer itself is the reader');
    assert.equal(await counted('127.0.0.1', '198.51.100.2'), false, 'another X-Forwarded-For is still the same reader');
    assert.equal(await counted('127.0.0.1'), false, 'and so is none');
  });

  test('from a trusted proxy, the rightmost entry that is not a trusted proxy is the reader', async () => {
    assert.equal(await counted('127.0.0.2', '203.0.113.9, 198.51.100.3'), true);
    assert.equal(await counted('127.0.0.2', '203.0.113.8, 198.51.100.3'), false,
      'an entry the client wrote to the left changes nothing');
    // Before: the last entry, here the second proxy, was taken for the reader.
    assert.equal(await counted('127.0.0.2', 'forged, 198.51.100.3, 127.0.0.17'), false,
      'through two proxies, the same reader');
    assert.equal(await counted('127.0.0.2', '198.51.100.4 , 127.0.0.17'), true, 'a new reader through both');
    assert.equal(await counted('127.0.0.18', '127.0.0.17, 198.51.100.4'), false, 'a proxy of a CIDR range');
  });

  test('several X-Forwarded-For lines are one list (RFC 9110 section 5.3): a client cannot put its own first', async () => {
    // Before: only the first line was read, the one the client sent.
    assert.equal(await counted('127.0.0.2', '192.0.2.5', '198.51.100.6'), true);
    assert.equal(await counted('127.0.0.2', '192.0.2.7', '198.51.100.6'), false, 'the proxy\'s line decides');
  });

  test('an entry that is not an address ends the walk: the proxy that sent it is the reader', async () => {
    assert.equal(await counted('127.0.0.19', 'unknown'), true);
    assert.equal(await counted('127.0.0.19', '198.51.100.9, unknown'), false, 'still the proxy');
  });

  test('the comment rate limit counts the socket peer when it is not a trusted proxy', async () => {
    // Before: a new X-Forwarded-For per comment was a new address each time.
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      const body = JSON.stringify({ post_id: postId, author: 'R', email: 'r@example.org', body: `comment number ${i} here` });
      const r = await send('127.0.0.1', 'POST', '/api/v1/comments', {
        headers: `Content-Type: application/json\r\nX-Forwarded-For: 198.51.100.${50 + i}\r\n`, body,
      });
      statuses.push(r.status);
    }
    assert.deepEqual(statuses.slice(0, 3), [201, 201, 201]);
    assert.equal(statuses[3], 429, `the fourth within a minute is refused: ${statuses}`);
  });
});

describe('Host, with url set (DNS rebinding)', () => {
  let n = 0;
  const form = (id) => new URLSearchParams({
    post_id: String(id), author: 'A', email: 'a@example.org', body: `Hello there, number ${++n}.`,
  }).toString();
  const formHeaders = (origin) => `Content-Type: application/x-www-form-urlencoded\r\nOrigin: ${origin}\r\n`;

  test('a form POST whose Host and Origin name another host is refused with 403', async () => {
    // Before: Origin equal to Host passed the same-origin check.
    const r = await send('127.0.0.2', 'POST', '/comments', {
      host: 'rebound.example:8080', headers: formHeaders('http://rebound.example:8080'), body: form(postId),
    });
    assert.equal(r.status, 403);
    const login = await send('127.0.0.2', 'POST', '/login', {
      host: 'rebound.example', headers: formHeaders('http://rebound.example'), body: 'login=admin&password=x&csrf=x',
    });
    assert.equal(login.status, 403);
    const api = await send('127.0.0.2', 'POST', '/api/v1/comments', {
      host: 'rebound.example', headers: 'Content-Type: application/json\r\nOrigin: http://rebound.example\r\n',
      body: JSON.stringify({ post_id: postId, author: 'A', email: 'a@example.org', body: 'From a rebound page.' }),
    });
    assert.equal(api.status, 403);
    const views = await send('127.0.0.2', 'POST', `/api/v1/views/${postId}`, {
      host: 'rebound.example', headers: `User-Agent: ${BROWSER_UA}\r\nContent-Type: application/json\r\nOrigin: http://rebound.example\r\n`,
      body: '{}',
    });
    assert.equal(views.status, 403, 'no view counted from a rebound page');
  });

  test('the site\'s own host, or an address (a proxy that does not pass Host on), is accepted', async () => {
    const own = await send('127.0.0.2', 'POST', '/comments', {
      host: 'news.example.com', headers: `${formHeaders(SITE_URL)}X-Forwarded-For: 198.51.100.70\r\n`, body: form(postId),
    });
    assert.equal(own.status, 303, own.text);
    const bare = await send('127.0.0.2', 'POST', '/comments', {
      host: `127.0.0.1:${srv.port}`, headers: `${formHeaders(SITE_URL)}X-Forwarded-For: 198.51.100.71\r\n`, body: form(postId),
    });
    assert.equal(bare.status, 303, bare.text);
  });
});
