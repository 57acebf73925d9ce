// Feeds and discovery: RSS 2.0 and Atom for the site, a section, a tag and
// the site's comments; sitemaps (split into an index past
// LIM_SITEMAP_URLS); robots.txt; the <head> of every page (alternate feed
// links, OpenGraph, Twitter card, rel=canonical); and bad input, which is
// a 400 or 404, never a 500.
//
// Every feed is checked by libxml2's own xmllint (well-formed, then its
// format's shape through XPath), not by regular expressions.
import { test, describe, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  run, newSite, startServer, stopClean, cleanup, tempDir, get, pathOf, reportOnFailure, siteSql, ON_PG,
} from './lib/gazette.mjs';
import { LIMITS } from './lib/limits.mjs';
import { absent, SQLITE3, XMLLINT } from './lib/needs.mjs';

const NO_XMLLINT = absent(XMLLINT);
// SQL on the site's database: sqlite3 on SQLite, psql on PostgreSQL.
const NO_SQL = !ON_PG && absent(SQLITE3);

const ATOM = 'http://www.w3.org/2005/Atom';
const CONTENT = 'http://purl.org/rss/1.0/modules/content/';
const BASE = 'https://news.example.com'; // the site's url in gazette.conf
const RSS_TYPE = 'application/rss+xml; charset=utf-8';
const ATOM_TYPE = 'application/atom+xml; charset=utf-8';
const RFC822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0000$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

after(cleanup);

// Run a tool with input on stdin; resolves with {code, stdout, stderr}.
function tool(cmd, args, input, timeout = 60000) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.stdin.on('error', () => {});
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.end(input ?? '');
  });
}

// Well-formed XML by xmllint, with no network and no entity expansion.
async function assertWellFormed(text, what) {
  const r = await tool(XMLLINT, ['--noout', '--nonet', '-'], text);
  assert.equal(r.code, 0, `${what} is not well-formed XML:\n${r.stderr}\n${text.slice(0, 2000)}`);
}

// Evaluate XPath expressions over the document in one xmllint run; each
// must yield a string or number. Returns their values as strings.
async function xpath(text, exprs) {
  const SEP = '@@|@@';
  const joined = exprs.length === 1 ? `string(${exprs[0]})`
    : `concat(${exprs.map((e) => `string(${e})`).join(`, '${SEP}', `)})`;
  const r = await tool(XMLLINT, ['--nonet', '--xpath', joined, '-'], text);
  assert.equal(r.code, 0, `xmllint --xpath failed: ${r.stderr}`);
  // xmllint ends what it prints with one newline of its own.
  return r.stdout.replace(/\n$/, '').split(SEP);
}

// An element of the Atom namespace, whatever its prefix.
const A = (name) => `*[local-name()='${name}' and namespace-uri()='${ATOM}']`;

// The shape RSS 2.0 requires, with atom:link rel=self. Returns the items'
// guids and titles.
async function assertRss(text, self) {
  await assertWellFormed(text, self);
  const n = Number((await xpath(text, ['count(/rss/channel/item)']))[0]);
  const [rss, title, link, desc, selfLinks, complete] = await xpath(text, [
    "count(/rss[@version='2.0']/channel)",
    'count(/rss/channel/title)',
    'count(/rss/channel/link)',
    'count(/rss/channel/description)',
    `count(/rss/channel/${A('link')}[@rel='self' and @href='${self}' and @type='application/rss+xml'])`,
    'count(/rss/channel/item[title and link and guid and pubDate])',
  ]);
  assert.deepEqual([rss, title, link, desc, selfLinks], ['1', '1', '1', '1', '1'], `${self}: channel shape`);
  assert.equal(Number(complete), n, `${self}: every item has title, link, guid and pubDate`);
  const items = [];
  for (let i = 1; i <= n; i++) {
    const [guid, itemTitle, itemLink, pubDate, permalink] = await xpath(text, [
      `/rss/channel/item[${i}]/guid`, `/rss/channel/item[${i}]/title`, `/rss/channel/item[${i}]/link`,
      `/rss/channel/item[${i}]/pubDate`, `/rss/channel/item[${i}]/guid/@isPermaLink`,
    ]);
    assert.match(pubDate, RFC822, `${self}: item ${i} pubDate`);
    assert.equal(permalink, 'false');
    assert.ok(itemLink.startsWith(`${BASE}/`), `${self}: item link ${itemLink} is absolute on the site's url`);
    items.push({ guid, title: itemTitle, link: itemLink, pubDate });
  }
  return items;
}

