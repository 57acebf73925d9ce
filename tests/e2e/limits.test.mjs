// Limits from src/util/limits.h that the other files do not cross: input to
// the CLI (titles, slugs, tags, source URLs, file sizes, logins, passwords,
// threads, gazette.conf), the connection count, idle keep-alive connections
// and query-string arguments. Each test crosses the limit by one and checks
// that the value at the limit still works where that is cheap.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnSync } from 'node:child_process';
import { run, newSite, startServer, cleanup, tempDir, get, stopClean } from './lib/gazette.mjs';
import { RawConn, getHead } from './lib/raw.mjs';
import { LIMITS } from './lib/limits.mjs';

let site;
let md;

before(async () => {
  site = await newSite();
  md = await tempDir('gazette-e2e-lim-');
});
after(cleanup);

function post(name, front, body = 'Body.\n') {
  const f = path.join(md, name);
  writeFileSync(f, `---\n${front}\n---\n${body}`);
  return run(['post', 'add', f, '--site', site.dir]);
}

function refused(r, what, re) {
  assert.equal(r.code, 2, `${what}: want exit 2, got ${r.code}; stderr: ${r.stderr}`);
  assert.equal(r.stderr.trim().split('\n').length, 1, `${what}: one line on stderr, got ${r.stderr}`);
  if (re) assert.match(r.stderr, re, what);
}

describe('post add limits', () => {
  test('a title of LIM_TITLE_BYTES is taken, one byte more is refused at its line', async () => {
    const ok = await post('t-ok.md', `title: ${'t'.repeat(LIMITS.LIM_TITLE_BYTES)}\nslug: long-title`);
    assert.equal(ok.code, 0, ok.stderr);
    refused(await post('t-bad.md', `title: ${'t'.repeat(LIMITS.LIM_TITLE_BYTES + 1)}\nslug: longer-title`),
      'long title', /t-bad\.md:2:/);
  });

  test('a slug of LIM_SLUG_BYTES is taken, one byte more is refused', async () => {
    const ok = await post('s-ok.md', `title: S\nslug: ${'s'.repeat(LIMITS.LIM_SLUG_BYTES)}`);
    assert.equal(ok.code, 0, ok.stderr);
    refused(await post('s-bad.md', `title: S2\nslug: ${'s'.repeat(LIMITS.LIM_SLUG_BYTES + 1)}`),
      'long slug', /s-bad\.md:3:/);
  });

  test('a slug made from a very long title is cut to LIM_SLUG_BYTES', async () => {
    const r = await post('auto.md', `title: ${'word '.repeat(100)}\nstatus: published\ndate: 2021-01-02`);
    assert.equal(r.code, 0, r.stderr);
    const slug = decodeURIComponent(new URL(r.stdout.split('\t')[1].trim()).pathname.split('/')[4]);
    assert.ok(slug.length > 0 && Buffer.byteLength(slug) <= LIMITS.LIM_SLUG_BYTES, `slug of ${Buffer.byteLength(slug)} bytes`);
  });

  test('LIM_TAGS tags are taken, one more is refused; a tag over LIM_TAG_BYTES is refused', async () => {
    const tags = (n) => Array.from({ length: n }, (_, i) => `tag${i}`).join(', ');
    const ok = await post('tags-ok.md', `title: Tags OK\ntags: ${tags(LIMITS.LIM_TAGS)}`);
    assert.equal(ok.code, 0, ok.stderr);
    refused(await post('tags-bad.md', `title: Tags bad\ntags: ${tags(LIMITS.LIM_TAGS + 1)}`), 'too many tags', /tags-bad\.md:3:/);
    refused(await post('tag-long.md', `title: Tag long\ntags: ${'x'.repeat(LIMITS.LIM_TAG_BYTES + 1)}`), 'long tag', /tag-long\.md:3:/);
  });

  test('a source URL over LIM_URL_FIELD_BYTES is refused, and so is one that is not http(s)', async () => {
    const url = 'https://example.org/' + 'p'.repeat(LIMITS.LIM_URL_FIELD_BYTES);
    refused(await post('src-long.md', `title: Src\nsource: ${url}`), 'long source', /src-long\.md:3:/);
    refused(await post('src-js.md', 'title: Src js\nsource: javascript:alert(1)'), 'javascript source', /src-js\.md:3:/);
  });

  test('a file over LIM_POST_SRC_BYTES is refused without writing anything', async () => {
    const r = await post('huge.md', 'title: Huge\nslug: huge', 'x'.repeat(LIMITS.LIM_POST_SRC_BYTES));
    refused(r, 'huge file', /huge\.md/);
  });
});

