// View counting and "popular in the last N days" (DESIGN.md §2 and §3):
// POST /api/v1/views/ID from the post page's script, bots and repeats not
// counted, 404/415 JSON errors, the flush into the database (also on
// SIGTERM), and GET /api/v1/popular over a window set with GAZETTE_NOW.
//
// Every request says which User-Agent it sends: the server counts only
// browsers (a UA starting with "Mozilla/" and naming no bot), so Node's own
// fetch ("node") and chromium's headless UA ("HeadlessChrome") are bots.
// Distinct readers come from distinct X-Forwarded-For addresses, which the
// server trusts only from its trusted_proxies (by default 127.0.0.1 and
// ::1, a proxy on the same machine), as all of these requests come from;
// proxies.test.mjs covers other peers and lists of several entries.
import { test, describe, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { LIMITS } from './lib/limits.mjs';
import {
  newSite, startServer, run, get, tempDir, cleanup, stopClean, reportOnFailure, pathOf,
} from './lib/gazette.mjs';
import { launch, collectErrors } from './lib/browser.mjs';

const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) '
  + 'Chrome/120.0.0.0 Safari/537.36';
const BOT_UAS = [
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36',
  'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  'curl/7.88.1',
  'python-requests/2.31.0',
];
const DAY = 86400;

after(cleanup);

// `gazette post add` of a Markdown file with this front matter: {id, path}.
async function addPost(site, slug, front) {
  const dir = await tempDir('gazette-e2e-md-');
  const file = path.join(dir, `${slug}.md`);
  writeFileSync(file, `---\ntitle: Post ${slug}\nslug: ${slug}\n${front}\n---\nThe body of ${slug}.\n`);
  const r = await run(['post', 'add', file, '--site', site.dir]);
  assert.equal(r.code, 0, r.stderr);
  const [id, url] = r.stdout.trim().split('\t');
  return { id: Number(id), path: pathOf(url), slug };
}

// POST the beacon. ua: the User-Agent to send (null: Node's own, "node");
// ip: an X-Forwarded-For address; type: the Content-Type (null:
// none at all).
async function beacon(srv, id, { ua = BROWSER_UA, ip, type = 'application/json', body = '{}' } = {}) {
  const headers = {};
  if (ua !== null) headers['User-Agent'] = ua;
  if (ip) headers['X-Forwarded-For'] = ip;
  if (type) headers['Content-Type'] = type;
  const r = await get(`${srv.url}/api/v1/views/${id}`, {
    method: 'POST', headers, body: type === null ? undefined : body,
  });
  let json;
  try {
    json = JSON.parse(r.text);
  } catch {
    assert.fail(`POST /api/v1/views/${id}: not JSON (${r.status}): ${r.text}`);
  }
  assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
  return { status: r.status, json };
}

// The number in "N Views" on the post page as the server renders it now.
// An anonymous page may come from the page cache with a count up to a
// minute old (views do not drop cached pages; the beacon's answer updates
// the page): a request with a cookie is never answered from that cache.
async function pageViews(srv, p) {
  const r = await get(srv.url + p.path, { headers: { cookie: 'render=now' } });
  assert.equal(r.status, 200, `GET ${p.path}`);
  const m = /<span data-views>(\d+)<\/span>/.exec(r.text);
  assert.ok(m, `GET ${p.path}: no <span data-views>N</span>`);
  return Number(m[1]);
}

