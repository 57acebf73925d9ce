// The river (issue 15): `gazette feeds` against a local HTTP server this
// test starts on loopback, serving fixture feeds from
// $GAZETTE_FIXTURES/feeds (with ETag and Last-Modified, so a second fetch
// is a 304), a page announcing one of them, a 404 and a body that is not
// a feed. feeds_allow_private is set to 1 (loopback is refused
// otherwise, which is tested too). Then the aggregator section's page:
// the headlines newest first, grouped by day, linking out, paginated by
// a keyset cursor; and the server's feed thread fetching a feed added
// while it runs.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { run, newSite, startServer, stopClean, cleanup, get, eventually } from './lib/gazette.mjs';
import { absent, fixture } from './lib/needs.mjs';
import { serveFeeds, announcing } from './lib/feeds.mjs';

const FEEDS = fixture('feeds', 'rss-parser', 'input');
const skip = absent(FEEDS);

let site;
let feedServer;
let base;
const hits = new Map();
let shown = 0; // headlines the first fetch added

const gz = (...args) => run([...args, '--site', site.dir]);

before(async () => {
  if (skip) return;
  site = await newSite();
  feedServer = await serveFeeds(FEEDS, hits, {
    '/page.html': ['text/html', announcing('/feeds/heise.atom')],
    // a feed whose one item is dated now: the top of the river
    '/today.rss': ['application/rss+xml', () => `<?xml version="1.0"?><rss version="2.0"><channel><title>Today</title>
          <link>https://today.example/</link><item><title>Fresh from the feed thread</title>
          <link>https://today.example/fresh</link><guid>fresh-1</guid>
          <pubDate>${new Date().toUTCString()}</pubDate></item></channel></rss>`],
    '/not-a-feed': ['text/plain', 'just words'],
  });
  base = `http://127.0.0.1:${feedServer.address().port}`;
});
after(async () => {
  if (feedServer) feedServer.close();
  await cleanup();
});