describe('user add limits', () => {
  test('a login over LIM_LOGIN_BYTES is refused; one of LIM_LOGIN_BYTES is taken', async () => {
    const ok = await run(['user', 'add', 'u'.repeat(LIMITS.LIM_LOGIN_BYTES), '--role', 'author', '--site', site.dir],
      { input: 'a good password\n' });
    assert.equal(ok.code, 0, ok.stderr);
    refused(await run(['user', 'add', 'v'.repeat(LIMITS.LIM_LOGIN_BYTES + 1), '--role', 'author', '--site', site.dir],
      { input: 'a good password\n' }), 'long login');
  });

  test('a password shorter than LIM_PASSWORD_MIN or longer than LIM_PASSWORD_BYTES is refused', async () => {
    refused(await run(['user', 'add', 'shorty', '--role', 'author', '--site', site.dir],
      { input: 'p'.repeat(LIMITS.LIM_PASSWORD_MIN - 1) + '\n' }), 'short password', /shorter/);
    refused(await run(['user', 'add', 'longy', '--role', 'author', '--site', site.dir],
      { input: 'p'.repeat(LIMITS.LIM_PASSWORD_BYTES + 1) + '\n' }), 'long password', /longer/);
    const ok = await run(['user', 'add', 'exact', '--role', 'author', '--site', site.dir],
      { input: 'p'.repeat(LIMITS.LIM_PASSWORD_MIN) + '\n' });
    assert.equal(ok.code, 0, ok.stderr);
  });
});

describe('serve and gazette.conf limits', () => {
  test('--threads over LIM_THREADS is bad usage', async () => {
    refused(await run(['serve', '--site', site.dir, '--listen', '127.0.0.1:0', '--threads', String(LIMITS.LIM_THREADS + 1)]),
      'too many threads', /threads/);
  });

  test('a gazette.conf over LIM_CONF_BYTES is refused', async () => {
    const s = await newSite();
    writeFileSync(path.join(s.dir, 'gazette.conf'), `; ${'x'.repeat(LIMITS.LIM_CONF_BYTES)}\n`);
    refused(await run(['serve', '--site', s.dir, '--listen', '127.0.0.1:0']), 'big conf', /gazette\.conf/);
  });
});

describe('connections', () => {
  let srv;
  before(async () => {
    srv = await startServer(site.dir);
  });
  after(async () => stopClean(srv));

  test('a query argument after the first LIM_QUERY_ARGS is not read', async () => {
    const filler = Array.from({ length: LIMITS.LIM_QUERY_ARGS - 1 }, (_, i) => `a${i}=1`).join('&');
    // ?p=ID redirects (WordPress shortlinks); as argument LIM_QUERY_ARGS it is read...
    const within = await get(`${srv.url}/?${filler}&p=1`);
    // ...as argument LIM_QUERY_ARGS + 1 it is not, and the front page is served.
    const beyond = await get(`${srv.url}/?${filler}&a=1&p=1`);
    assert.notEqual(within.status, 200, 'the LIM_QUERY_ARGS-th argument is read');
    assert.equal(beyond.status, 200, 'an argument past LIM_QUERY_ARGS is ignored');
  });

  test('past LIM_CONNECTIONS busy connections a new one waits; the server recovers', async () => {
    // Busy: each has sent the head of a POST and part of its body.
    // (Idle ones make room instead: lockout.test.mjs.)
    const socks = [];
    const open = () => new Promise((resolve) => {
      const s = net.connect({ port: srv.port, host: '127.0.0.1' });
      s.on('connect', () => {
        s.write('POST /api/v1/views/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\n{');
        resolve(s);
      });
      s.on('error', () => resolve(s));
    });
    try {
      for (let i = 0; i < LIMITS.LIM_CONNECTIONS; i++) socks.push(await open());
      // Let the server accept them all.
      await new Promise((r) => setTimeout(r, 500));
      const extra = await RawConn.open(srv.port);
      await extra.write(getHead('/healthz'));
      const res = await extra.readResponse({ timeout: 3000 }).catch(() => null);
      extra.destroy();
      assert.equal(res, null, 'connection LIM_CONNECTIONS + 1 gets no answer while all are busy');
    } finally {
      for (const s of socks) s.destroy();
    }
    await new Promise((r) => setTimeout(r, 500));
    const after = await get(`${srv.url}/healthz`);
    assert.equal(after.status, 200, 'served again once the connections closed');
  });

  test('a kept-alive connection left idle is closed within LIM_IDLE_SECONDS + 5 s', async () => {
    const c = await RawConn.open(srv.port);
    try {
      await c.write(getHead('/healthz'));
      const res = await c.readResponse({ timeout: 5000 });
      assert.equal(res.status, 200);
      const t0 = Date.now();
      const closed = await c.waitClose((LIMITS.LIM_IDLE_SECONDS + 5) * 1000);
      assert.ok(closed, 'the server closed the idle connection');
      assert.ok(Date.now() - t0 >= (LIMITS.LIM_IDLE_SECONDS - 2) * 1000, 'not before the idle timeout');
    } finally {
      c.destroy();
    }
  });
});