// The shape Atom 1.0 requires. Returns the entries' ids and titles.
async function assertAtom(text, self) {
  await assertWellFormed(text, self);
  const n = Number((await xpath(text, [`count(/${A('feed')}/${A('entry')})`]))[0]);
  const [feed, id, title, updated, selfLinks, author, complete] = await xpath(text, [
    `count(/${A('feed')})`,
    `/${A('feed')}/${A('id')}`,
    `count(/${A('feed')}/${A('title')})`,
    `/${A('feed')}/${A('updated')}`,
    `count(/${A('feed')}/${A('link')}[@rel='self' and @href='${self}'])`,
    `count(/${A('feed')}/${A('author')}/${A('name')})`,
    `count(/${A('feed')}/${A('entry')}[${A('id')} and ${A('title')} and ${A('updated')} and ${A('link')}[@href]])`,
  ]);
  assert.equal(feed, '1', `${self}: root is atom:feed`);
  assert.equal(id, self);
  assert.equal(title, '1');
  assert.match(updated, RFC3339);
  assert.equal(selfLinks, '1', `${self}: link rel=self`);
  assert.equal(author, '1', `${self}: a feed-level author`);
  assert.equal(Number(complete), n, `${self}: every entry has id, title, updated and link`);
  const entries = [];
  for (let i = 1; i <= n; i++) {
    const [eid, etitle, eupdated] = await xpath(text, [
      `/${A('feed')}/${A('entry')}[${i}]/${A('id')}`,
      `/${A('feed')}/${A('entry')}[${i}]/${A('title')}`,
      `/${A('feed')}/${A('entry')}[${i}]/${A('updated')}`,
    ]);
    assert.match(eupdated, RFC3339);
    entries.push({ guid: eid, title: etitle });
  }
  return entries;
}

async function publish(site, name, front, body = 'The **body** of the post.') {
  const dir = await tempDir('gazette-e2e-md-');
  const f = path.join(dir, name);
  writeFileSync(f, `---\n${front}\n---\n${body}\n`);
  const r = await run(['post', 'add', f, '--site', site.dir]);
  assert.equal(r.code, 0, `post add ${name}: ${r.stderr}`);
  const [id, url] = r.stdout.trim().split('\t');
  return { id: Number(id), url, path: pathOf(url) };
}

