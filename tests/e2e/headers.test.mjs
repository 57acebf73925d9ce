// Security headers on every answer (issue 13, item 7: only the admin sent a
// Content-Security-Policy, X-Frame-Options and nosniff, so the comment and
// post-password forms could be framed).
//
// The route table is read from src/site/site.c (`routes[]`), as
// lib/limits.mjs reads limits.h: every pattern becomes a concrete path
// ("#" a number, ":" a word, "*" a file) and is asked with each method it
// takes, signed out and signed in as an admin (changes without their CSRF
// token); whatever the status (200, 303, 4xx), the answer must carry the
// headers.  So must cache hits, 304s, unmatched paths, 405s and the
// refusals the server makes before any route (414, 431, 413).  In
// Chromium: the post page runs its scripts under the policy with no
// violation, and a page of another origin cannot frame the post page or
// the login form.
import { test, describe, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { LIMITS } from './lib/limits.mjs';
import {
  REPO_ROOT, newSite, startServer, get, cleanup, stopClean, reportOnFailure, PERMALINK_RE,
} from './lib/gazette.mjs';
import { addUser, login } from './lib/admin.mjs';
import { CHROMIUM, CHROMIUM_ARGS, collectErrors } from './lib/browser.mjs';
import { RawConn } from './lib/raw.mjs';

const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) '
  + 'Chrome/120.0.0.0 Safari/537.36';

let site;
let srv;
let boss;
let post; // a post's path

before(async () => {
  site = await newSite({ demo: true, demoArgs: ['--posts', '12', '--comments', '60'] });
  await addUser(site.dir, 'boss', 'admin');
  srv = await startServer(site.dir);
  boss = await login(srv, 'boss');
  const home = await get(`${srv.url}/`);
  post = [...home.text.matchAll(/href="([^"]+)"/g)].map((m) => m[1]).find((h) => PERMALINK_RE.test(h));
  assert.ok(post, 'the front page links a post');
});

after(async () => {
  await stopClean(srv);
  await cleanup();
});
afterEach((t) => reportOnFailure(t, srv));

