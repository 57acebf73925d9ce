// Search (issue 6): /?s= and /search?q= pages and GET /api/v1/search on a
// site whose posts are added with `gazette post add`. Ranking (a title
// match above a body-only one; a phrase matches only the phrase), <mark>
// snippets escaped, every filter, pagination, hostile queries never giving
// a 500, Cyrillic and accented words, drafts never shown, a query cut at
// LIM_SEARCH_QUERY_BYTES with a notice, the per-address limit (429 with
// Retry-After), `gazette search reindex`.
//
// The server counts searches per address (X-Forwarded-For from loopback
// names it), so each request here comes from an address of its own except
// in the flood test.
import { test, describe, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { run, newSite, startServer, cleanup, get, stopClean, reportOnFailure, eventually, siteSql } from './lib/gazette.mjs';
import { LIMITS } from './lib/limits.mjs';
import { SQLITE_LOAD } from './lib/needs.mjs';

const SQLITE3 = '/usr/bin/sqlite3';
let site;
let srv;
let addr = 0;
const urls = {};

// On the site's own engine (SQLite, or PostgreSQL under make e2e-pg).
const sql = (query) => siteSql(site.dir, query);

function nextIp() {
  addr++;
  return `198.51.${(addr >> 8) & 255}.${addr & 255}`;
}

async function search(pathAndQuery, { ip = nextIp(), method = 'GET', body, headers = {} } = {}) {
  return get(`${srv.url}${pathAndQuery}`, {
    method,
    body,
    headers: { 'X-Forwarded-For': ip, ...headers },
  });
}

async function api(q, extra = '') {
  const r = await search(`/api/v1/search?q=${encodeURIComponent(q)}${extra}`);
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type'), /application\/json/);
  return JSON.parse(r.text);
}

function main(html) {
  return html.slice(html.indexOf('<main'), html.indexOf('</main>'));
}

// Result links in <main>, in order.
function results(html) {
  return [...main(html).matchAll(/<article class="summary search-result">\s*<h2><a href="([^"]+)"/g)].map((m) => m[1]);
}

async function addPost(name, front, body) {
  const file = path.join(site.dir, `${name}.md`);
  const lines = Object.entries(front).map(([k, v]) => `${k}: ${v}`);
  writeFileSync(file, `---\n${lines.join('\n')}\n---\n${body}\n`);
  const r = await run(['post', 'add', file, '--site', site.dir]);
  assert.equal(r.code, 0, r.stderr);
  const [, url] = r.stdout.trim().split('\t');
  urls[name] = new URL(url).pathname;
}

before(async () => {
  site = await newSite();
  sql("INSERT INTO sections(slug, name) VALUES ('world', 'World'), ('culture-desk', 'Culture desk')");
  const u = await run(['user', 'add', 'jdoe', '--role', 'author', '--site', site.dir], { input: 'a-long-password\n' });
  assert.equal(u.code, 0, u.stderr);
  const pub = { status: 'published' };
  await addPost('title', { ...pub, title: 'Harvest festival opens', section: 'culture-desk', tags: 'Culture, Food', date: '2024-03-10' },
    'Music and food all day in the square.');
  await addPost('body', { ...pub, title: 'Weather today', section: 'world', date: '2024-05-01' },
    'The **harvest** failed in the north; farmers wait for rain.');
  await addPost('phrase', { ...pub, title: 'Markets', section: 'world', date: '2024-06-01' },
    'Prices of grain fell as the harvest arrived early this year.');
  await addPost('draft', { status: 'draft', title: 'Harvest secret draft', date: '2024-06-02' },
    'Nobody may find this unpublished zanzibarite text.');
  await addPost('cyrillic', { ...pub, title: 'Новости дня', date: '2024-07-01' },
    'Ёлка в центре города. Crème brûlée au café, naïve.');
  await addPost('hostile', { ...pub, title: 'Script <b>bold</b> & more', date: '2024-07-02' },
    'Text <script>alert(1)</script> with quotes " and \' and ampersands &amp; here.');
  for (let i = 0; i < LIMITS.LIM_FRONT_POSTS + 3; i++) {
    await addPost(`many${i}`, { ...pub, title: `Bulletin ${i}`, date: `2023-01-${String(i + 1).padStart(2, '0')}` },
      'A routine paginationword bulletin.');
  }
  // An author set from outside gazette: the index follows (triggers).
  sql("UPDATE posts SET author_id = (SELECT id FROM users WHERE login = 'jdoe') WHERE slug = 'markets'");
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

describe('search pages', () => {
  test('/?s= and /search?q= rank a title match above a body-only match, with the count', async () => {
    for (const p of ['/?s=harvest', '/search?q=harvest']) {
      const r = await search(p);
      assert.equal(r.status, 200);
      const links = results(r.text);
      assert.equal(links[0], urls.title, `title match first: ${links}`);
      assert.ok(links.includes(urls.body) && links.includes(urls.phrase), links.join(' '));
      assert.equal(links.length, 3);
      assert.match(main(r.text), /3 results\./);
      assert.match(r.text, /<link rel="canonical" href="[^"]*\/search\?q=harvest">/);
    }
  });

  test('a phrase query matches only the phrase', async () => {
    let r = await search(`/search?q=${encodeURIComponent('"harvest arrived"')}`);
    assert.deepEqual(results(r.text), [urls.phrase]);
    r = await search(`/search?q=${encodeURIComponent('"arrived harvest"')}`);
    assert.deepEqual(results(r.text), []);
    assert.match(main(r.text), /Nothing matched your search/);
  });

  test('snippets mark the words in <mark>, escaped; title, date, section and views are shown', async () => {
    const r = await search('/search?q=failed');
    const m = main(r.text);
    assert.match(m, /<p class="snippet">The harvest <mark>failed<\/mark> in the north; farmers wait for rain\.<\/p>/);
    assert.match(m, /<time datetime="2024-05-01T00:00:00Z">May 1, 2024<\/time>/);
    assert.match(m, /<a href="\/category\/world\/">World<\/a>/);
    assert.match(m, /\d+ Views/);
    const h = main((await search('/search?q=bold')).text);
    assert.match(h, /Script &lt;b&gt;<mark>bold<\/mark>&lt;\/b&gt; &amp; more/);
    assert.doesNotMatch(h, /<b>|<script>/);
    const q = main((await search('/search?q=ampersands')).text);
    assert.match(q, /<p class="snippet">Text alert\(1\) with quotes \S+ and \S+ and <mark>ampersands<\/mark> &amp; here\.<\/p>/);
  });

  test('exclusion, OR and the prefix on the last word', async () => {
    let r = await search(`/search?q=${encodeURIComponent('harvest -grain -music')}`);
    assert.deepEqual(results(r.text), [urls.body]);
    r = await search(`/search?q=${encodeURIComponent('music OR grain')}`);
    assert.deepEqual(new Set(results(r.text)), new Set([urls.title, urls.phrase]));
    r = await search('/search?q=harv');
    assert.equal(results(r.text).length, 3);
  });

  test('filters: section, tag, author, date range', async () => {
    const base = '/search?q=harvest';
    assert.deepEqual(results((await search(`${base}&section=world`)).text).sort(), [urls.body, urls.phrase].sort());
    assert.deepEqual(results((await search(`${base}&tag=culture`)).text), [urls.title]);
    assert.deepEqual(results((await search(`${base}&author=jdoe`)).text), [urls.phrase]);
    assert.deepEqual(results((await search(`${base}&author=nobody`)).text), []);
    assert.deepEqual(results((await search(`${base}&from=2024-04-01&to=2024-05-01`)).text), [urls.body]);
    assert.deepEqual(results((await search(`${base}&from=2024-05-02`)).text), [urls.phrase]);
    assert.deepEqual(results((await search(`${base}&to=2024-03-10`)).text), [urls.title]);
    const bad = await search(`${base}&from=yesterday`);
    assert.equal(bad.status, 200);
    assert.match(main(bad.text), /is not a date like 2024-01-31; it was ignored/);
    assert.equal(results(bad.text).length, 3);
    // The section's own select shows it chosen.
    assert.match((await search(`${base}&section=world`)).text, /<option value="world" selected>World<\/option>/);
  });

  test('pagination: LIM_FRONT_POSTS a page, ?page=N and WordPress ?paged=N, past the end 404', async () => {
    const p1 = await search('/search?q=paginationword');
    assert.equal(results(p1.text).length, LIMITS.LIM_FRONT_POSTS);
    assert.match(main(p1.text), new RegExp(`${LIMITS.LIM_FRONT_POSTS + 3} results`));
    assert.match(p1.text, /rel="next" href="\/search\?q=paginationword&amp;page=2"/);
    const p2 = await search('/search?q=paginationword&page=2');
    assert.equal(results(p2.text).length, 3);
    assert.equal(results(p1.text).filter((u) => results(p2.text).includes(u)).length, 0);
    assert.deepEqual(results((await search('/?s=paginationword&paged=2')).text), results(p2.text));
    assert.equal((await search('/search?q=paginationword&page=3')).status, 404);
    assert.equal((await search('/search?q=paginationword&page=0')).status, 404);
    assert.equal((await search(`/search?q=paginationword&page=${LIMITS.LIM_PAGE_MAX + 1}`)).status, 404);
  });

  test('drafts never appear in public results, pages or JSON', async () => {
    const r = await search('/search?q=zanzibarite');
    assert.deepEqual(results(r.text), []);
    const h = await search('/search?q=secret');
    assert.doesNotMatch(main(h.text), /Harvest secret draft/);
    const j = await api('harvest');
    assert.ok(!j.results.some((x) => /secret/.test(x.title)), JSON.stringify(j));
  });

  test('Cyrillic and accented words, any case, diacritics folded', async () => {
    for (const q of ['ёлка', 'ЁЛКА', 'новости', 'creme brulee', 'CAFÉ', 'cafe', 'naive', 'Naïve']) {
      const r = await search(`/search?q=${encodeURIComponent(q)}`);
      assert.deepEqual(results(r.text), [urls.cyrillic], q);
    }
    const r = await search(`/search?q=${encodeURIComponent('ёлка')}`);
    assert.match(main(r.text), /<mark>Ёлка<\/mark> в центре/);
  });

  test('empty queries show a friendly page, not an error', async () => {
    for (const p of ['/search', '/search?q=', '/?s=', '/search?q=%20%20']) {
      const r = await search(p);
      assert.equal(r.status, 200, p);
      assert.match(main(r.text), /Type a word or two to search/, p);
    }
    const r = await search(`/search?q=${encodeURIComponent('*** ^^^ ()')}`);
    assert.equal(r.status, 200);
    assert.match(main(r.text), /nothing to search for/);
  });

  test('hostile queries are text: never an FTS error or a 500', async () => {
    const hostile = ['"', '*', ':', '^', '(', ')', 'NEAR', 'NEAR(harvest rain)', 'title:harvest', 'AND', 'OR', 'NOT',
      '-', '--', '- -', '-"', '"harvest', 'harvest"', 'harvest*', '{title}: x', 'a AND OR NOT b', '\u0000'.slice(1),
      'rain OR', 'OR rain', '"" OR ""', "'; DROP TABLE posts; --", '<script>alert(1)</script>', '%', '\\', '日本語',
      '🙂 harvest', 'x'.repeat(LIMITS.LIM_SEARCH_QUERY_BYTES)];
    for (const q of hostile) {
      for (const p of [`/search?q=${encodeURIComponent(q)}`, `/api/v1/search?q=${encodeURIComponent(q)}`]) {
        const r = await search(p);
        assert.ok(r.status === 200 || (r.status === 400 && p.startsWith('/api') && q.trim() === ''), `${p}: ${r.status}`);
        if (!p.startsWith('/api')) assert.doesNotMatch(r.text, /<script>alert/, p);
      }
    }
    // Still searchable afterwards, and the table is still there.
    assert.equal(results((await search('/search?q=title:harvest')).text).length, 0);
    assert.equal(results((await search('/search?q=harvest*')).text).length, 3);
    assert.equal(results((await search(`/search?q=${encodeURIComponent('"harvest')}`)).text).length, 3);
  });

  test('invalid UTF-8 in the query is a 400, not a 500', async () => {
    for (const p of ['/search?q=%ff%fe', '/?s=%c3', '/api/v1/search?q=%80', '/search?q=%zz']) {
      const r = await search(p);
      assert.equal(r.status, 400, p);
    }
  });

  test(`a query over LIM_SEARCH_QUERY_BYTES (${LIMITS.LIM_SEARCH_QUERY_BYTES}) is cut, with a notice`, async () => {
    const long = `harvest ${'word '.repeat(400)}`; // ~2000 bytes: fits a URL
    const r = await search(`/search?q=${encodeURIComponent(long)}`);
    assert.equal(r.status, 200);
    assert.match(main(r.text), new RegExp(`longer than ${LIMITS.LIM_SEARCH_QUERY_BYTES} bytes; only its beginning was used`));
    assert.match(main(r.text), new RegExp(`Only the first ${LIMITS.LIM_SEARCH_TERMS} words were used`));
    // 10,000 characters do not fit a URL (LIM_URL_BYTES: 414) but do a form.
    const huge = `harvest ${'é'.repeat(10000)}`;
    const g = await search(`/search?q=${encodeURIComponent(huge)}`);
    assert.equal(g.status, 414);
    const post = await search('/search', {
      method: 'POST',
      body: `q=${encodeURIComponent(huge)}`,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(post.status, 200);
    assert.match(main(post.text), /only its beginning was used/);
    const j = await api(`harvest ${'x'.repeat(1000)}`);
    assert.ok(j.notices.some((n) => /only its beginning was used/.test(n)), JSON.stringify(j.notices));
  });
});

describe('JSON API', () => {
  test('GET /api/v1/search?q= answers the same results as the page', async () => {
    const j = await api('harvest');
    assert.equal(j.query, 'harvest');
    assert.equal(j.total, 3);
    assert.equal(j.more, false);
    assert.equal(j.page, 1);
    assert.equal(j.pages, 1);
    assert.deepEqual(j.results.map((x) => new URL(x.url).pathname), results((await search('/search?q=harvest')).text));
    const first = j.results[0];
    assert.equal(first.title, 'Harvest festival opens');
    assert.equal(first.title_html, '<mark>Harvest</mark> festival opens');
    assert.equal(first.section, 'Culture desk');
    assert.match(first.date, /^2024-03-10T00:00:00Z$/);
    assert.equal(typeof first.views, 'number');
    assert.equal(typeof first.id, 'number');
    const w = (await api('failed')).results[0];
    assert.match(w.snippet, /<mark>failed<\/mark>/);
    const f = await api('harvest', '&section=world&from=2024-05-02');
    assert.deepEqual(f.results.map((x) => new URL(x.url).pathname), [urls.phrase]);
    const p = await api('paginationword', '&page=2');
    assert.equal(p.results.length, 3);
    assert.equal(p.pages, 2);
  });

  test('errors are JSON: no q, a bad page, a bad date', async () => {
    for (const p of ['/api/v1/search', '/api/v1/search?q=', '/api/v1/search?q=x&page=0', '/api/v1/search?q=x&from=nope']) {
      const r = await search(p);
      assert.equal(r.status, 400, p);
      assert.ok(JSON.parse(r.text).error, p);
    }
  });
});

describe('rate limit', () => {
  test(`more than LIM_SEARCH_RATE_MINUTE (${LIMITS.LIM_SEARCH_RATE_MINUTE}) searches a minute from one address: 429 with Retry-After`, async () => {
    const ip = '203.0.113.77';
    let limited;
    for (let i = 0; i < LIMITS.LIM_SEARCH_RATE_MINUTE + 5 && !limited; i++) {
      // Distinct queries: the page cache would answer repeats itself.
      const r = await search(`/search?q=flood${i}`, { ip });
      assert.equal(r.status, i < LIMITS.LIM_SEARCH_RATE_MINUTE ? 200 : 429, `search ${i + 1}`);
      if (r.status === 429) limited = { i, r };
    }
    assert.ok(limited, 'never limited');
    assert.equal(limited.i, LIMITS.LIM_SEARCH_RATE_MINUTE);
    const retry = Number(limited.r.headers.get('retry-after'));
    assert.ok(retry >= 1 && retry <= 60, String(retry));
    assert.match(limited.r.text, /searched very often/);
    const j = await search('/api/v1/search?q=floodjson', { ip });
    assert.equal(j.status, 429);
    assert.ok(Number(j.headers.get('retry-after')) >= 1);
    assert.ok(JSON.parse(j.text).error);
    // Another address is not limited.
    assert.equal((await search('/search?q=flood-other')).status, 200);
  });

  test('search_rate_per_minute = 0 turns the limit off', async () => {
    const r = await run(['settings', 'set', 'search_rate_per_minute', '0', '--site', site.dir]);
    assert.equal(r.code, 0, r.stderr);
    const ip = '203.0.113.88';
    for (let i = 0; i < LIMITS.LIM_SEARCH_RATE_MINUTE + 5; i++) {
      assert.equal((await search(`/search?q=unlimited${i}`, { ip })).status, 200);
    }
    assert.equal((await run(['settings', 'set', 'search_rate_per_minute', String(LIMITS.LIM_SEARCH_RATE_MINUTE), '--site', site.dir])).code, 0);
  });
});

describe('index in step', () => {
  test('a post added while serving, a title edited, a post unpublished: search follows', async () => {
    await addPost('late', { status: 'published', title: 'Quokka sighting', date: '2024-08-01' }, 'A late quokka.');
    const deadline = Date.now() + 5000;
    let links = [];
    while (Date.now() < deadline) {
      links = results((await search(`/search?q=quokka&t=${Date.now()}`)).text);
      if (links.length) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.deepEqual(links, [urls.late]);
    sql("UPDATE posts SET title = 'Wombat sighting' WHERE slug = 'quokka-sighting'");
    sql("UPDATE posts SET status = 'draft' WHERE slug = 'markets'");
    // the page cache follows another process's commit within 50 ms
    let wombat;
    await eventually(async () => (wombat = results((await search('/search?q=wombat')).text)).length > 0);
    assert.deepEqual(wombat, [urls.late]);
    assert.ok(!results((await search('/search?q=harvest')).text).includes(urls.phrase));
    const ri = await run(['search', 'reindex', '--site', site.dir]);
    assert.equal(ri.code, 0, ri.stderr);
    assert.match(ri.stdout, /^indexed \d+ posts$/m);
    assert.deepEqual(results((await search('/search?q=wombat')).text), [urls.late]);
    assert.equal(results((await search('/search?q=failed')).text).length, 1);
    const bad = await run(['search', 'rebuild', '--site', site.dir]);
    assert.equal(bad.code, 2);
  });
});