describe('feeds on a demo site', { skip: NO_XMLLINT }, () => {
  let site;
  let srv;
  let section; // slug of the first section in the navigation
  let hostile; // the post with <script> in its title
  const TAG = 'Feed Check';
  const TAG_SLUG = 'feed-check';
  const HOSTILE_TITLE = '<script>alert(1)</script>';

  before(async () => {
    site = await newSite({ demo: true });
    writeFileSync(path.join(site.dir, 'gazette.conf'), `url = ${BASE}\n`);
    srv = await startServer(site.dir);
    const home = await get(`${srv.url}/`);
    assert.equal(home.status, 200);
    section = /href="\/category\/([^/"]+)\/"/.exec(home.text)?.[1];
    assert.ok(section, 'the front page links a section');
    await stopClean(srv);
    srv = null;
    hostile = await publish(site, 'hostile.md',
      `title: ${HOSTILE_TITLE}\nstatus: published\nsection: ${section}\ntags: ${TAG}, Other`);
    srv = await startServer(site.dir);
  });
  after(async () => {
    await stopClean(srv);
  });
  afterEach((t) => reportOnFailure(t, srv));

  test('site RSS: well-formed, RSS 2.0 shape, content type, escaped title', async () => {
    const r = await get(`${srv.url}/feed/`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), RSS_TYPE);
    const items = await assertRss(r.text, `${BASE}/feed/`);
    assert.ok(items.length > 1 && items.length <= LIMITS.LIM_FEED_ITEMS, `${items.length} items`);
    const mine = items.find((it) => it.guid === `${BASE}/?p=${hostile.id}`);
    assert.ok(mine, 'the new post is in the feed with its ?p=ID guid');
    assert.equal(mine.title, HOSTILE_TITLE, 'the title round-trips as text');
    assert.equal(mine.link, `${BASE}${hostile.path}`);
    assert.ok(!r.text.includes(HOSTILE_TITLE), 'the raw bytes never hold the <script> tag');
    assert.ok(r.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    // Newest first.
    const dates = items.map((it) => Date.parse(it.pubDate));
    assert.deepEqual([...dates].sort((a, b) => b - a), dates);
    // Full bodies ride along as content:encoded.
    const [bodies] = await xpath(r.text, [`count(/rss/channel/item/*[local-name()='encoded' and namespace-uri()='${CONTENT}'])`]);
    assert.equal(Number(bodies), items.length);
  });

  test('site Atom: well-formed, Atom 1.0 shape, content type, same ids as RSS', async () => {
    const r = await get(`${srv.url}/feed/atom/`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), ATOM_TYPE);
    const entries = await assertAtom(r.text, `${BASE}/feed/atom/`);
    const rss = await assertRss((await get(`${srv.url}/feed/`)).text, `${BASE}/feed/`);
    assert.deepEqual(entries.map((e) => e.guid), rss.map((e) => e.guid));
    assert.ok(entries.some((e) => e.title === HOSTILE_TITLE));
    assert.ok(!r.text.includes(HOSTILE_TITLE));
  });

  test("a section's RSS and Atom hold only its posts", async () => {
    const base = `${BASE}/category/${section}/`;
    const rss = await get(`${srv.url}/category/${section}/feed/`);
    assert.equal(rss.status, 200);
    assert.equal(rss.headers.get('content-type'), RSS_TYPE);
    const items = await assertRss(rss.text, `${base}feed/`);
    assert.ok(items.some((it) => it.guid === `${BASE}/?p=${hostile.id}`));
    const [link] = await xpath(rss.text, ['/rss/channel/link']);
    assert.equal(link, base);
    const atom = await get(`${srv.url}/category/${section}/feed/atom/`);
    assert.equal(atom.status, 200);
    assert.equal(atom.headers.get('content-type'), ATOM_TYPE);
    const entries = await assertAtom(atom.text, `${base}feed/atom/`);
    assert.deepEqual(entries.map((e) => e.guid), items.map((e) => e.guid));
  });

  test("a tag's RSS and Atom", async () => {
    const rss = await get(`${srv.url}/tag/${TAG_SLUG}/feed/`);
    assert.equal(rss.status, 200);
    assert.equal(rss.headers.get('content-type'), RSS_TYPE);
    const items = await assertRss(rss.text, `${BASE}/tag/${TAG_SLUG}/feed/`);
    assert.deepEqual(items.map((it) => it.guid), [`${BASE}/?p=${hostile.id}`]);
    const atom = await get(`${srv.url}/tag/${TAG_SLUG}/feed/atom/`);
    assert.equal(atom.status, 200);
    assert.equal(atom.headers.get('content-type'), ATOM_TYPE);
    const entries = await assertAtom(atom.text, `${BASE}/tag/${TAG_SLUG}/feed/atom/`);
    assert.equal(entries.length, 1);
  });

  test('the comments feed lists approved comments, anchored #comment-ID', async () => {
    const r = await get(`${srv.url}/comments/feed/`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), RSS_TYPE);
    const items = await assertRss(r.text, `${BASE}/comments/feed/`);
    assert.ok(items.length > 0 && items.length <= LIMITS.LIM_FEED_ITEMS, 'the demo has approved comments');
    for (const it of items) {
      assert.match(it.link, /#comment-\d+$/);
      assert.match(it.guid, /^https:\/\/news\.example\.com\/\?p=\d+#comment-\d+$/);
    }
  });

  test('GUIDs are the same on every fetch; HEAD and Last-Modified', async () => {
    const a = await get(`${srv.url}/feed/`);
    const b = await get(`${srv.url}/feed/`);
    const ga = (await assertRss(a.text, `${BASE}/feed/`)).map((it) => it.guid);
    const gb = (await assertRss(b.text, `${BASE}/feed/`)).map((it) => it.guid);
    assert.deepEqual(ga, gb);
    assert.equal(new Set(ga).size, ga.length, 'GUIDs are unique');
    const [lastBuild] = await xpath(a.text, ['/rss/channel/lastBuildDate']);
    const lm = a.headers.get('last-modified');
    assert.ok(lm, 'a feed has Last-Modified');
    assert.equal(Date.parse(lm), Date.parse(lastBuild), 'Last-Modified is the newest item time');
    const head = await get(`${srv.url}/feed/atom/`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-type'), ATOM_TYPE);
  });

  test('every HTML page links the feeds and carries OpenGraph, Twitter and canonical meta', async () => {
    const pages = [
      { path: '/', canonical: `${BASE}/`, type: 'website' },
      { path: hostile.path, canonical: `${BASE}${hostile.path}`, type: 'article' },
      { path: '/no-such-page/', canonical: `${BASE}/no-such-page/`, type: 'website', status: 404 },
    ];
    for (const p of pages) {
      const r = await get(`${srv.url}${p.path}`);
      assert.equal(r.status, p.status ?? 200, p.path);
      const head = r.text.slice(0, r.text.indexOf('</head>'));
      assert.ok(head.includes(`<link rel="alternate" type="application/rss+xml" title=`), `${p.path}: RSS link`);
      assert.match(head, new RegExp(`<link rel="alternate" type="application/rss\\+xml" title="[^"]*" href="${BASE}/feed/">`));
      assert.match(head, new RegExp(`<link rel="alternate" type="application/atom\\+xml" title="[^"]*" href="${BASE}/feed/atom/">`));
      assert.ok(head.includes(`<link rel="canonical" href="${p.canonical}">`), `${p.path}: canonical`);
      assert.ok(head.includes(`<meta property="og:url" content="${p.canonical}">`), `${p.path}: og:url = canonical`);
      assert.ok(head.includes(`<meta property="og:type" content="${p.type}">`), `${p.path}: og:type ${p.type}`);
      assert.match(head, /<meta property="og:site_name" content="[^"]+">/);
      assert.match(head, /<meta property="og:title" content="[^"]+">/);
      assert.ok(head.includes('<meta name="twitter:card" content="summary">'), `${p.path}: twitter:card`);
      assert.match(head, /<meta name="twitter:title" content="[^"]+">/);
      assert.ok(!head.includes(HOSTILE_TITLE), `${p.path}: no raw <script> in <head>`);
    }
    const post = await get(`${srv.url}${hostile.path}`);
    assert.ok(post.text.includes('<meta property="og:title" content="&lt;script&gt;alert(1)&lt;/script&gt;">'));
    // A section's or tag's page also links its own feeds (when the page
    // exists: those routes belong to the reader pages).
    const sec = await get(`${srv.url}/category/${section}/`);
    if (sec.status === 200) {
      assert.ok(sec.text.includes(`href="${BASE}/category/${section}/feed/"`), 'section RSS link');
      assert.ok(sec.text.includes(`href="${BASE}/category/${section}/feed/atom/"`), 'section Atom link');
    }
    const tag = await get(`${srv.url}/tag/${TAG_SLUG}/`);
    if (tag.status === 200) {
      assert.ok(tag.text.includes(`href="${BASE}/tag/${TAG_SLUG}/feed/"`), 'tag RSS link');
      assert.ok(tag.text.includes(`href="${BASE}/tag/${TAG_SLUG}/feed/atom/"`), 'tag Atom link');
    }
  });

  test('robots.txt allows all but /admin/ and /api/ and names the sitemap', async () => {
    const r = await get(`${srv.url}/robots.txt`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/plain/);
    assert.match(r.text, /^User-agent: \*$/m);
    assert.match(r.text, /^Disallow: \/admin\/$/m);
    assert.match(r.text, /^Disallow: \/api\/$/m);
    assert.match(r.text, new RegExp(`^Sitemap: ${BASE}/sitemap\\.xml$`, 'm'));
    assert.doesNotMatch(r.text, /^Disallow: \/$/m);
  });

  test('sitemap.xml is a urlset of the front page, sections, posts and pages', async () => {
    const r = await get(`${srv.url}/sitemap.xml`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^application\/xml/);
    await assertWellFormed(r.text, 'sitemap.xml');
    const SM = 'http://www.sitemaps.org/schemas/sitemap/0.9';
    const U = (n) => `*[local-name()='${n}' and namespace-uri()='${SM}']`;
    const [urlset, n, withLoc, index] = await xpath(r.text, [
      `count(/${U('urlset')})`, `count(/${U('urlset')}/${U('url')})`,
      `count(/${U('urlset')}/${U('url')}[${U('loc')}])`, `count(//${U('sitemapindex')})`,
    ]);
    assert.equal(urlset, '1');
    assert.equal(index, '0');
    assert.equal(withLoc, n);
    const locs = [...r.text.matchAll(/<loc>([^<]*)<\/loc>/g)].map((m) => m[1]);
    assert.equal(locs.length, Number(n));
    assert.equal(new Set(locs).size, locs.length, 'no URL twice');
    assert.ok(locs.every((l) => l.startsWith(`${BASE}/`)));
    assert.ok(locs.includes(`${BASE}/`), 'the front page');
    assert.ok(locs.includes(`${BASE}/category/${section}/`), 'a section');
    assert.ok(locs.includes(`${BASE}${hostile.path}`), 'a post');
    // Each post of the feed is there too.
    const feed = await assertRss((await get(`${srv.url}/feed/`)).text, `${BASE}/feed/`);
    for (const it of feed) assert.ok(locs.includes(it.link), `${it.link} in the sitemap`);
    const lastmods = [...r.text.matchAll(/<lastmod>([^<]*)<\/lastmod>/g)].map((m) => m[1]);
    assert.ok(lastmods.length > 0);
    for (const l of lastmods) assert.match(l, RFC3339);
    // No index is needed, so there are no numbered files.
    assert.equal((await get(`${srv.url}/sitemap-1.xml`)).status, 404);
  });

  test('bad input is a 400 or 404, never a 500', async () => {
    const notFound = [
      '/category/no-such/feed/', '/category/no-such/feed/atom/', '/tag/no-such/feed/',
      '/tag/no-such/feed/atom/', '/sitemap-0.xml', '/sitemap-x.xml', '/sitemap-01.xml',
      '/sitemap-1.xmlx', '/sitemap-.xml', '/sitemap--1.xml', '/sitemap-99999999999999999999.xml',
      '/sitemap-2.xml',
    ];
    for (const p of notFound) {
      const r = await get(`${srv.url}${p}`);
      assert.equal(r.status, 404, p);
    }
    // A bad escape in a path is a 400; a good one that decodes to no
    // slug (not UTF-8) is a 404 like any unknown slug.
    const answers = {
      '/tag/%ff/feed/': 404, '/category/%ff/feed/': 404, '/tag/%C0%AF/feed/atom/': 404, '/tag/%zz/feed/': 400,
      '/category/%/feed/': 400, '/sitemap-%ff.xml': 404, '/tag/%ff/': 404, '/category/%ff%fe/': 404,
    };
    for (const [p, status] of Object.entries(answers)) {
      const r = await get(`${srv.url}${p}`);
      assert.equal(r.status, status, p);
    }
    // A feed reads no query, but every query is checked before routing: a
    // bad escape or an argument that is not UTF-8 is a 400, anything else
    // leaves the feed as it is.
    for (const q of ['?x=%ff%fe', '?x=%zz', '?s=%C0%AF']) assert.equal((await get(`${srv.url}/feed/${q}`)).status, 400, q);
    const r = await get(`${srv.url}/feed/?paged=-1`);
    assert.equal(r.status, 200);
    await assertWellFormed(r.text, '/feed/?paged=-1');
  });

  test('a GUID survives a change of title and slug', { skip: NO_SQL }, async () => {
    const before = (await assertRss((await get(`${srv.url}/feed/`)).text, `${BASE}/feed/`))
      .find((it) => it.guid === `${BASE}/?p=${hostile.id}`);
    assert.ok(before);
    siteSql(site.dir, `UPDATE posts SET title = 'Renamed & retitled', slug = 'renamed-post' WHERE id = ${hostile.id}`);
    // The server notices another process's commit within moments.
    let after;
    for (let i = 0; i < 50 && !after; i++) {
      const items = await assertRss((await get(`${srv.url}/feed/`)).text, `${BASE}/feed/`);
      after = items.find((it) => it.title === 'Renamed & retitled');
      if (!after) await new Promise((res) => setTimeout(res, 100));
    }
    assert.ok(after, 'the feed shows the new title');
    assert.equal(after.guid, before.guid, 'the GUID did not change');
    assert.notEqual(after.link, before.link, 'while the permalink did');
    assert.match(after.link, /\/renamed-post\/$/);
    const atom = await assertAtom((await get(`${srv.url}/feed/atom/`)).text, `${BASE}/feed/atom/`);
    assert.ok(atom.some((e) => e.guid === before.guid && e.title === 'Renamed & retitled'));
  });
});