// Every route the server answers, from the tables of src/site/site.c and
// src/admin/admin.c: [{methods: ['GET', ...], pattern}].
function routeTable() {
  // The site's own routes, the admin's (handed to the site by serve) and
  // the catch-all page last, in the order the server tries them.
  const out = [];
  for (const [file, name] of [['site', 'routes'], ['admin', 'admin_routes'], ['site', 'routes_last']]) {
    const src = readFileSync(path.join(REPO_ROOT, 'src', file, `${file}.c`), 'utf8');
    const start = src.indexOf(`const struct route ${name}[] = {`);
    assert.ok(start >= 0, `${file} has ${name}[]`);
    const body = src.slice(start, src.indexOf('\n};', start)).replace(/\/\*[\s\S]*?\*\//g, '');
    const before = out.length;
    for (const m of body.matchAll(/\{\s*([^{}"]+?),\s*"([^"]*)",\s*(\w+)\s*\}/g)) {
      const methods = [];
      if (/\bROUTE_GET\b/.test(m[1])) methods.push('GET', 'HEAD');
      if (/\bROUTE_POST\b/.test(m[1])) methods.push('POST');
      for (const x of m[1].matchAll(/HTTP_(PUT|DELETE|POST|GET|HEAD)\b/g)) if (!methods.includes(x[1])) methods.push(x[1]);
      assert.ok(methods.length > 0, `methods of ${m[2]}: ${m[1]}`);
      out.push({ methods, pattern: m[2], handler: m[3] });
    }
    // Every string in the table was read as a route: a change of layout that
    // this parser misses fails here rather than testing nothing.
    assert.equal(out.length - before, [...body.matchAll(/"\/[^"]*"/g)].length, `every entry of ${name}[] parsed`);
  }
  return out;
}

// A path the pattern matches.
function concrete(pattern) {
  return pattern
    .replace(/^\/static\/:$/, '/static/site.css')
    .replace(/^\/sitemap-:$/, '/sitemap-1.xml')
    .replace(/#/g, '1')
    .replace(/:/g, 'x')
    .replace(/\*$/, 'x.pdf');
}

// The policy, as {directive: [values]}.
function directives(csp) {
  const out = {};
  for (const d of csp.split(';')) {
    const [k, ...v] = d.trim().split(/\s+/);
    if (k) out[k.toLowerCase()] = v;
  }
  return out;
}

// headers: a fetch Headers, or a plain object of lower-case names.
function assertSecure(headers, where, { referrer = ['strict-origin-when-cross-origin', 'same-origin'] } = {}) {
  const h = (k) => (typeof headers.get === 'function' ? headers.get(k) : headers[k]) ?? null;
  const csp = h('content-security-policy');
  assert.ok(csp, `${where}: no Content-Security-Policy`);
  const d = directives(csp);
  assert.deepEqual(d['frame-ancestors'], ["'none'"], `${where}: frame-ancestors in ${csp}`);
  for (const k of ['script-src', 'style-src']) {
    const v = d[k] ?? d['default-src'];
    assert.ok(v, `${where}: no ${k} or default-src in ${csp}`);
    for (const bad of ["'unsafe-inline'", "'unsafe-eval'", '*', 'data:', 'http:', 'https:']) {
      assert.ok(!v.includes(bad), `${where}: ${k} allows ${bad}: ${csp}`);
    }
  }
  assert.equal(h('x-frame-options'), 'DENY', `${where}: X-Frame-Options`);
  assert.equal(h('x-content-type-options'), 'nosniff', `${where}: X-Content-Type-Options`);
  assert.ok(referrer.includes(h('referrer-policy')), `${where}: Referrer-Policy ${h('referrer-policy')}`);
}

describe('every route', () => {
  test('the table is read from site.c and admin.c', () => {
    const routes = routeTable();
    assert.ok(routes.length >= 90, `${routes.length} routes`);
    assert.ok(routes.some((r) => r.pattern === '/#/#/#/:/' && r.methods.includes('POST')));
    assert.ok(routes.some((r) => r.pattern === '/api/v1/admin/users/#' && r.methods.join() === 'PUT'));
  });

  for (const who of ['signed out', 'signed in as an admin']) {
    test(`each pattern with each of its methods, ${who}: every answer carries the headers`, async () => {
      const statuses = new Map();
      for (const r of routeTable()) {
        const p = concrete(r.pattern);
        for (const method of r.methods) {
          // Signed in, what would change something goes without the
          // CSRF token (a 403 from the admin's guard), so the walk
          // neither signs out nor deletes what later tests read.
          const headers = { Origin: srv.url };
          if (who !== 'signed out') headers.Cookie = boss.cookie;
          const json = p.startsWith('/api/');
          if (method !== 'GET' && method !== 'HEAD') headers['Content-Type'] = json ? 'application/json' : 'application/x-www-form-urlencoded';
          // No body that could change anything: an empty object or form.
          const body = method === 'GET' || method === 'HEAD' ? undefined : (json ? '{}' : '');
          const res = await get(srv.url + p, { method, headers, body });
          assertSecure(res.headers, `${method} ${p} (${r.pattern}) → ${res.status}`);
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        }
      }
      // The walk reached real pages, not only refusals.
      assert.ok((statuses.get(200) ?? 0) >= 20, JSON.stringify([...statuses]));
    });
  }
});

describe('answers that no handler shapes', () => {
  test('public pages: exactly strict-origin-when-cross-origin; a cache hit and a 304 keep the headers', async () => {
    for (const p of ['/', post, '/feed/', '/static/site.css', '/static/views.js']) {
      const first = await get(srv.url + p);
      assert.equal(first.status, 200, p);
      assertSecure(first.headers, p, { referrer: ['strict-origin-when-cross-origin'] });
      const hit = await get(srv.url + p);
      assertSecure(hit.headers, `${p}, again (from the cache)`, { referrer: ['strict-origin-when-cross-origin'] });
      const etag = hit.headers.get('etag');
      assert.ok(etag, `${p}: an ETag`);
      const not = await get(srv.url + p, { headers: { 'If-None-Match': etag } });
      assert.equal(not.status, 304, p);
      assertSecure(not.headers, `${p}, 304`, { referrer: ['strict-origin-when-cross-origin'] });
    }
  });

  test('a path no route takes, a method one does not, a bad escape', async () => {
    for (const [method, p, status] of [['GET', '/no/such/thing/here/', 404], ['DELETE', '/', 405],
      ['GET', '/%zz/', 400], ['PUT', '/api/v1/popular', 405]]) {
      const r = await get(srv.url + p, { method });
      assert.equal(r.status, status, `${method} ${p}`);
      assertSecure(r.headers, `${method} ${p}`);
    }
  });

  test('refusals before any route: 414, 431, 413', async () => {
    const cases = [
      [`GET /${'a'.repeat(LIMITS.LIM_URL_BYTES + 10)} HTTP/1.1\r\nHost: x\r\n\r\n`, 414],
      [`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(LIMITS.LIM_HEADER_BYTES)}\r\n\r\n`, 431],
      [`POST /comments HTTP/1.1\r\nHost: x\r\nContent-Length: ${LIMITS.LIM_BODY_BYTES + 1}\r\n\r\n`, 413],
    ];
    for (const [req, status] of cases) {
      const c = await RawConn.open(srv.port);
      try {
        await c.write(req);
        const r = await c.readResponse();
        assert.ok(r, `an answer to ${req.slice(0, 30)}`);
        assert.equal(r.status, status);
        assertSecure(r.headers, `${status}`);
      } finally {
        c.destroy();
      }
    }
  });
});

describe('in Chromium', () => {
  let browser;
  before(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // No host but loopback resolves.
      args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
      timeout: 30000,
    });
  });
  after(async () => {
    await browser?.close();
  });

  test('the post page runs under its policy: no violation, the view count and the comment thread work', async () => {
    const ctx = await browser.newContext({ userAgent: BROWSER_UA });
    ctx.setDefaultTimeout(15000);
    await ctx.addInitScript(() => {
      window.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
      });
    });
    const page = await ctx.newPage();
    const errors = collectErrors(page);
    const beacon = page.waitForResponse((r) => r.url().includes('/api/v1/views/'));
    await page.goto(srv.url + post);
    assert.equal((await beacon).status(), 200, 'views.js sent its beacon');
    await page.waitForLoadState('load');
    // comments.js ran: it reveals its own controls (the "Replying" line
    // is shown only by script).
    // The thread's indentation comes from the stylesheet (no style
    // attribute: the policy has no 'unsafe-inline').
    const { rem, indent } = await page.evaluate(() => ({
      rem: parseFloat(getComputedStyle(document.documentElement).fontSize),
      indent: [...document.querySelectorAll('li.comment')].map((li) => ({
        depth: Number(/depth-(\d+)/.exec(li.className)[1]),
        margin: parseFloat(getComputedStyle(li).marginLeft),
        style: li.getAttribute('style'),
      })),
    }));
    assert.ok(indent.some((c) => c.depth > 0), 'the demo post has replies');
    for (const c of indent) {
      assert.equal(c.style, null, 'a style attribute');
      assert.ok(Math.abs(c.margin - Math.min(c.depth, 6) * 1.4 * rem) < 0.5,
        `a depth-${c.depth} comment is indented ${c.margin}px`);
    }
    assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
    assert.deepEqual(errors, []);
    await ctx.close();
  });

  test('another origin cannot frame the post page (its comment form) or the login form', async () => {
    // The framing page is served from another port of loopback: a page
    // of a public host could not reach loopback at all (Chromium's
    // private network rules), which would prove nothing.
    const evil = http.createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><title>x</title><iframe src="${srv.url}${post}"></iframe>`
        + `<iframe src="${srv.url}/login"></iframe>`);
    });
    await new Promise((resolve) => evil.listen(0, '127.0.0.1', resolve));
    const ctx = await browser.newContext();
    ctx.setDefaultTimeout(15000);
    try {
      const page = await ctx.newPage();
      await page.goto(`http://127.0.0.1:${evil.address().port}/`);
      await page.waitForLoadState('load');
      const frames = page.frames().filter((f) => f !== page.mainFrame());
      assert.equal(frames.length, 2);
      for (const f of frames) {
        // A frame Chromium refuses holds its own error page instead.
        const shown = await f.evaluate(() => document.querySelector('form') !== null).catch(() => false);
        assert.equal(shown, false, `${f.url()} was framed, form and all`);
      }
    } finally {
      await ctx.close();
      evil.close();
    }
  });
});
