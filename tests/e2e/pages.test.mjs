// Every reader page of the reference site (DESIGN.md §1) on a demo site:
// the front page with its banner and pagination, posts with previous/next,
// sections by kind, tags, date archives, static pages with their
// last-updated date, books, episodes, the sidebar blocks, shortlinks, a
// scheduled post going live by itself, and bad input never giving a 500.
import { test, describe, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { run, newSite, startServer, cleanup, tempDir, get, stopClean, reportOnFailure, PERMALINK_RE, eventually, siteSql } from './lib/gazette.mjs';
import { LIMITS } from './lib/limits.mjs';

const SQLITE3 = '/usr/bin/sqlite3';
const POSTS = 25; // demo posts: three pages of LIM_FRONT_POSTS

let site;
let srv;

// On the site's own engine (SQLite, or PostgreSQL under make e2e-pg).
const sql = (query) => siteSql(site.dir, query);

// Post links in <main> (the sidebar links posts too).
function mainLinks(html) {
  const main = html.slice(html.indexOf('<main'), html.indexOf('</main>'));
  return [...main.matchAll(/<h2><a href="([^"]+)"/g)].map((m) => m[1]);
}

before(async () => {
  site = await newSite({ demo: true, demoArgs: ['--posts', String(POSTS), '--comments', '60'] });
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

describe('front page', () => {
  test('site message banner links to a post; newest posts with date, views and comments', async () => {
    const r = await get(`${srv.url}/`);
    assert.equal(r.status, 200);
    assert.match(r.text, /SITE MESSAGE:<\/strong> <a href="\/\d{4}\/\d{2}\/\d{2}\/[^"]+\/">/);
    const links = mainLinks(r.text);
    assert.equal(links.length, LIMITS.LIM_FRONT_POSTS);
    assert.ok(links.every((l) => PERMALINK_RE.test(l)), links.join(' '));
    assert.match(r.text, /<time datetime="\d{4}-\d{2}-\d{2}T[^"]+">[A-Z][a-z]+ \d{1,2}, \d{4}<\/time>/);
    assert.match(r.text, /\d+ Views/);
    assert.match(r.text, /\d+ Comments?/);
  });

  test('pagination: /page/2/ continues where / stops, the last page ends, past it is 404', async () => {
    const p1 = mainLinks((await get(`${srv.url}/`)).text);
    const p2r = await get(`${srv.url}/page/2/`);
    assert.equal(p2r.status, 200);
    const p2 = mainLinks(p2r.text);
    assert.equal(p2.length, LIMITS.LIM_FRONT_POSTS);
    assert.equal(p1.filter((l) => p2.includes(l)).length, 0, 'no post on both pages');
    assert.match(p2r.text, /rel="prev" href="\/"/);
    assert.match(p2r.text, /rel="next" href="\/page\/3\/"/);
    const p3 = await get(`${srv.url}/page/3/`);
    assert.equal(mainLinks(p3.text).length, POSTS - 2 * LIMITS.LIM_FRONT_POSTS);
    assert.doesNotMatch(p3.text, /rel="next"/);
    assert.equal((await get(`${srv.url}/page/4/`)).status, 404);
    assert.equal((await get(`${srv.url}/page/0/`)).status, 404);
    assert.equal((await get(`${srv.url}/page/${LIMITS.LIM_PAGE_MAX + 1}/`)).status, 404);
    assert.equal((await get(`${srv.url}/page/99999999999999999999999/`)).status, 404);
    const one = await get(`${srv.url}/page/1/`);
    assert.equal(one.status, 301);
    assert.match(one.headers.get('location'), /\/$/);
  });

  test('navigation lists each section, with its newest date where configured', async () => {
    const r = await get(`${srv.url}/`);
    for (const name of ['All News', 'Watch', 'Dashboard', 'Cafe', 'Non-MSM News']) {
      assert.match(r.text, new RegExp(`<nav class="topnav"[\\s\\S]*>${name}`), name);
    }
    assert.match(r.text, /Watch <small>[A-Z][a-z]+ \d{1,2}, \d{4}<\/small>/);
  });
});

describe('a post', () => {
  test('title, views, date, comments, source, body, tags, section and previous/next', async () => {
    const links = mainLinks((await get(`${srv.url}/page/2/`)).text);
    const r = await get(srv.url + links[3]);
    assert.equal(r.status, 200);
    assert.match(r.text, /<h1>[^<]+<\/h1>/);
    assert.match(r.text, /<span data-views>\d+<\/span> Views/);
    assert.match(r.text, /<a href="#comments">\d+ Comments?<\/a>/);
    assert.match(r.text, /<a class="tag" href="\/tag\/[a-z0-9-]+\/" rel="tag">/);
    assert.match(r.text, /<p class="kicker"><a href="\/category\/[a-z-]+\/">/);
    const prev = /rel="prev" href="([^"]+)"/.exec(r.text);
    const next = /rel="next" href="([^"]+)"/.exec(r.text);
    assert.ok(prev && next, 'a post in the middle has both neighbours');
    // Newest first on the list: the next (newer) post is the one above.
    assert.equal(next[1], links[2]);
    assert.equal(prev[1], links[4]);
  });

  test('bad dates and slugs are 404, never 500', async () => {
    for (const p of ['/2022/13/45/x/', '/2022/02/31/x/', '/0000/01/01/x/', '/2022/04/27/no-such-post/',
      '/2022/04/27/%E2%82/', '/99999999999999999999/01/01/x/']) {
      const r = await get(srv.url + p);
      assert.equal(r.status, 404, p);
    }
  });
});