describe('gazette feeds', { skip }, () => {
  test('loopback is refused until feeds_allow_private is 1', async () => {
    const r = await gz('feeds', 'add', `${base}/feeds/guardian.rss`);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /feeds_allow_private/);
    assert.equal((await gz('feeds', 'list')).stdout, '');
    let s = await gz('settings', 'set', 'feeds_allow_private', '1');
    assert.equal(s.code, 0, s.stderr);
    // the fixtures are years old: keep them for good
    s = await gz('settings', 'set', 'river_keep_days', '0');
    assert.equal(s.code, 0, s.stderr);
  });

  test('add: a feed URL, and a page through autodiscovery', async () => {
    let r = await gz('feeds', 'add', `${base}/feeds/guardian.rss`, '--section', 'news');
    assert.equal(r.code, 2, 'news is not an aggregator');
    assert.match(r.stderr, /not aggregator/);
    r = await gz('sections', 'add', 'non-msm-news', '--name', 'Non-MSM News', '--kind', 'aggregator');
    assert.equal(r.code, 0, r.stderr);
    r = await gz('feeds', 'add', `${base}/feeds/guardian.rss`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^1\\t${base}/feeds/guardian\\.rss\\n$`));
    r = await gz('feeds', 'add', `${base}/page.html`, '--name', 'Heise');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `2\t${base}/feeds/heise.atom\n`);
    r = await gz('feeds', 'add', `${base}/feeds/guardian.rss`);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /followed already \(feed 1\)/);
    for (const bad of [`${base}/missing.rss`, `${base}/not-a-feed`, 'ftp://example.org/feed', 'file:///etc/passwd']) {
      r = await gz('feeds', 'add', bad);
      assert.equal(r.code, 2, `${bad}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1);
    }
    r = await gz('feeds', 'list');
    const rows = r.stdout.replace(/\n$/, '').split('\n').map((l) => l.split('\t'));
    assert.deepEqual(rows.map((x) => [x[0], x[2], x[3], x[4]]), [
      ['1', 'The Guardian', 'non-msm-news', 'enabled'],
      ['2', 'Heise', 'non-msm-news', 'enabled'],
    ]);
  });

  test('fetch: status, new headlines, then a 304 that adds nothing', async () => {
    let r = await gz('feeds', 'fetch');
    assert.equal(r.code, 0, r.stderr);
    let rows = r.stdout.replace(/\n$/, '').split('\n').map((l) => l.split('\t'));
    assert.equal(rows.length, 2);
    for (const x of rows) {
      assert.equal(x[2], '200', x.join(' '));
      assert.ok(Number(x[3]) > 0, x.join(' '));
      assert.equal(x[4], '');
      shown += Number(x[3]);
    }
    r = await gz('feeds', 'fetch', '1');
    assert.equal(r.code, 0, r.stderr);
    rows = r.stdout.replace(/\n$/, '').split('\n').map((l) => l.split('\t'));
    assert.deepEqual(rows.map((x) => [x[0], x[2], x[3]]), [['1', '304', '0']]);
  });

  test('remove, import and export (OPML 2.0)', async () => {
    let r = await gz('feeds', 'export');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /<opml version="2\.0">/);
    assert.match(r.stdout, new RegExp(`xmlUrl="${base}/feeds/heise\\.atom"`));
    const opml = path.join(site.dir, 'feeds.opml');
    writeFileSync(opml, `<?xml version="1.0"?><opml version="1.0"><body>
      <outline text="Folder"><outline text="Reddit" type="rss" xmlUrl="${base}/feeds/reddit.rss"/></outline>
      <outline text="Guardian" type="rss" xmlUrl="${base}/feeds/guardian.rss"/>
      <outline text="Odd" type="rss" xmlUrl="gopher://example.org/feed"/>
    </body></opml>`);
    r = await gz('feeds', 'import', opml);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '1 added, 1 followed already\n');
    r = await gz('feeds', 'export');
    assert.match(r.stdout, /<outline text="Folder"[^>]*>\s*<outline [^>]*xmlUrl="[^"]*reddit\.rss"/);
    // The imported feed's number from the list: PostgreSQL's identity may
    // have skipped one for the feed followed already (a sequence does not
    // give back what an insert that did nothing took), SQLite's not.
    const reddit = (await gz('feeds', 'list')).stdout.split('\n').map((l) => l.split('\t'))
      .find((x) => (x[1] || '').endsWith('/feeds/reddit.rss'));
    assert.ok(reddit, 'the imported feed is listed');
    r = await gz('feeds', 'remove', reddit[0]);
    assert.equal(r.code, 0, r.stderr);
    r = await gz('feeds', 'remove', reddit[0]);
    assert.equal(r.code, 2);
    r = await gz('feeds', 'remove', 'x');
    assert.equal(r.code, 2);
    assert.equal((await gz('feeds', 'list')).stdout.trim().split('\n').length, 2);
  });

  test('keyword filters hide matching headlines from the next fetch on', async () => {
    let r = await gz('feeds', 'add', `${base}/feeds/reddit.rss`);
    assert.equal(r.code, 0, r.stderr);
    const id = r.stdout.split('\t')[0];
    r = await gz('feeds', 'filter', 'add', 'TIGER');
    assert.equal(r.code, 0, r.stderr);
    const site = r.stdout.trim();
    r = await gz('feeds', 'filter', 'add', 'in my   coffee', '--feed', id);
    assert.equal(r.code, 0, r.stderr);
    r = await gz('feeds', 'filter', 'list');
    assert.equal(r.stdout, `${site}\tall\tTIGER\n${Number(site) + 1}\t${id}\tin my   coffee\n`);
    for (const bad of [['add', ''], ['add', 'x', '--feed', '99'], ['remove', 'x'], ['remove', '99']]) {
      r = await gz('feeds', 'filter', ...bad);
      assert.equal(r.code, 2, `${bad.join(' ')}: ${r.stderr}`);
    }
    r = await gz('feeds', 'fetch', id);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.split('\t')[3], '22', 'reddit.rss has 24 items, two filtered');
    r = await gz('feeds', 'filter', 'remove', site);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await gz('feeds', 'filter', 'list')).stdout.split('\n').length, 2);
    // out of the river again, for the page's tests
    r = await gz('feeds', 'remove', id);
    assert.equal(r.code, 0, r.stderr);
  });
});

// The headlines of a river page:
// [{title, href, rel, referrer, sourcePage, source, time}].
function headlines(html) {
  const out = [];
  const re = /<li class="headline"><a href="([^"]*)" rel="([^"]*)" referrerpolicy="([^"]*)">([^<]*)<\/a> <span class="meta"><a class="source" href="([^"]*)">([^<]*)<\/a> · <time datetime="([^"]*)">/g;
  for (let m; (m = re.exec(html));) {
    out.push({ href: m[1], rel: m[2], referrer: m[3], title: m[4], sourcePage: m[5].replace(/&amp;/g, '&'), source: m[6], time: m[7] });
  }
  return out;
}

