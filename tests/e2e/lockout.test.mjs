// One client must not lock every reader out (issue 13): with the connection
// cap (LIM_CONNECTIONS) filled by idle clients a new reader is answered at
// once, the idle connection waiting longest making room; a reader too slow
// to take its response is cut (LIM_SEND_SECONDS, LIM_SEND_MIN_BYTES); and
// one address that is not a trusted proxy holds at most
// LIM_CONNECTIONS_PER_ADDR connections. Raw sockets throughout; other
// loopback addresses (127.0.0.2, 127.0.0.3) stand for other clients.
import { test, describe, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { newSite, startServer, stopClean, cleanup, reportOnFailure } from './lib/gazette.mjs';
import { RawConn, getHead } from './lib/raw.mjs';
import { LIMITS } from './lib/limits.mjs';

after(cleanup);

// n connections, opened a batch at a time so the listen backlog never
// overflows; each one does what `then` says before the next batch.
async function openMany(n, port, then = async () => {}, opts = {}) {
  const conns = [];
  for (let i = 0; i < n; i += 64) {
    const batch = await Promise.all(Array.from({ length: Math.min(64, n - i) }, () => RawConn.open(port, opts)));
    await Promise.all(batch.map(then));
    conns.push(...batch);
  }
  return conns;
}

// An idle keep-alive connection: one request answered, then nothing.
async function served(c) {
  await c.write(getHead('/healthz'));
  const r = await c.readResponse({ timeout: 10000 });
  assert.equal(r?.status, 200);
}

// A busy connection: the head of a POST is in, its body is still coming.
async function busy(c) {
  await c.write('POST /api/v1/views/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{');
}

// One GET on a fresh connection: {status, ms}, status null when the server
// closed the connection without an answer or gave none within `timeout`.
async function reader(port, { timeout = 5000, localAddress } = {}) {
  const t0 = Date.now();
  const c = await RawConn.open(port, { localAddress });
  try {
    await c.write(getHead('/healthz'));
    const r = await c.readResponse({ timeout }).catch(() => null);
    return { status: r?.status ?? null, ms: Date.now() - t0 };
  } finally {
    c.destroy();
  }
}

// n idle keep-alive connections to port (the first served first, so that
// it has waited longest), then a new reader: it must be answered within a
// second, the connection idle longest closed to make room, the one idle
// shortest kept.
async function idleThenReader(port, n) {
  const conns = await openMany(1, port, served);
  await sleep(50);
  conns.push(...await openMany(n - 1, port, served));
  try {
    await sleep(200);
    const r = await reader(port);
    assert.equal(r.status, 200, 'the new reader is answered');
    assert.ok(r.ms < 1000, `answered in ${r.ms} ms`);
    assert.ok(await conns[0].waitClose(1000), 'the connection idle longest made room');
    assert.equal(conns[conns.length - 1].closed, false, 'the one idle shortest is kept');
  } finally {
    for (const c of conns) c.destroy();
  }
}

describe('the connection cap filled by idle clients', () => {
  let srv;
  before(async () => {
    srv = await startServer((await newSite()).dir);
  });
  afterEach((t) => reportOnFailure(t, srv));
  after(async () => stopClean(srv));

  test('LIM_CONNECTIONS idle keep-alive connections: a new reader is answered within a second, the longest idle is closed', async () => {
    // Before: the new reader waited in the listen backlog until an idle
    // connection timed out (25 s in the test).
    await idleThenReader(srv.port, LIMITS.LIM_CONNECTIONS);
  });

  test('LIM_CONNECTIONS connections that never send a request, reopened as they close, do not keep a reader out', async () => {
    // Before: 1,024 connections refreshed before the head deadline kept a
    // new reader out for as long as the attack lasted.
    let conns = await openMany(LIMITS.LIM_CONNECTIONS, srv.port);
    let stop = false;
    const refill = (async () => {
      while (!stop) {
        const open = conns.filter((c) => !c.closed);
        const lost = conns.length - open.length;
        conns = open;
        if (lost > 0) conns.push(...await Promise.all(Array.from({ length: lost }, () => RawConn.open(srv.port).catch(() => null)))
          .then((a) => a.filter(Boolean)));
        await sleep(20);
      }
    })();
    try {
      await sleep(200);
      for (let i = 0; i < 3; i++) {
        const r = await reader(srv.port);
        assert.equal(r.status, 200, `reader ${i} is answered`);
        assert.ok(r.ms < 1000, `reader ${i} answered in ${r.ms} ms`);
      }
    } finally {
      stop = true;
      await refill;
      for (const c of conns) c.destroy();
    }
  });
});

// Does the server still hold its end of the connection from clientPort?
// (/proc/net/tcp lists "local rem state ..." with ports in hex.)
function serverEnd(port, clientPort) {
  const hex = (n) => n.toString(16).toUpperCase().padStart(4, '0');
  const want = new RegExp(`^\\s*\\d+: [0-9A-F]+:${hex(port)} [0-9A-F]+:${hex(clientPort)} `, 'm');
  return want.test(readFileSync('/proc/net/tcp', 'utf8'));
}

describe('a reader too slow to take its response', () => {
  let srv;
  let file;
  const SIZE = 16 * 1024 * 1024; // far more than the socket buffers hold
  before(async () => {
    const site = await newSite();
    mkdirSync(path.join(site.dir, 'media'), { recursive: true });
    writeFileSync(path.join(site.dir, 'media', 'big.bin'), Buffer.alloc(SIZE, 7));
    file = '/media/big.bin';
    srv = await startServer(site.dir);
  });
  afterEach((t) => reportOnFailure(t, srv));
  after(async () => stopClean(srv));

  // Ask for the file and take `bytes` of it every `every` ms. Resolves
  // with a probe: {received(), closed(), destroy()}.
  function download(bytes, every) {
    return new Promise((resolve, reject) => {
      const sock = net.connect({ port: srv.port, host: '127.0.0.1' });
      let received = 0;
      let closed = false;
      let timer;
      sock.on('close', () => {
        closed = true;
        clearInterval(timer);
      });
      sock.on('error', () => {});
      sock.once('connect', () => {
        sock.write(getHead(file));
        // Paused mode: Node stops reading from the kernel once its own
        // buffer is full, so the server's writes go as fast as we read
        // (and a reset is seen at the next read).
        timer = setInterval(() => {
          let want = bytes;
          while (want > 0 && sock.readableLength > 0) {
            const chunk = sock.read(Math.min(want, sock.readableLength));
            if (chunk === null) break;
            received += chunk.length;
            want -= chunk.length;
          }
        }, every);
        resolve({
          received: () => received,
          // The server's end is gone: the reader itself may go on
          // reading what its kernel had buffered before the reset.
          closed: () => closed || !serverEnd(srv.port, sock.localPort),
          destroy: () => sock.destroy(),
        });
      });
      sock.once('error', reject);
    });
  }

  test('a reader taking 10 bytes every 3 s is cut within two LIM_SEND_SECONDS windows; one at four times LIM_SEND_MIN_BYTES a window is not', async () => {
    // Before: a response being sent had no deadline; a reader taking 10
    // bytes every 3 s was still connected after 87 s.
    const window = LIMITS.LIM_SEND_SECONDS * 1000;
    const t0 = Date.now();
    const stalled = await download(10, 3000);
    const slow = await download((4 * LIMITS.LIM_SEND_MIN_BYTES) / LIMITS.LIM_SEND_SECONDS / 10, 100);
    try {
      // The first window only counts what was taken; the second judges.
      while (!stalled.closed() && Date.now() - t0 < 2 * window + 2000) await sleep(100);
      const cut = Date.now() - t0;
      assert.ok(stalled.closed(), `the stalled reader is cut (still held after ${cut} ms)`);
      assert.ok(cut >= window, `not before one window (${cut} ms)`);
      const had = slow.received();
      await sleep(Math.max(0, 2.5 * window - (Date.now() - t0)));
      assert.equal(slow.closed(), false, 'the slow but steady reader is still being served');
      assert.ok(slow.received() > had, 'and still receiving');
      assert.ok(slow.received() < SIZE, 'the file outlasted the test, so the reader was really slow');
    } finally {
      stalled.destroy();
      slow.destroy();
    }
  });
});

describe('per address, unless a trusted proxy', () => {
  let srv;
  before(async () => {
    const site = await newSite();
    // 127.0.0.1 is a client here, not a proxy.
    writeFileSync(path.join(site.dir, 'gazette.conf'), 'trusted_proxies = 127.0.0.2\n');
    srv = await startServer(site.dir);
  });
  afterEach((t) => reportOnFailure(t, srv));
  after(async () => stopClean(srv));

  test('past LIM_CONNECTIONS_PER_ADDR busy connections from one address a new one is closed; other addresses are served', async () => {
    const conns = await openMany(LIMITS.LIM_CONNECTIONS_PER_ADDR, srv.port, busy);
    try {
      await sleep(200);
      const extra = await RawConn.open(srv.port);
      try {
        assert.ok(await extra.waitClose(1000), 'the connection past the cap is closed at once');
      } finally {
        extra.destroy();
      }
      const other = await reader(srv.port, { localAddress: '127.0.0.3' });
      assert.equal(other.status, 200, 'another address is served');
    } finally {
      for (const c of conns) c.destroy();
    }
    await sleep(300);
    assert.equal((await reader(srv.port)).status, 200, 'served again once they closed');
  });

  test('a trusted proxy carries many readers: more than LIM_CONNECTIONS_PER_ADDR of its connections are served', async () => {
    const opts = { localAddress: '127.0.0.2' };
    const conns = await openMany(LIMITS.LIM_CONNECTIONS_PER_ADDR, srv.port, busy, opts);
    try {
      await sleep(200);
      const r = await reader(srv.port, opts);
      assert.equal(r.status, 200);
    } finally {
      for (const c of conns) c.destroy();
    }
  });

  test('at LIM_CONNECTIONS_PER_ADDR idle connections a new one from the same address is served, its longest idle closed', async () => {
    await sleep(300);
    await idleThenReader(srv.port, LIMITS.LIM_CONNECTIONS_PER_ADDR);
  });
});