describe('sections by kind', () => {
  test('posts, video, podcast, discussion (by latest activity), dashboard, aggregator', async () => {
    const news = await get(`${srv.url}/category/news/`);
    assert.equal(news.status, 200);
    assert.match(news.text, /<h1>All News<\/h1>/);
    assert.match(news.text, /href="\/category\/news\/feed\/"/);
    const watch = await get(`${srv.url}/category/watch/`);
    assert.match(watch.text, /▶ Watch/);
    const pod = await get(`${srv.url}/category/podcasts/`);
    assert.match(pod.text, /<audio controls preload="none" src="[^"]+">/);
    const dash = await get(`${srv.url}/category/dashboard/`);
    assert.equal(mainLinks(dash.text).length, LIMITS.LIM_FRONT_POSTS, 'dashboard: the newest of everything');
    const agg = await get(`${srv.url}/category/non-msm-news/`);
    assert.equal(agg.status, 200);
    assert.match(agg.text, /class="empty"/);
    // Cafe sorts by latest activity: a comment on its oldest thread lifts it to the top.
    const cafe = mainLinks((await get(`${srv.url}/category/cafe/`)).text);
    assert.ok(cafe.length >= 2, 'the demo has open threads');
    const oldest = cafe[cafe.length - 1];
    const slug = decodeURIComponent(oldest.split('/')[4]);
    const id = sql(`SELECT id FROM posts WHERE slug = '${slug.replace(/'/g, "''")}'`);
    const now = Math.floor(Date.now() / 1000);
    sql(`INSERT INTO comments(post_id, author_name, body_src, body_html, status, created_at) VALUES (${id}, 'E2E', 'x', '<p>x</p>', 'approved', ${now});
         UPDATE posts SET comment_count = comment_count + 1, activity_at = ${now} WHERE id = ${id};`);
    // the server sees another process's commit within 50 ms
    let after;
    await eventually(async () => {
      after = mainLinks((await get(`${srv.url}/category/cafe/`)).text);
      return after[0] === oldest;
    });
    assert.equal(after[0], oldest);
  });

  test('an unknown section is 404', async () => {
    assert.equal((await get(`${srv.url}/category/no-such-section/`)).status, 404);
    assert.equal((await get(`${srv.url}/category/news/page/999/`)).status, 404);
  });
});