// One server thread holds at most LIM_WORKER_CONNECTIONS; past that the
// server starts another (src/http/server.c says why: libmicrohttpd's epoll
// loop slept through a thread's requests when exactly 128 were waiting).
describe('connections on one thread', () => {
  let srv;
  before(async () => {
    srv = await startServer(site.dir, { args: ['--threads', '1'] });
  });
  after(async () => stopClean(srv));

  // The server's threads that serve connections (libmicrohttpd names them).
  const servingThreads = () => readdirSync(`/proc/${srv.proc.pid}/task`)
    .filter((t) => {
      try {
        return readFileSync(`/proc/${srv.proc.pid}/task/${t}/comm`, 'utf8').startsWith('MHD-');
      } catch {
        return false; // the thread ended meanwhile
      }
    }).length;

  async function openServed(n) {
    const conns = [];
    for (let i = 0; i < n; i++) conns.push(await RawConn.open(srv.port));
    await Promise.all(conns.map(async (c) => {
      await c.write(getHead('/healthz'));
      const r = await c.readResponse({ timeout: 5000 });
      assert.equal(r?.status, 200);
    }));
    return conns;
  }

  test('LIM_WORKER_CONNECTIONS connections stay on one thread; one more starts a second', async () => {
    const conns = await openServed(LIMITS.LIM_WORKER_CONNECTIONS);
    try {
      assert.equal(servingThreads(), 1, 'at the limit: the --threads 1 thread only');
      conns.push(...await openServed(1));
      assert.equal(servingThreads(), 2, 'one past the limit: a second thread');
    } finally {
      for (const c of conns) c.destroy();
    }
  });

  test('128 connections whose requests all wait at once are all answered', async () => {
    // The server stopped while every connection sends a request, so that
    // its thread finds all 128 waiting when it runs again: on one thread,
    // libmicrohttpd then slept until the idle timeout.
    const conns = await openServed(128);
    try {
      process.kill(srv.proc.pid, 'SIGSTOP');
      try {
        await Promise.all(conns.map((c) => c.write(getHead('/healthz'))));
        await sleep(200);
      } finally {
        process.kill(srv.proc.pid, 'SIGCONT');
      }
      await Promise.all(conns.map(async (c) => {
        const r = await c.readResponse({ timeout: 5000 });
        assert.equal(r?.status, 200);
      }));
    } finally {
      for (const c of conns) c.destroy();
    }
  });

  test('out of file descriptors, the server says so and serves the waiting clients once some close', async () => {
    // The process may hold few descriptors; the clients past that wait
    // in the listen backlog while accept() fails.
    const fds = () => readdirSync(`/proc/${srv.proc.pid}/fd`).length;
    // The connections of the tests before close on the server's side
    // when it reads their end: wait until the count stands still.
    let have = fds();
    for (let i = 0; i < 50; i++) {
      await sleep(100);
      if (fds() === have) break;
      have = fds();
    }
    const r = spawnSync('prlimit', [`--pid=${srv.proc.pid}`, `--nofile=${have + 20}:${have + 20}`]);
    assert.equal(r.status, 0, `prlimit: ${r.stderr}`);
    const conns = [];
    try {
      for (let i = 0; i < 40; i++) conns.push(await RawConn.open(srv.port));
      await Promise.all(conns.map((c) => c.write(getHead('/healthz'))));
      await sleep(500);
      assert.match(srv.stderr(), /accept: Too many open files/);
      const first = conns.splice(0, 25);
      for (const c of first) c.destroy();
      await Promise.all(conns.map(async (c) => {
        const res = await c.readResponse({ timeout: 5000 });
        assert.equal(res?.status, 200);
      }));
    } finally {
      for (const c of conns) c.destroy();
      spawnSync('prlimit', [`--pid=${srv.proc.pid}`, '--nofile=65536:65536']);
    }
  });
});