// Poll (bounded) until the rendered page shows want: the flush runs every
// second.
async function waitPageViews(srv, p, want, ms = 8000) {
  const until = Date.now() + ms;
  let n;
  for (;;) {
    n = await pageViews(srv, p);
    if (n === want || Date.now() > until) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(n, want, `${p.path} shows ${n} views, expected ${want}`);
}

async function popular(srv, query) {
  const r = await get(`${srv.url}/api/v1/popular${query}`);
  assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
  return { status: r.status, json: JSON.parse(r.text) };
}

describe('the view beacon', () => {
  let site;
  let srv;
  let post;
  let other;
  let draft;
  let scheduled;

  before(async () => {
    site = await newSite();
    post = await addPost(site, 'counted', 'status: published\ndate: 2022-04-27');
    other = await addPost(site, 'other', 'status: published\ndate: 2022-04-28');
    draft = await addPost(site, 'draft', 'status: draft\ndate: 2022-04-27');
    scheduled = await addPost(site, 'later', 'status: published\ndate: 2099-01-01');
    srv = await startServer(site.dir);
  });
  afterEach((t) => reportOnFailure(t, srv));
  after(() => stopClean(srv));

  test('a browser\'s view counts once; a repeat from the same IP within the window does not', async () => {
    let r = await beacon(srv, post.id, { ip: '192.0.2.1' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { id: post.id, views: 1, counted: true });
    r = await beacon(srv, post.id, { ip: '192.0.2.1' });
    assert.equal(r.status, 200, 'a repeat is answered 200 all the same');
    assert.deepEqual(r.json, { id: post.id, views: 1, counted: false });
    r = await beacon(srv, post.id, { ip: '192.0.2.2' });
    assert.deepEqual(r.json, { id: post.id, views: 2, counted: true });
    // the same reader on another post counts there
    r = await beacon(srv, other.id, { ip: '192.0.2.1' });
    assert.deepEqual(r.json, { id: other.id, views: 1, counted: true });
    // the loopback peer itself (no X-Forwarded-For) is one more reader, once
    r = await beacon(srv, post.id);
    assert.deepEqual(r.json, { id: post.id, views: 3, counted: true });
    r = await beacon(srv, post.id);
    assert.deepEqual(r.json, { id: post.id, views: 3, counted: false });
    await waitPageViews(srv, post, 3);
  });

  test('bot User-Agents, Node\'s fetch and a missing User-Agent do not count', async () => {
    const n0 = await pageViews(srv, post);
    let i = 10;
    for (const ua of [...BOT_UAS, null, '']) {
      const r = await beacon(srv, post.id, { ua, ip: `192.0.2.${i++}` });
      assert.equal(r.status, 200, `UA ${ua}`);
      assert.deepEqual(r.json, { id: post.id, views: n0, counted: false }, `UA ${JSON.stringify(ua)}`);
    }
    // a browser from one of those addresses still counts: only the UA decided
    const r = await beacon(srv, post.id, { ip: '192.0.2.10' });
    assert.deepEqual(r.json, { id: post.id, views: n0 + 1, counted: true });
  });

  test('unknown, draft and scheduled ids: 404 with a JSON error, nothing counted', async () => {
    for (const id of [999999, draft.id, scheduled.id, 0, '99999999999999999999999']) {
      const r = await beacon(srv, id, { ip: '198.51.100.1' });
      assert.equal(r.status, 404, `id ${id}`);
      assert.equal(typeof r.json.error, 'string', `id ${id}: ${JSON.stringify(r.json)}`);
      assert.ok(r.json.error.length > 0);
    }
  });

  test('anything but Content-Type: application/json is refused with 415', async () => {
    const n0 = (await beacon(srv, post.id, { ua: 'curl/7.88.1' })).json.views;
    const cases = [
      { type: 'text/plain', body: '{}' },
      { type: 'application/x-www-form-urlencoded', body: 'a=b' },
      { type: 'multipart/form-data; boundary=x', body: '--x--' },
      { type: 'application/jsonp', body: '{}' },
      { type: null },
    ];
    for (const c of cases) {
      const r = await beacon(srv, post.id, { ...c, ip: '203.0.113.77' });
      assert.equal(r.status, 415, `Content-Type ${c.type}`);
      assert.match(r.json.error, /application\/json/);
    }
    // parameters and case are fine
    const r = await beacon(srv, post.id, { type: 'Application/JSON; charset=utf-8', ip: '203.0.113.77' });
    assert.deepEqual(r.json, { id: post.id, views: n0 + 1, counted: true });
  });
});

describe('in Chromium', () => {
  let site;
  let srv;
  let post;
  let browser;

  before(async () => {
    site = await newSite();
    post = await addPost(site, 'read-me', 'status: published\ndate: 2022-04-27');
    srv = await startServer(site.dir);
    browser = await launch();
  });
  afterEach((t) => reportOnFailure(t, srv));
  after(async () => {
    await browser?.close();
    await stopClean(srv);
  });

  async function visit(context) {
    const page = await context.newPage();
    const errors = collectErrors(page);
    const beaconDone = page.waitForResponse((res) => res.url().endsWith(`/api/v1/views/${post.id}`)
      && res.request().method() === 'POST');
    const res = await page.goto(srv.url + post.path, { waitUntil: 'load' });
    assert.equal(res.status(), 200);
    const answer = await (await beaconDone).json();
    return { page, errors, answer };
  }

  test('opening the post raises its view count: the script shows it, and so does the page after a reload', async () => {
    const n0 = await pageViews(srv, post);
    const context = await browser.newContext({ userAgent: BROWSER_UA });
    context.setDefaultTimeout(15000);
    try {
      const { page, errors, answer } = await visit(context);
      assert.deepEqual(answer, { id: post.id, views: n0 + 1, counted: true });
      await page.waitForFunction((n) => document.querySelector('[data-views]')?.textContent === String(n),
        n0 + 1, { timeout: 5000 });
      // flushed within a second or so: the server-rendered page has it
      await waitPageViews(srv, post, n0 + 1);
      // a reload is a repeat from the same address: shown, not counted
      const again = page.waitForResponse((res) => res.url().endsWith(`/api/v1/views/${post.id}`));
      await page.reload({ waitUntil: 'load' });
      assert.deepEqual(await (await again).json(), { id: post.id, views: n0 + 1, counted: false });
      assert.equal(await page.locator('[data-views]').textContent(), String(n0 + 1));
      // English's plural: "1 View", "2 Views" (the script picks the form)
      assert.match(await page.locator('.views').innerText(), new RegExp(`^${n0 + 1} ${n0 + 1 === 1 ? 'View' : 'Views'}$`));
      assert.deepEqual(errors, [], 'no console errors');
    } finally {
      await context.close();
    }
  });

  test('headless chromium\'s own User-Agent is a bot: its visit does not count', async () => {
    const n0 = await pageViews(srv, post);
    const context = await browser.newContext(); // the default UA says HeadlessChrome
    context.setDefaultTimeout(15000);
    try {
      const { page, errors, answer } = await visit(context);
      assert.match(await page.evaluate(() => navigator.userAgent), /HeadlessChrome/);
      assert.deepEqual(answer, { id: post.id, views: n0, counted: false });
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
    // A reader counted after it: once the page shows that one, a flush has
    // written everything counted so far, and the bot's visit is not there.
    const reader = await beacon(srv, post.id, { ip: '198.51.100.77' });
    assert.deepEqual(reader.json, { id: post.id, views: n0 + 1, counted: true });
    await waitPageViews(srv, post, n0 + 1);
  });
});

describe('SIGTERM flush and popular in the last N days', () => {
  // 2024-06-01T12:00:00Z; the first run of the server is 100 days earlier.
  const T = 1717243200;
  let site;
  let posts;

  before(async () => {
    site = await newSite();
    posts = {
      old: await addPost(site, 'old-favourite', 'status: published\ndate: 2023-01-01'),
      mid: await addPost(site, 'steady', 'status: published\ndate: 2023-01-02'),
      new: await addPost(site, 'newcomer', 'status: published\ndate: 2023-01-03'),
      quiet: await addPost(site, 'quiet', 'status: published\ndate: 2023-01-04'),
      draft: await addPost(site, 'unseen', 'status: draft\ndate: 2023-01-05'),
    };
  });

  async function serveAt(t) {
    return startServer(site.dir, { env: { GAZETTE_NOW: String(t) } });
  }

  async function views(srv, p) {
    const r = await beacon(srv, p.id, { ua: 'curl/7.88.1' }); // a bot: reads, never counts
    assert.equal(r.status, 200);
    return r.json.views;
  }

  async function readers(srv, p, n, prefix) {
    for (let i = 1; i <= n; i++) {
      const r = await beacon(srv, p.id, { ip: `${prefix}.${i}` });
      assert.equal(r.json.counted, true);
    }
  }

  test('views counted just before SIGTERM are in the total after a restart', async () => {
    let srv = await serveAt(T - 100 * DAY);
    try {
      await readers(srv, posts.old, 5, '10.0.1');
      await readers(srv, posts.mid, 1, '10.0.2');
      assert.equal((await beacon(srv, posts.draft.id)).status, 404);
    } finally {
      await stopClean(srv); // at once: the flush thread may not have run
    }
    srv = await serveAt(T);
    try {
      assert.equal(await views(srv, posts.old), 5);
      assert.equal(await views(srv, posts.mid), 1);
      assert.equal(await views(srv, posts.new), 0);
      assert.equal(await pageViews(srv, posts.old), 5);
      // inside the 90 days before T
      await readers(srv, posts.mid, 3, '10.0.3');
      await readers(srv, posts.new, 2, '10.0.4');
      await readers(srv, posts.old, 1, '10.0.5');
    } finally {
      await stopClean(srv);
    }
  });

  test('popular: only views inside the window, most first; limit; defaults', async () => {
    const srv = await serveAt(T + 60);
    try {
      const item = (p, n) => ({
        id: p.id,
        title: `Post ${p.slug}`,
        url: `${srv.url}${p.path}`, // no url in gazette.conf: the address served
        date: `2023-01-0${Object.values(posts).indexOf(p) + 1}T00:00:00Z`,
        views: n,
      });
      let r = await popular(srv, '?days=90&limit=10');
      assert.equal(r.status, 200);
      // old has 5 views from 100 days ago (outside) and 1 inside
      assert.deepEqual(r.json, [item(posts.mid, 3), item(posts.new, 2), item(posts.old, 1)]);
      r = await popular(srv, '');
      assert.deepEqual(r.json, [item(posts.mid, 3), item(posts.new, 2), item(posts.old, 1)], 'defaults: 90 days, 10 posts');
      r = await popular(srv, '?days=120');
      assert.deepEqual(r.json, [item(posts.old, 6), item(posts.mid, 4), item(posts.new, 2)]);
      r = await popular(srv, '?days=120&limit=1');
      assert.deepEqual(r.json, [item(posts.old, 6)]);
      r = await popular(srv, '?days=1&limit=10');
      assert.deepEqual(r.json, [item(posts.mid, 3), item(posts.new, 2), item(posts.old, 1)], 'all of them today');
      r = await popular(srv, `?days=${LIMITS.LIM_POPULAR_DAYS}&limit=${LIMITS.LIM_POPULAR_LIMIT}`);
      assert.equal(r.status, 200);
      assert.equal(r.json.length, 3, 'the quiet post and the draft have no views');
    } finally {
      await stopClean(srv);
    }
  });

  test('popular: bad days or limit are a 400 with a JSON error', async () => {
    const srv = await serveAt(T);
    try {
      for (const q of ['?days=0', '?days=-1', '?days=abc', '?days=', `?days=${LIMITS.LIM_POPULAR_DAYS + 1}`,
        '?limit=0', `?limit=${LIMITS.LIM_POPULAR_LIMIT + 1}`, '?limit=1e3', '?days=90&limit=%20']) {
        const r = await popular(srv, q);
        assert.equal(r.status, 400, q);
        assert.match(r.json.error, /days|limit/, q);
      }
    } finally {
      await stopClean(srv);
    }
  });
});