describe('the aggregator section\'s page', { skip }, () => {
  let srv;
  before(async () => {
    if (skip) return;
    srv = await startServer(site.dir);
  });
  after(async () => {
    if (srv) await stopClean(srv);
  });

  test('newest first, grouped by day, linking out, paged by a cursor', async () => {
    let r = await gz('settings', 'set', 'river_per_page', '20');
    assert.equal(r.code, 0, r.stderr);
    const seen = [];
    let url = `${srv.url}/category/non-msm-news/`;
    for (let pages = 0; url; pages++) {
      assert.ok(pages < 50, 'the pages end');
      const p = await get(url);
      assert.equal(p.status, 200, url);
      const h = headlines(p.text);
      assert.ok(h.length > 0 && h.length <= 20, `${url}: ${h.length}`);
      for (const x of h) {
        assert.equal(x.rel, 'noopener nofollow ugc');
        assert.equal(x.referrer, 'no-referrer');
        assert.match(x.href, /^https?:\/\//);
        assert.ok(['The Guardian', 'Heise'].includes(x.source), x.source);
      }
      // a day heading before the first headline of each day
      assert.match(p.text, /<section class="river-day">\s*<h2><time datetime="\d{4}-\d{2}-\d{2}">/);
      seen.push(...h);
      const older = /<a rel="next" href="([^"]+)">Older/.exec(p.text);
      if (older) assert.match(older[1], /^\/category\/non-msm-news\/\?before=\d+\.\d+$/);
      url = older ? `${srv.url}${older[1].replace(/&amp;/g, '&')}` : null;
    }
    assert.equal(seen.length, shown, 'every headline once, on some page');
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i - 1].time >= seen[i].time, 'newest first');
    assert.ok(seen.some((x) => x.title.includes('Trump State of the Union')));
    assert.ok(seen.some((x) => x.title.includes('WildFly 10')));
    // one page per source: its headlines alone, paged the same way
    const heise = seen.find((x) => x.source === 'Heise').sourcePage;
    assert.match(heise, /^\/category\/non-msm-news\/\?source=2$/);
    let p = await get(`${srv.url}${heise}`);
    assert.equal(p.status, 200);
    assert.match(p.text, /<h1>Heise<\/h1>/);
    const mine = headlines(p.text);
    assert.equal(mine.length, 15, 'heise.atom has 15 entries, under 20 a page');
    assert.ok(mine.every((x) => x.source === 'Heise'));
    r = await gz('settings', 'set', 'river_per_page', '5');
    assert.equal(r.code, 0, r.stderr);
    // the server sees the CLI's commit within moments
    const older = await eventually(async () => /<a rel="next" href="([^"]+)">Older/.exec((await get(`${srv.url}${heise}`)).text));
    assert.match(older[1], /^\/category\/non-msm-news\/\?source=2&amp;before=\d+\.\d+$/);
    p = await get(`${srv.url}${older[1].replace(/&amp;/g, '&')}`);
    assert.deepEqual(headlines(p.text).map((x) => x.title), mine.slice(5, 10).map((x) => x.title));
    for (const bad of ['?before=x', '?before=1.', '?before=.5', 'page/2/', '?source=99', '?source=x']) {
      assert.equal((await get(`${srv.url}/category/non-msm-news/${bad}`)).status, 404, bad);
    }
  });

  test('the feed thread of the server fetches a feed added while it runs', async () => {
    const r = await gz('feeds', 'add', `${base}/today.rss`);
    assert.equal(r.code, 0, r.stderr);
    // no `feeds fetch`: the thread finds it due, and the cached page goes
    const top = await eventually(async () => {
      const h = headlines((await get(`${srv.url}/category/non-msm-news/`)).text);
      return h[0]?.source === 'Today' && h[0];
    }, { timeout: 15000 });
    assert.equal(top?.title, 'Fresh from the feed thread');
    // the navigation dates the section by its newest headline
    const today = new Date().toLocaleDateString('en-US', { month: 'long', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
    const page = await get(`${srv.url}/`);
    assert.match(page.text, new RegExp(`>Non-MSM News <small>${today}</small></a>`));
    assert.equal(hits.get('/today.rss') >= 2, true, 'add, then the thread');
  });

  test('the dashboard has the river beside the newest posts', async () => {
    const r = await gz('sections', 'add', 'dash', '--name', 'Dashboard', '--kind', 'dashboard');
    assert.equal(r.code, 0, r.stderr);
    const text = await eventually(async () => {
      const p = await get(`${srv.url}/category/dash/`);
      return p.status === 200 && p.text.includes('From other sites') && p.text;
    });
    assert.ok(text, 'the column');
    const col = text.slice(text.indexOf('class="river-column"'));
    assert.match(col, /<a href="https:\/\/today\.example\/fresh" rel="noopener nofollow ugc" referrerpolicy="no-referrer">Fresh from the feed thread<\/a> <span class="meta"><span class="source">Today<\/span>/);
    assert.equal((col.match(/<li class="headline">/g) ?? []).length, 10);
  });

  test('the river has a feed of its own, RSS and Atom', async () => {
    const rss = await get(`${srv.url}/category/non-msm-news/feed/`);
    assert.equal(rss.status, 200);
    assert.match(rss.headers.get('content-type'), /application\/rss\+xml/);
    const items = rss.text.match(/<item>/g) ?? [];
    assert.equal(items.length, 20);
    assert.match(rss.text, /<item>\s*<title>Fresh from the feed thread<\/title>\s*<link>https:\/\/today\.example\/fresh<\/link>/);
    const atom = await get(`${srv.url}/category/non-msm-news/feed/atom/`);
    assert.equal(atom.status, 200);
    assert.match(atom.text, /<entry>/);
    assert.match(atom.text, /<name>Today<\/name>/);
  });
});