describe('an empty site', { skip: NO_XMLLINT }, () => {
  test('its feeds and sitemap still parse', async (t) => {
    const site = await newSite();
    const srv = await startServer(site.dir);
    t.after(() => stopClean(srv));
    const base = srv.url; // no url in gazette.conf: the address served
    const rss = await get(`${srv.url}/feed/`);
    assert.equal(rss.status, 200);
    await assertWellFormed(rss.text, '/feed/');
    const atom = await get(`${srv.url}/feed/atom/`);
    assert.equal(atom.status, 200);
    await assertWellFormed(atom.text, '/feed/atom/');
    const [n] = await xpath(atom.text, [`count(/${A('feed')}/${A('entry')})`]);
    assert.equal(Number(n), 0, 'a new site has no posts');
    const comments = await get(`${srv.url}/comments/feed/`);
    assert.equal(comments.status, 200);
    await assertWellFormed(comments.text, '/comments/feed/');
    const sm = await get(`${srv.url}/sitemap.xml`);
    assert.equal(sm.status, 200);
    await assertWellFormed(sm.text, '/sitemap.xml');
    assert.ok(sm.text.includes(`<loc>${base}/</loc>`));
  });
});

describe(`past LIM_SITEMAP_URLS (${LIMITS.LIM_SITEMAP_URLS}) URLs`, { skip: NO_XMLLINT || NO_SQL }, () => {
  test('sitemap.xml becomes an index of sitemap-1.xml and sitemap-2.xml', async (t) => {
    const L = LIMITS.LIM_SITEMAP_URLS;
    const site = await newSite();
    const bulk = (from, to) => `WITH RECURSIVE n(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM n WHERE i < ${to})
INSERT INTO posts(type, status, slug, title, published_at, updated_at)
SELECT 'post', 'published', 'bulk-' || i, 'Bulk ' || i, 1650000000 + i, 1650000000 + i FROM n`;
    if (!ON_PG) {
      siteSql(site.dir, bulk(1, L + 1));
    } else {
      // The same rows, written the way PostgreSQL takes them quickly (10 s
      // where one statement took 5 minutes): a thousand a transaction,
      // since every post moves the same few post_counts rows, and an
      // update of a row already updated in the same transaction walks
      // all its earlier versions; and the search index filled by one
      // statement at the end, as migration 005 fills it, since its
      // trigger's INSERT costs about 1.3 ms a post (its generated column
      // is prepared again for each statement).
      siteSql(site.dir, 'ALTER TABLE posts DISABLE TRIGGER posts_fts_insert');
      for (let from = 1; from <= L + 1; from += 1000) siteSql(site.dir, bulk(from, Math.min(from + 999, L + 1)));
      siteSql(site.dir, 'ALTER TABLE posts ENABLE TRIGGER posts_fts_insert');
      siteSql(site.dir, `INSERT INTO posts_fts(rowid, title, body, excerpt, tags, author)
SELECT p.id, p.title, CASE p.body_format WHEN 'html' THEN p.body_html ELSE p.body_src END, p.excerpt, '', ''
FROM posts p WHERE NOT EXISTS (SELECT 1 FROM posts_fts f WHERE f.rowid = p.id)`);
      assert.equal(siteSql(site.dir, 'SELECT count(*) FROM posts p LEFT JOIN posts_fts f ON f.rowid = p.id WHERE f.rowid IS NULL'),
        '0', 'every post is in the search index');
    }
    const items = Number(siteSql(site.dir, "SELECT count(*) FROM posts WHERE status = 'published' AND type IN ('post', 'page')"));
    const sections = Number(siteSql(site.dir, 'SELECT count(*) FROM sections'));
    assert.ok(items > L);
    const total = 1 + sections + items; // front page, sections, posts and pages
    const files = Math.ceil(total / L);
    assert.equal(files, 2, 'this site needs two sitemap files');

    const srv = await startServer(site.dir);
    t.after(() => stopClean(srv));
    const index = await get(`${srv.url}/sitemap.xml`, { timeout: 60000 });
    assert.equal(index.status, 200);
    await assertWellFormed(index.text, 'sitemap index');
    const SM = 'http://www.sitemaps.org/schemas/sitemap/0.9';
    const U = (n) => `*[local-name()='${n}' and namespace-uri()='${SM}']`;
    const [isIndex, nsm, urls] = await xpath(index.text, [
      `count(/${U('sitemapindex')})`, `count(/${U('sitemapindex')}/${U('sitemap')}[${U('loc')}])`, `count(//${U('url')})`,
    ]);
    assert.equal(isIndex, '1');
    assert.equal(nsm, '2');
    assert.equal(urls, '0');
    const listed = [...index.text.matchAll(/<loc>([^<]*)<\/loc>/g)].map((m) => m[1]);
    assert.deepEqual(listed, [`${srv.url}/sitemap-1.xml`, `${srv.url}/sitemap-2.xml`]);

    const seen = new Set();
    const counts = [];
    for (const k of [1, 2]) {
      const part = await get(`${srv.url}/sitemap-${k}.xml`, { timeout: 60000 });
      assert.equal(part.status, 200, `sitemap-${k}.xml`);
      assert.match(part.headers.get('content-type'), /^application\/xml/);
      await assertWellFormed(part.text, `sitemap-${k}.xml`);
      const [isUrlset] = await xpath(part.text, [`count(/${U('urlset')})`]);
      assert.equal(isUrlset, '1');
      const locs = [...part.text.matchAll(/<loc>([^<]*)<\/loc>/g)].map((m) => m[1]);
      counts.push(locs.length);
      for (const l of locs) {
        assert.ok(!seen.has(l), `${l} is in one file only`);
        seen.add(l);
      }
    }
    assert.deepEqual(counts, [L, total - L], 'the first file is full, the second holds the rest');
    assert.ok(seen.has(`${srv.url}/`));
    assert.ok(seen.has(`${srv.url}/2022/04/15/bulk-1/`), 'the first bulk post');
    assert.equal((await get(`${srv.url}/sitemap-3.xml`)).status, 404);
    assert.equal((await get(`${srv.url}/sitemap-0.xml`)).status, 404);
  });
});
