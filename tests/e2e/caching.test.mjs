// HTTP caching done right (RFC 9110/9111): ETag and Last-Modified on pages
// and feeds, 304 on a second fetch with the validators, gzip when accepted
// with Vary: Accept-Encoding, a Cache-Control that lets a shared cache keep
// anonymous pages briefly, and HEAD everywhere GET works.
import { test, describe, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { newSite, startServer, cleanup, get, run, stopClean, reportOnFailure, siteSql, ON_PG } from './lib/gazette.mjs';
import { LIMITS } from './lib/limits.mjs';
import { RawConn, getHead } from './lib/raw.mjs';

let site;
let srv;
let post;

// fetch() always asks for gzip and decodes it; raw sockets show the bytes.
async function raw(target, headers = '', method = 'GET') {
  const c = await RawConn.open(srv.port);
  try {
    await c.write(getHead(target, { extra: headers, method, close: true }));
    return await c.readResponse({ timeout: 10000, head: method === 'HEAD' });
  } finally {
    c.destroy();
  }
}

before(async () => {
  site = await newSite({ demo: true, demoArgs: ['--posts', '12', '--comments', '20'] });
  srv = await startServer(site.dir);
  const home = await get(`${srv.url}/`);
  post = /<h2><a href="(\/\d{4}\/[^"]+)"/.exec(home.text)[1];
});
afterEach((t) => reportOnFailure(t, srv));
after(async () => {
  try {
    await stopClean(srv);
  } finally {
    await cleanup();
  }
});