describe('tags, archives, pages, books, episodes', () => {
  test('a tag page lists its posts; an unknown tag is 404', async () => {
    const r = await get(`${srv.url}/tag/transcripts/`);
    assert.equal(r.status, 200);
    assert.match(r.text, /<h1>Tag: Transcripts<\/h1>/);
    assert.ok(mainLinks(r.text).length > 0);
    assert.equal((await get(`${srv.url}/tag/no-such-tag/`)).status, 404);
  });

  test('year and month archives list that span; a bad month is 404', async () => {
    // The newest post's month (UTC, the site's zone here), worked out in
    // JS so that the SQL reads alike on SQLite and PostgreSQL.
    const newest = new Date(Number(sql("SELECT max(published_at) FROM posts WHERE type='post'")) * 1000);
    const [y, mo] = [newest.getUTCFullYear(), newest.getUTCMonth()];
    const month = `${y}/${String(mo + 1).padStart(2, '0')}`;
    const from = Date.UTC(y, mo, 1) / 1000;
    const to = Date.UTC(y, mo + 1, 1) / 1000;
    const count = Number(sql(`SELECT count(*) FROM posts WHERE type='post' AND status='published' AND published_at >= ${from} AND published_at < ${to}`));
    const m = await get(`${srv.url}/${month}/`);
    assert.equal(m.status, 200);
    assert.equal(mainLinks(m.text).length, Math.min(count, LIMITS.LIM_FRONT_POSTS));
    assert.ok(mainLinks(m.text).every((l) => l.startsWith(`/${month}/`)));
    assert.equal((await get(`${srv.url}/${y}/`)).status, 200);
    assert.equal((await get(`${srv.url}/${y}/13/`)).status, 404);
    assert.equal((await get(`${srv.url}/${y}/00/`)).status, 404);
  });

  test('static pages show their last-updated date; the sidebar lists them with it', async () => {
    const r = await get(`${srv.url}/moderation-policy/`);
    assert.equal(r.status, 200);
    assert.match(r.text, /<h1>Moderation Policy<\/h1>/);
    assert.match(r.text, /Last updated <time datetime="[^"]+">[A-Z][a-z]+ \d{1,2}, \d{4}<\/time>/);
    const home = await get(`${srv.url}/`);
    assert.match(home.text, /<a href="\/terminology\/">Terminology<\/a> <span class="updated">\(last update [A-Z][a-z]+ \d{1,2}, \d{4}\)/);
  });

  test('the books page and a book show the order link; an episode has its audio', async () => {
    const books = await get(`${srv.url}/books/`);
    assert.equal(books.status, 200);
    assert.match(books.text, /ORDER NOW/);
    const book = /<h2><a href="(\/books\/[^"]+\/)"/.exec(books.text);
    assert.ok(book);
    assert.equal((await get(srv.url + book[1])).status, 200);
    assert.equal((await get(`${srv.url}/books/no-such-book/`)).status, 404);
    const ep = await get(`${srv.url}/podcast/podcast-episode-1/`);
    assert.equal(ep.status, 200);
  });

  test('/?p=ID is a 301 to the permalink; an unknown id is 404, a badly encoded one 400', async () => {
    const id = sql("SELECT id FROM posts WHERE type='post' AND status='published' LIMIT 1");
    const r = await get(`${srv.url}/?p=${id}`);
    assert.equal(r.status, 301);
    assert.match(new URL(r.headers.get('location')).pathname, PERMALINK_RE);
    for (const q of ['?p=abc', '?p=0', '?p=99999999', '?p=-1']) assert.equal((await get(`${srv.url}/${q}`)).status, 404, q);
    for (const q of ['?p=%ff', '?p=%zz']) assert.equal((await get(`${srv.url}/${q}`)).status, 400, q);
  });
});