describe('validators', () => {
  for (const target of ['/', '/page/2/', 'POST', '/category/news/', '/about/', '/feed/', '/feed/atom/', '/static/site.css']) {
    test(`${target}: a second fetch with If-None-Match is 304 with no body`, async () => {
      const t = target === 'POST' ? post : target;
      const first = await raw(t);
      assert.equal(first.status, 200, `${t}: ${first.status}`);
      const etag = first.headers.etag;
      assert.match(etag, /^"[0-9a-f]{16}"$/);
      const second = await raw(t, `If-None-Match: ${etag}\r\n`);
      assert.equal(second.status, 304);
      assert.equal(second.body.length, 0);
      assert.equal(second.headers.etag, etag);
      const other = await raw(t, 'If-None-Match: "0000000000000000"\r\n');
      assert.equal(other.status, 200, 'a different ETag gets the page');
    });
  }

  test('every worker answers the same page with the same ETag, a second later too', async () => {
    // Each connection may land on another worker thread; a page rendered
    // by each worker on its own would carry its own form stamp and ETag.
    const first = await raw(post);
    await new Promise((res) => setTimeout(res, 1100));
    const answers = await Promise.all(Array.from({ length: 8 }, () =>
      raw(post, `If-None-Match: ${first.headers.etag}\r\n`)));
    assert.deepEqual(answers.map((a) => a.status), Array(8).fill(304));
  });

  test('a post has Last-Modified; If-Modified-Since at or after it is 304, before it 200', async () => {
    const first = await raw(post);
    const lm = first.headers['last-modified'];
    assert.match(lm, /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    assert.equal((await raw(post, `If-Modified-Since: ${lm}\r\n`)).status, 304);
    const before = new Date(Date.parse(lm) - 3600 * 1000).toUTCString();
    assert.equal((await raw(post, `If-Modified-Since: ${before}\r\n`)).status, 200);
  });

  test('If-Modified-Since in each of the three date forms RFC 9110 section 5.6.7 makes recipients accept', async () => {
    // Before: only the IMF-fixdate form was read; the other two got a 200.
    const lm = (await raw(post)).headers['last-modified'];
    const d = new Date(Date.parse(lm));
    const pad = (n) => String(n).padStart(2, '0');
    const days = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
    const mon = lm.split(' ')[2];
    const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
    const rfc850 = `${days[d.getUTCDay()]}, ${pad(d.getUTCDate())}-${mon}-${pad(d.getUTCFullYear() % 100)} ${time} GMT`;
    const asctime = `${lm.slice(0, 3)} ${mon} ${String(d.getUTCDate()).padStart(2, ' ')} ${time} ${d.getUTCFullYear()}`;
    for (const date of [lm, rfc850, asctime]) {
      assert.equal((await raw(post, `If-Modified-Since: ${date}\r\n`)).status, 304, date);
    }
    const earlier = new Date(d.getTime() - 3600 * 1000);
    const asctimeEarlier = `${earlier.toUTCString().slice(0, 3)} ${mon} ${String(earlier.getUTCDate()).padStart(2, ' ')} `
      + `${pad(earlier.getUTCHours())}:${time.slice(3)} ${earlier.getUTCFullYear()}`;
    assert.equal((await raw(post, `If-Modified-Since: ${asctimeEarlier}\r\n`)).status, 200, asctimeEarlier);
    assert.equal((await raw(post, 'If-Modified-Since: yesterday\r\n')).status, 200, 'not a date: ignored');
  });

  test('a new comment changes the post page, its ETag and its Last-Modified', async () => {
    const first = await raw(post);
    const slug = decodeURIComponent(post.split('/')[4]);
    const later = Math.floor(Date.parse(first.headers['last-modified']) / 1000) + 60;
    siteSql(site.dir, `UPDATE posts SET comment_count = comment_count + 1, activity_at = ${later} WHERE slug = '${slug}'`);
    await new Promise((res) => setTimeout(res, 300));
    const second = await raw(post, `If-None-Match: ${first.headers.etag}\r\n`);
    assert.equal(second.status, 200, 'the changed page is sent again');
    assert.notEqual(second.headers.etag, first.headers.etag);
    assert.equal((await raw(post, `If-Modified-Since: ${first.headers['last-modified']}\r\n`)).status, 200);
  });
});

describe('gzip', () => {
  test('Accept-Encoding: gzip gets a gzip body that decodes to the page, with Vary', async () => {
    const plain = await raw(post);
    const gz = await raw(post, 'Accept-Encoding: gzip, deflate, br\r\n');
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.match(gz.headers.vary, /Accept-Encoding/);
    assert.match(plain.headers.vary, /Accept-Encoding/);
    assert.ok(gz.body.length < plain.body.length, 'smaller');
    assert.equal(gunzipSync(gz.body).toString('utf8'), plain.body.toString('utf8'));
    assert.notEqual(gz.headers.etag, plain.headers.etag, 'each coding has its own ETag');
    assert.equal((await raw(post, `Accept-Encoding: gzip\r\nIf-None-Match: ${gz.headers.etag}\r\n`)).status, 304);
  });

  test('gzip;q=0 or no Accept-Encoding gets identity', async () => {
    assert.equal((await raw(post, 'Accept-Encoding: gzip;q=0\r\n')).headers['content-encoding'], undefined);
    assert.equal((await raw(post)).headers['content-encoding'], undefined);
  });
});

describe('Cache-Control and HEAD', () => {
  test('anonymous pages may sit in a shared cache briefly; the JSON API and errors may not', async () => {
    const page = await raw('/');
    assert.match(page.headers['cache-control'], /public/);
    assert.match(page.headers['cache-control'], /s-maxage=\d+/);
    const css = await raw('/static/site.css');
    assert.match(css.headers['cache-control'], /max-age=3600/);
    const bad = await raw('/%zz/');
    assert.equal(bad.status, 400);
    assert.match(bad.headers['cache-control'], /no-store/);
  });

  // render;dur=MS, and on PostgreSQL the page's waits for the database
  const TIMING_RE = /^render;dur=(\d+\.\d{3})(?:, db;desc="(\d+) round trips")?$/;

  test('a page made for the request says its CPU time (Server-Timing render); one from the cache does not', async () => {
    // a path no test has fetched yet: the first answer is made, the next kept
    const t = `${post}?st=${Date.now()}`;
    const made = await raw(t);
    assert.equal(made.status, 200);
    const m = TIMING_RE.exec(made.headers['server-timing'] || '');
    assert.ok(m, `Server-Timing on a render: ${made.headers['server-timing']}`);
    assert.ok(Number(m[1]) > 0 && Number(m[1]) < 60000, m[1]);
    assert.equal(m[2] !== undefined, ON_PG, `round trips said on PostgreSQL alone: ${m[0]}`);
    const kept = await raw(t);
    assert.equal(kept.status, 200);
    assert.equal(kept.headers['server-timing'], undefined, 'a cached copy does not repeat the render time');
    assert.equal(kept.headers.etag, made.headers.etag);
  });

  // Decision 101: after its row, an article's video, neighbours and
  // threads go to PostgreSQL in one pipeline, so a page costs BEGIN with
  // the post, its tags, that batch and COMMIT.  A read of the page bound
  // to other values than the ones sent would run again and show here.
  // The first renders on each worker prepare their statements (more
  // round trips); the least of the later ones is the page's cost.
  test('an article made on PostgreSQL waits for the database 4 times (Server-Timing db)', { skip: !ON_PG && 'PostgreSQL alone: SQLite has no round trips' }, async () => {
    const said = [];
    for (let i = 0; i < 12; i++) {
      const r = await raw(`${post}?rt=${Date.now()}-${i}`);
      assert.equal(r.status, 200);
      const m = TIMING_RE.exec(r.headers['server-timing'] || '');
      assert.ok(m && m[2] !== undefined, `Server-Timing: ${r.headers['server-timing']}`);
      said.push(Number(m[2]));
    }
    assert.equal(Math.min(...said.slice(6)), 4, `round trips of each render: ${said}`);
  });

  // A page read again is sent from a response made once (http.h, struct
  // ready): what a reader gets must not change with the number of reads.
  test('a page read many times answers as on its first read: body, headers, gzip, HEAD, 304', async () => {
    const t = `${post}?many=${Date.now()}`;
    const same = (h) => Object.entries(h).filter(([k]) => k !== 'date' && k !== 'server-timing')
      .map(([k, v]) => `${k}: ${v}`).sort().join('\n');
    for (const enc of ['', 'Accept-Encoding: gzip\r\n']) {
      const first = await raw(t, enc);
      assert.equal(first.status, 200);
      for (let i = 0; i < 4; i++) {
        const again = await raw(t, enc);
        assert.equal(again.status, 200);
        assert.ok(again.body.equals(first.body), `read ${i + 2} (${enc.trim() || 'identity'}): the same bytes`);
        assert.equal(same(again.headers), same(first.headers), `read ${i + 2}: the same headers`);
        const head = await raw(t, enc, 'HEAD');
        assert.equal(same(head.headers), same(first.headers), 'HEAD: the same headers');
        assert.equal(head.body.length, 0);
      }
      if (enc) assert.equal(gunzipSync(first.body).toString('utf8').includes('</html>'), true);
      const nm = await raw(t, `${enc}If-None-Match: ${first.headers.etag}\r\n`);
      assert.equal(nm.status, 304, `${enc.trim() || 'identity'}: its ETag still matches`);
      assert.equal(nm.headers.etag, first.headers.etag);
    }
    // An answer that must close the connection (a request framed both
    // ways, RFC 9112 section 6.1) says so also for a page read often.
    const c = await RawConn.open(srv.port);
    try {
      await c.write(`GET ${t} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n` +
        'Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n');
      const r = await c.readResponse({ timeout: 10000 });
      assert.equal(r.status, 200);
      assert.equal(r.headers.connection, 'close');
      assert.equal(await c.waitClose(5000), true, 'the server closed the connection');
    } finally {
      c.destroy();
    }
  });

  test('HEAD works wherever GET does, with the same headers and no body', async () => {
    for (const t of ['/', post, '/category/news/', '/tag/transcripts/', '/about/', '/books/', '/feed/',
      '/sitemap.xml', '/robots.txt', '/static/site.css', '/no-such-page/']) {
      const g = await raw(t);
      const h = await raw(t, '', 'HEAD');
      assert.equal(h.status, g.status, t);
      assert.equal(h.body.length, 0, t);
      assert.equal(h.headers['content-type'], g.headers['content-type'], t);
      assert.equal(h.headers['content-length'], g.headers['content-length'], t);
    }
  });
});

// Issue 12: on a site being read, view counts and a comment on one post
// must not throw away every other cached page. Its own server and site
// (comments shown at once), so the pages' stamps are its own.
describe('what a view and a comment invalidate', () => {
  const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
  let s2;
  let srv2;
  let postA;
  let postB;

  async function raw2(target, headers = '') {
    const c = await RawConn.open(srv2.port);
    try {
      await c.write(getHead(target, { extra: headers, close: true }));
      return await c.readResponse({ timeout: 10000 });
    } finally {
      c.destroy();
    }
  }

  async function postId(target) {
    return Number(/data-post-id="(\d+)"/.exec((await raw2(target)).body.toString('utf8'))[1]);
  }

  before(async () => {
    s2 = await newSite({ demo: true, demoArgs: ['--posts', '6', '--comments', '0'] });
    for (const [k, v] of [['comments_hold', 'none'], ['comments_min_seconds', '0']]) {
      const r = await run(['settings', 'set', k, v, '--site', s2.dir]);
      assert.equal(r.code, 0, r.stderr);
    }
    srv2 = await startServer(s2.dir);
    const home = (await get(`${srv2.url}/`)).text;
    [postA, postB] = [...home.matchAll(/<h2><a href="(\/\d{4}\/[^"]+)"/g)].map((m) => m[1]);
    assert.ok(postA && postB && postA !== postB);
  });
  after(() => stopClean(srv2));
  afterEach((t) => reportOnFailure(t, srv2));

  test("views and a comment on post A leave post B's cached page and ETag as they were", async () => {
    const b0 = await raw2(postB);
    const a0 = await raw2(postA);
    const idA = await postId(postA);
    const stored = () => Number(siteSql(s2.dir, `SELECT views_total FROM posts WHERE id = ${idA}`));
    const v0 = stored();
    for (let i = 1; i <= 5; i++) {
      const r = await fetch(`${srv2.url}/api/v1/views/${idA}`, {
        method: 'POST', body: '{}',
        headers: { 'Content-Type': 'application/json', 'User-Agent': UA, 'X-Forwarded-For': `198.51.100.${i}` },
      });
      assert.deepEqual((await r.json()).counted, true);
    }
    // past a flush of those views into the database
    for (let until = Date.now() + 5000; ;) {
      if (stored() === v0 + 5) break;
      assert.ok(Date.now() < until, 'the views were not flushed within 5 s');
      await new Promise((res) => setTimeout(res, 50));
    }
    // views alone: neither page is rendered again
    assert.equal((await raw2(postA, `If-None-Match: ${a0.headers.etag}\r\n`)).status, 304);
    assert.equal((await raw2(postB, `If-None-Match: ${b0.headers.etag}\r\n`)).status, 304);
    const c = await fetch(`${srv2.url}/api/v1/comments`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: srv2.url, 'X-Forwarded-For': '198.51.100.77' },
      body: JSON.stringify({ post_id: idA, author: 'Reader', body: 'A comment that only post A shows.' }),
    });
    assert.equal(c.status, 201, await c.text());
    // A shows it at once; B is the same page it was
    const a1 = await raw2(postA, `If-None-Match: ${a0.headers.etag}\r\n`);
    assert.equal(a1.status, 200);
    assert.match(a1.body.toString('utf8'), /A comment that only post A shows\./);
    const b1 = await raw2(postB, `If-None-Match: ${b0.headers.etag}\r\n`);
    assert.equal(b1.status, 304, 'post B was not rendered again');
    assert.equal(b1.headers.etag, b0.headers.etag);
    // and A's comment feed follows
    assert.match((await get(`${srv2.url}${postA}feed/`)).text, /A comment that only post A shows\./);
  });

  test('a post saved elsewhere (another process) drops every page', async () => {
    const b0 = await raw2(postB);
    siteSql(s2.dir, "UPDATE settings SET value = 'Changed elsewhere' WHERE key = 'title'");
    for (let until = Date.now() + 5000; ;) {
      const b1 = await raw2(postB, `If-None-Match: ${b0.headers.etag}\r\n`);
      if (b1.status === 200) {
        assert.match(b1.body.toString('utf8'), /Changed elsewhere/);
        break;
      }
      assert.ok(Date.now() < until, 'post B still cached 5 s after the title changed');
      await new Promise((res) => setTimeout(res, 50));
    }
  });
});

describe('cache_mb in gazette.conf and --cache-mb', () => {
  test(`past LIM_CACHE_MB_MAX (${LIMITS.LIM_CACHE_MB_MAX}) serve refuses to start, naming the line`, async () => {
    const s3 = await newSite();
    writeFileSync(path.join(s3.dir, 'gazette.conf'), `threads = 1\ncache_mb = ${LIMITS.LIM_CACHE_MB_MAX + 1}\n`);
    const r = await run(['serve', '--site', s3.dir, '--listen', '127.0.0.1:0']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /gazette\.conf:2: unknown key or bad value/);
    writeFileSync(path.join(s3.dir, 'gazette.conf'), `cache_mb = ${LIMITS.LIM_CACHE_MB_MAX}\n`);
    const flag = await run(['serve', '--site', s3.dir, '--listen', '127.0.0.1:0', '--cache-mb', String(LIMITS.LIM_CACHE_MB_MAX + 1)]);
    assert.equal(flag.code, 2, flag.stderr);
    assert.match(flag.stderr, /--cache-mb takes 0 to \d+/);
    const srv3 = await startServer(s3.dir);
    try {
      assert.equal((await get(`${srv3.url}/`)).status, 200);
    } finally {
      await stopClean(srv3);
    }
  });

  test('cache_mb = 0: no page is kept, every request is rendered', async () => {
    const s3 = await newSite({ demo: true, demoArgs: ['--posts', '3', '--comments', '0'] });
    writeFileSync(path.join(s3.dir, 'gazette.conf'), 'cache_mb = 0\n');
    const srv3 = await startServer(s3.dir);
    try {
      const r1 = await get(`${srv3.url}/`);
      // the page carries the comment form's stamp only on posts; a list
      // shows the render's view counts: a view counted shows at once
      const first = /<h2><a href="(\/\d{4}\/[^"]+)"/.exec(r1.text)[1];
      const p1 = await get(srv3.url + first);
      const id = Number(/data-post-id="(\d+)"/.exec(p1.text)[1]);
      const before = Number(/<span data-views>(\d+)<\/span>/.exec(p1.text)[1]);
      const v = await fetch(`${srv3.url}/api/v1/views/${id}`, {
        method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json', 'User-Agent': UA0 },
      });
      assert.equal((await v.json()).counted, true);
      const p2 = await get(srv3.url + first);
      assert.equal(Number(/<span data-views>(\d+)<\/span>/.exec(p2.text)[1]), before + 1);
    } finally {
      await stopClean(srv3);
    }
  });
});

const UA0 = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