describe('sidebar blocks', () => {
  test('support, search, archives with counts, pages, text with icon, books, popular, podcasts, recent comments', async () => {
    const r = await get(`${srv.url}/`);
    const side = r.text.slice(r.text.indexOf('<aside'), r.text.indexOf('</aside>'));
    assert.match(side, /class="button" href="https:\/\/donate\.example\.com\/">Support<\/a>/);
    assert.match(side, /<form action="\/" method="get" role="search"/);
    assert.match(side, /<a href="\/\d{4}\/\d{2}\/">[A-Z][a-z]+ \d{4}<\/a> <span class="count">\(\d+\)<\/span>/);
    assert.match(side, /<svg class="icon"[\s\S]*Community/);
    assert.match(side, /<strong>Cafe<\/strong>/);
    assert.match(side, /Bookshelf[\s\S]*ORDER NOW/);
    assert.match(side, /Popular posts last 90 days/);
    assert.match(side, /Podcasts[\s\S]*\/podcast\/podcast-episode-1\//);
    assert.match(side, /Recent comments[\s\S]*#comment-\d+/);
  });

  test('blocks follow the blocks table: a reordered block moves on the next page', async () => {
    sql("UPDATE blocks SET position = -1 WHERE kind = 'recent_comments'");
    const first = (aside) => aside.indexOf('Recent comments') < aside.indexOf('Support');
    let aside;
    await eventually(async () => {
      const side = (await get(`${srv.url}/`)).text;
      aside = side.slice(side.indexOf('<aside'));
      return first(aside);
    });
    assert.ok(aside.indexOf('Recent comments') < aside.indexOf('Support'), 'recent comments now first');
  });
});

describe('scheduled posts', () => {
  test('a post scheduled a few seconds ahead goes live with no request at its time', async () => {
    const md = await tempDir('gazette-e2e-md-');
    const when = new Date(Date.now() + 3000).toISOString().replace(/\.\d+Z$/, 'Z');
    const f = path.join(md, 'later.md');
    writeFileSync(f, `---\ntitle: Scheduled Story\nstatus: published\ndate: ${when}\n---\nLater.\n`);
    const r = await run(['post', 'add', f, '--site', site.dir]);
    assert.equal(r.code, 0, r.stderr);
    const url = new URL(r.stdout.split('\t')[1].trim()).pathname;
    assert.equal(sql("SELECT status FROM posts WHERE slug = 'scheduled-story'"), 'scheduled');
    assert.equal((await get(srv.url + url)).status, 404, 'not visible before its time');
    // No request to the server: its own timer publishes the post, at its
    // time and not before (the database is watched, not the site).
    const status = () => sql("SELECT status FROM posts WHERE slug = 'scheduled-story'");
    const seen = await eventually(() => status() === 'published' && Date.now(), { timeout: 3000 + 10000 });
    assert.ok(seen, `still ${status()} 10 s after its time`);
    assert.ok(seen >= Date.parse(when), `published ${Date.parse(when) - seen} ms before its time`);
    assert.equal((await get(srv.url + url)).status, 200);
  });
});

describe('bad input', () => {
  test('invalid UTF-8 and bad escapes: 400 in a query or as %00 in a path, else no such page', async () => {
    // ARCHITECTURE.md: a query argument badly encoded or not UTF-8 is a
    // 400, as is a bad escape (or %00) in the path; a path that decodes to
    // nothing we have is a 404; a long search is cut, not refused.
    const answers = {
      '/?s=%ff%fe': 400, '/?p=%': 400, '/%ff/': 404, '/tag/%ff/': 404, '/category/%00/': 400,
      ['/?s=' + 'x'.repeat(3000)]: 200, '/page/abc/': 404, '/page/-1/': 404, '/2026/page/0/': 404,
    };
    for (const [p, status] of Object.entries(answers)) {
      const r = await get(srv.url + p);
      assert.equal(r.status, status, p.slice(0, 40));
    }
  });
});

describe('media', () => {
  test('the books offer free EPUB and PDF downloads, served with HEAD, validators and byte ranges', async () => {
    const books = await get(`${srv.url}/books/`);
    // Each link counts the download (issue 16), then leads to the file.
    const file = async (re) => {
      const link = re.exec(books.text);
      if (!link) return null;
      const r = await get(srv.url + link[1]);
      assert.equal(r.status, 302, `${link[1]} redirects to the file`);
      assert.equal(r.headers.get('cache-control'), 'no-store');
      return [link[1], r.headers.get('location')];
    };
    const epub = await file(/href="(\/books\/[^"]+\/epub\/)"/);
    const pdf = await file(/href="(\/books\/[^"]+\/pdf\/)"/);
    assert.ok(epub && pdf, 'EPUB and PDF links');
    assert.match(epub[1], /^\/media\/books\/[^"]+\.epub$/);
    assert.match(pdf[1], /^\/media\/books\/[^"]+\.pdf$/);
    const side = (await get(`${srv.url}/`)).text;
    assert.match(side, /Free EPUB/);
    assert.match(side, /Free PDF/);
    const full = await fetch(srv.url + epub[1]);
    assert.equal(full.status, 200);
    assert.equal(full.headers.get('content-type'), 'application/epub+zip');
    assert.equal(full.headers.get('accept-ranges'), 'bytes');
    assert.equal(full.headers.get('x-content-type-options'), 'nosniff');
    const bytes = Buffer.from(await full.arrayBuffer());
    assert.equal(bytes.subarray(0, 4).toString('latin1'), 'PK\x03\x04', 'a zip (EPUB container)');
    assert.equal(bytes.subarray(30, 38).toString('latin1'), 'mimetype');
    const p = Buffer.from(await (await fetch(srv.url + pdf[1])).arrayBuffer());
    assert.equal(p.subarray(0, 8).toString('latin1'), '%PDF-1.4');
    const head = await fetch(srv.url + epub[1], { method: 'HEAD' });
    assert.equal(head.headers.get('content-length'), String(bytes.length));
    const part = await fetch(srv.url + epub[1], { headers: { Range: 'bytes=0-9' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 0-9/${bytes.length}`);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), bytes.subarray(0, 10));
    const tail = await fetch(srv.url + epub[1], { headers: { Range: 'bytes=-5' } });
    assert.deepEqual(Buffer.from(await tail.arrayBuffer()), bytes.subarray(bytes.length - 5));
    const past = await fetch(srv.url + epub[1], { headers: { Range: `bytes=${bytes.length}-` } });
    assert.equal(past.status, 416);
    assert.equal(past.headers.get('content-range'), `bytes */${bytes.length}`);
    // The last zero bytes: unsatisfiable (RFC 9110 section 14.1.1), not the whole file.
    const none = await fetch(srv.url + epub[1], { headers: { Range: 'bytes=-0' } });
    assert.equal(none.status, 416);
    assert.equal(none.headers.get('content-range'), `bytes */${bytes.length}`);
    const etag = full.headers.get('etag');
    assert.equal((await fetch(srv.url + epub[1], { headers: { 'If-None-Match': etag } })).status, 304);
  });

  test('nothing outside the media folder, and nothing hidden, is served', async () => {
    for (const p of ['/media/../gazette.db', '/media/%2e%2e/gazette.db', '/media/books/../../gazette.db',
      '/media/.hidden', '/media/', '/media/books/', '/media/books//x.pdf', '/media/no-such-file.pdf']) {
      const r = await get(srv.url + p);
      assert.equal(r.status, 404, p);
    }
  });
});
