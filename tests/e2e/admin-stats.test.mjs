// The admin's numbers (issue 5): the dashboard at /admin/ for every role,
// per-post numbers at /admin/posts/ID/stats/, and their JSON twins.
//
// The clock is set with GAZETTE_NOW: T is 2024-06-01T12:00:00Z.  A first
// server runs ten days earlier (2024-05-22), where two readers open the
// "alpha" post; SIGTERM flushes their views.  The main server then runs at
// T, where three more readers open alpha in Chromium (a normal Chrome UA,
// distinct X-Forwarded-For addresses from loopback, which the server
// trusts), and one reader the post with a hostile title.  So the bars of
// 2024-05-22 and 2024-06-01 must say 2 and 3, and every day between 0.
// The HTTP tests below count on the Chromium readers' views: run the file
// whole, in order (--test-concurrency=1).
import { test, describe, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LIMITS } from './lib/limits.mjs';
import {
  newSite, startServer, run, get, tempDir, cleanup, stopClean, reportOnFailure, pathOf, REPO_ROOT, siteSql,
} from './lib/gazette.mjs';
import { addUser, login, adminGet, adminPost, api, browserLogin } from './lib/admin.mjs';
import { launch, collectErrors } from './lib/browser.mjs';

const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) '
  + 'Chrome/120.0.0.0 Safari/537.36';
const DAY = 86400;
const T = 1717243200; // 2024-06-01T12:00:00Z
const TODAY = '2024-06-01';
const EARLIER = '2024-05-22'; // T - 10 days
const HOSTILE = '<script>alert("x")</script> & "Quotes"';
const ARTIFACTS = path.join(REPO_ROOT, 'tests', 'e2e', 'artifacts');

after(cleanup);

let site;
let srv;
const posts = {};
const sess = {};

// SQL on the site's engine (rows a line each, '|' between columns).
const sql = (query) => siteSql(site.dir, query);

// `gazette post add` with this front matter: {id, path, slug}.
async function addPost(slug, title, front) {
  const dir = await tempDir('gazette-e2e-md-');
  const file = path.join(dir, `${slug}.md`);
  writeFileSync(file, `---\ntitle: ${title}\nslug: ${slug}\n${front}\n---\nThe body of ${slug}.\n`);
  const r = await run(['post', 'add', file, '--site', site.dir]);
  assert.equal(r.code, 0, r.stderr);
  const [id, url] = r.stdout.trim().split('\t');
  return { id: Number(id), path: pathOf(url), slug, title };
}

// One reader's view through the beacon, as views.js sends it.
async function beacon(server, id, ip) {
  const r = await get(`${server.url}/api/v1/views/${id}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'User-Agent': BROWSER_UA, 'X-Forwarded-For': ip },
    body: '{}',
  });
  assert.equal(r.status, 200, r.text);
  assert.equal(JSON.parse(r.text).counted, true, r.text);
}

// Poll (bounded) until check() holds: the flush runs every second.
async function eventually(check, ms = 8000) {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((res) => setTimeout(res, 100));
    }
  }
}

// The <title> texts of the chart's bars in an HTML page, in order.
function barTitles(html) {
  return [...html.matchAll(/<g class="col"><title>([^<]*)<\/title>/g)].map((m) => m[1]);
}

function dayTitle(html, date) {
  return barTitles(html).find((t) => t.startsWith(`${date}:`));
}

before(async () => {
  site = await newSite();
  for (const [login_, role] of [['ed', 'editor'], ['au', 'author'], ['au2', 'author'],
    ['mod', 'moderator'], ['con', 'contributor']]) await addUser(site.dir, login_, role);
  posts.alpha = await addPost('alpha', 'Alpha story', 'status: published\ndate: 2024-01-10');
  posts.beta = await addPost('beta', 'Beta story', 'status: published\ndate: 2024-01-11');
  posts.draft = await addPost('draft-one', 'A contributor draft', 'status: draft\ndate: 2024-01-12');
  posts.hostile = await addPost('hostile', HOSTILE, 'status: published\ndate: 2024-01-13');
  sql(`UPDATE posts SET author_id = (SELECT id FROM users WHERE login = 'au') WHERE slug = 'alpha';
       UPDATE posts SET author_id = (SELECT id FROM users WHERE login = 'au2') WHERE slug = 'beta';
       UPDATE posts SET author_id = (SELECT id FROM users WHERE login = 'con') WHERE slug = 'draft-one';`);
  posts.hostile.title = sql(`SELECT title FROM posts WHERE id = ${posts.hostile.id}`);

  // Ten days earlier: two readers of alpha, flushed by SIGTERM.
  const early = await startServer(site.dir, { env: { GAZETTE_NOW: String(T - 10 * DAY) } });
  try {
    await beacon(early, posts.alpha.id, '10.1.0.1');
    await beacon(early, posts.alpha.id, '10.1.0.2');
  } finally {
    await stopClean(early);
  }

  srv = await startServer(site.dir, { env: { GAZETTE_NOW: String(T) } });
  // The submission form's stamp: a submission sent sooner than
  // comments_min_seconds (3) after it is taken for a bot's.
  const form = await get(`${srv.url}/submit/`);
  const stamp = /name="stamp" value="([^"]+)"/.exec(form.text)[1];
  const stampedAt = Date.now();
  sess.admin = await login(srv, site.login, site.password);
  for (const u of ['ed', 'au', 'au2', 'mod', 'con']) sess[u] = await login(srv, u);
  await beacon(srv, posts.hostile.id, '10.3.0.1');

  // Two comments wait for moderation; one is approved (the newest list).
  const ids = [];
  for (const [author, body, ip] of [['Ann', 'First comment, held.', '10.4.0.1'],
    ['Bob', 'Second <b>comment</b>, approved.', '10.4.0.2']]) {
    const r = await get(`${srv.url}/api/v1/comments`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: srv.url, 'X-Forwarded-For': ip },
      body: JSON.stringify({ post_id: posts.beta.id, author, email: `${author.toLowerCase()}@example.org`, body }),
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(JSON.parse(r.text).status, 'pending');
    ids.push(JSON.parse(r.text).id);
  }
  const ok = await run(['comments', 'approve', String(ids[1]), '--site', site.dir]);
  assert.equal(ok.code, 0, ok.stderr);

  // One guest submission waits for review.
  await new Promise((res) => setTimeout(res, Math.max(0, 3500 - (Date.now() - stampedAt))));
  const sub = await get(`${srv.url}/submit`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: srv.url, 'X-Forwarded-For': '10.5.0.1' },
    body: new URLSearchParams({ name: 'Guest', email: 'guest@example.com', title: 'A guest piece', body: 'Words.', stamp }).toString(),
  });
  assert.equal(sub.status, 303, sub.text);
  assert.equal(sql("SELECT count(*) FROM posts WHERE status = 'pending' AND submitter_email != ''"), '1');
});

after(() => stopClean(srv));
afterEach((t) => reportOnFailure(t, srv));

describe('in Chromium: readers make views, an editor reads them on the bars', () => {
  let browser;

  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  test('three readers open alpha today; the dashboard and the post\'s page say 3 on today\'s bar, 2 ten days ago', async () => {
    for (const ip of ['10.2.0.1', '10.2.0.2', '10.2.0.3']) {
      const ctx = await browser.newContext({ userAgent: BROWSER_UA, extraHTTPHeaders: { 'X-Forwarded-For': ip } });
      ctx.setDefaultTimeout(15000);
      try {
        const page = await ctx.newPage();
        const counted = page.waitForResponse((res) => res.url().endsWith(`/api/v1/views/${posts.alpha.id}`)
          && res.request().method() === 'POST');
        assert.equal((await page.goto(srv.url + posts.alpha.path, { waitUntil: 'load' })).status(), 200);
        assert.equal((await (await counted).json()).counted, true, `reader ${ip} counted`);
      } finally {
        await ctx.close();
      }
    }
    // past the flush: the database has them
    await eventually(async () => {
      const r = await api(srv, sess.ed, 'GET', `/api/v1/admin/posts/${posts.alpha.id}/stats?days=30`);
      assert.equal(r.json.days.at(-1).views, 3, JSON.stringify(r.json.days.at(-1)));
    });

    const ctx = await browser.newContext({ viewport: { width: 1280, height: 1100 } });
    ctx.setDefaultTimeout(15000);
    try {
      const page = await ctx.newPage();
      const errors = collectErrors(page);
      await browserLogin(page, srv, 'ed');
      assert.equal(new URL(page.url()).pathname, '/admin/');
      const chart = page.locator('#site-views svg.chart');
      await chart.waitFor();
      assert.equal(await chart.locator('g.col').count(), 90, '90 days, one bar each');
      assert.equal(await chart.locator('g.col > title', { hasText: `${TODAY}:` }).textContent(),
        `${TODAY}: 4 views`, 'today: three readers of alpha and one of the hostile post');
      assert.equal(await chart.locator('g.col > title', { hasText: `${EARLIER}:` }).textContent(),
        `${EARLIER}: 2 views`);
      assert.equal(await chart.locator('g.col > title', { hasText: '2024-05-23:' }).textContent(), '2024-05-23: 0 views');
      // the last bar is today, and it stands taller than the earlier one
      const titles = await chart.locator('g.col > title').allTextContents();
      assert.equal(titles.at(-1), `${TODAY}: 4 views`);
      assert.equal(titles[0], '2024-03-04: 0 views');
      const hToday = Number(await chart.locator('g.col').last().locator('rect.bar').getAttribute('height'));
      const hEarly = Number(await chart.locator('g.col').nth(90 - 11).locator('rect.bar').getAttribute('height'));
      assert.ok(Math.abs(hToday / hEarly - 2) < 0.01, `heights ${hToday} and ${hEarly} are as 4 to 2`);
      // axis labels, the newest day's included
      assert.ok(await chart.locator('text.xtick', { hasText: 'Jun 1' }).count() === 1);
      assert.ok(await chart.locator('text.ytick').count() >= 2);
      assert.match(await page.locator('#card-views').innerText(), /6\s+views in the last 90 days/);
      // the queues, linked
      assert.equal(await page.locator('#card-pending-comments').getAttribute('href'), '/admin/comments/');
      assert.match(await page.locator('#card-pending-comments').innerText(), /^1\s+comment waiting/);
      assert.equal(await page.locator('#card-pending-submissions').getAttribute('href'), '/admin/submissions/');
      assert.match(await page.locator('#card-pending-submissions').innerText(), /^1\s+submission waiting/);
      // the top posts, alpha first, and the hostile title shown as text
      const top = page.locator('#top-posts tbody tr');
      assert.equal(await top.count(), 2);
      assert.match(await top.nth(0).innerText(), /Alpha story\s.*\s5\s+5\s+Numbers/s);
      assert.equal(await top.nth(1).locator('td').nth(1).locator('a').innerText(), posts.hostile.title);
      assert.equal(await page.evaluate(() => window.hacked ?? null), null);
      assert.match(await page.locator('#newest-comments').innerText(), /Bob on Beta story/);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'admin-dashboard.png'), fullPage: true });

      // on to alpha's own numbers
      await Promise.all([page.waitForURL(/\/admin\/posts\/\d+\/stats\/$/), top.nth(0).getByRole('link', { name: 'Numbers' }).click()]);
      assert.equal(new URL(page.url()).pathname, `/admin/posts/${posts.alpha.id}/stats/`);
      const pchart = page.locator('#post-views svg.chart');
      assert.equal(await pchart.locator('g.col').count(), 90);
      assert.equal(await pchart.locator('g.col > title', { hasText: `${TODAY}:` }).textContent(), `${TODAY}: 3 views`);
      assert.equal(await pchart.locator('g.col > title', { hasText: `${EARLIER}:` }).textContent(), `${EARLIER}: 2 views`);
      assert.match(await page.locator('#card-views-total').innerText(), /^5\s+views in all/);
      assert.match(await page.locator('#card-views-window').innerText(), /^5\s+views in the last 90 days/);
      assert.match(await page.locator('#card-comments').innerText(), /^0\s+approved comments/);
      await page.screenshot({ path: path.join(ARTIFACTS, 'admin-post-stats.png'), fullPage: true });

      // a shorter window from the links: the earlier views fall out of it
      await Promise.all([page.waitForURL(/days=7$/), page.getByRole('link', { name: '7 days' }).click()]);
      assert.equal(await pchart.locator('g.col').count(), 7);
      assert.equal(await pchart.locator('g.col > title', { hasText: `${EARLIER}:` }).count(), 0);
      assert.match(await page.locator('#card-views-window').innerText(), /^3\s+views in the last 7 days/);
      // the days field: a bad value keeps what was typed and says why
      await page.fill('#days', 'forty');
      await Promise.all([page.waitForURL(/days=forty$/), page.click('.stats-days button')]);
      assert.equal(await page.inputValue('#days'), 'forty');
      assert.equal(await page.getAttribute('#days', 'aria-invalid'), 'true');
      assert.match(await page.locator('#days-error').innerText(), /days must be a whole number from 7 to/);
      // no CSP violation (inline style or script) and no script error;
      // the one expected line is Chromium noting the 400 itself
      assert.deepEqual(errors.filter((e) => !/status of 400 .*\?days=forty\)$/.test(e)), []);
      assert.equal(errors.length, 1, errors.join('\n'));
    } finally {
      await ctx.close();
    }
  });
});

describe('the numbers over HTTP', () => {
  test('GET /api/v1/admin/stats: continuous UTC days ending today, total, top, the queues', async () => {
    let r = await api(srv, sess.ed, 'GET', '/api/v1/admin/stats?days=7');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.days, [
      { date: '2024-05-26', views: 0 }, { date: '2024-05-27', views: 0 }, { date: '2024-05-28', views: 0 },
      { date: '2024-05-29', views: 0 }, { date: '2024-05-30', views: 0 }, { date: '2024-05-31', views: 0 },
      { date: TODAY, views: 4 },
    ]);
    assert.equal(r.json.total, 4);
    assert.equal(r.json.pending_comments, 1);
    assert.equal(r.json.pending_submissions, 1);
    assert.deepEqual(r.json.top.map((p) => [p.id, p.views]), [[posts.alpha.id, 3], [posts.hostile.id, 1]]);
    assert.equal(r.json.top[1].title, posts.hostile.title);
    assert.equal(r.json.top[0].url, `${srv.url}${posts.alpha.path}`); // the address served

    r = await api(srv, sess.admin, 'GET', '/api/v1/admin/stats');
    assert.equal(r.status, 200);
    assert.equal(r.json.days.length, 90, 'the default window is 90 days');
    assert.equal(r.json.days[0].date, '2024-03-04');
    assert.equal(r.json.days.find((d) => d.date === EARLIER).views, 2);
    assert.equal(r.json.days.reduce((n, d) => n + d.views, 0), 6);
    assert.equal(r.json.total, 6);
    // each day once, one after the other
    for (let i = 1; i < r.json.days.length; i++) {
      assert.equal(Date.parse(`${r.json.days[i].date}T00:00:00Z`) - Date.parse(`${r.json.days[i - 1].date}T00:00:00Z`), DAY * 1000);
    }

    r = await api(srv, sess.ed, 'GET', `/api/v1/admin/stats?days=${LIMITS.LIM_POPULAR_DAYS}`);
    assert.equal(r.status, 200);
    assert.equal(r.json.days.length, LIMITS.LIM_POPULAR_DAYS);
    assert.equal(r.json.total, 6);
  });

  test('bad ?days= is a 400 naming days, in JSON and on the screens (input kept)', async () => {
    for (const q of ['6', '0', '-1', 'abc', '', '7.5', '1e2', `${LIMITS.LIM_POPULAR_DAYS + 1}`]) {
      for (const p of ['/api/v1/admin/stats', `/api/v1/admin/posts/${posts.alpha.id}/stats`]) {
        const r = await api(srv, sess.ed, 'GET', `${p}?days=${encodeURIComponent(q)}`);
        assert.equal(r.status, 400, `${p}?days=${q}`);
        assert.match(r.json.error, /days must be a whole number from 7 to \d+/);
      }
    }
    for (const p of ['/admin/', `/admin/posts/${posts.alpha.id}/stats/`]) {
      const r = await adminGet(srv, sess.ed, `${p}?days=${LIMITS.LIM_POPULAR_DAYS + 1}`);
      assert.equal(r.status, 400, p);
      assert.match(r.text, new RegExp(`<input id="days" name="days" value="${LIMITS.LIM_POPULAR_DAYS + 1}"[^>]* aria-invalid="true"`));
      assert.match(r.text, /<p class="field-error" id="days-error">days must be a whole number from 7 to/);
      assert.equal(barTitles(r.text).length, 90, 'the default window is shown meanwhile');
      const q = await adminGet(srv, sess.ed, `${p}?days=%22%3E%3Cscript%3E`);
      assert.equal(q.status, 400);
      assert.match(q.text, /value="&quot;&gt;&lt;script&gt;"/);
      assert.doesNotMatch(q.text, /"><script>/);
    }
    // the longest window renders on the screens too
    const r = await adminGet(srv, sess.ed, `/admin/posts/${posts.alpha.id}/stats/?days=${LIMITS.LIM_POPULAR_DAYS}`);
    assert.equal(r.status, 200);
    assert.equal(barTitles(r.text).length, LIMITS.LIM_POPULAR_DAYS);
    assert.equal(dayTitle(r.text, TODAY), `${TODAY}: 3 views`);
  });

  test('GET /api/v1/admin/posts/ID/stats: the post\'s days and totals', async () => {
    let r = await api(srv, sess.ed, 'GET', `/api/v1/admin/posts/${posts.alpha.id}/stats?days=30`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.id, posts.alpha.id);
    assert.equal(r.json.title, 'Alpha story');
    assert.equal(r.json.status, 'published');
    assert.equal(r.json.days.length, 30);
    assert.equal(r.json.days.at(-1).date, TODAY);
    assert.deepEqual(r.json.days.filter((d) => d.views > 0), [{ date: EARLIER, views: 2 }, { date: TODAY, views: 3 }]);
    assert.equal(r.json.total, 5);
    assert.equal(r.json.views_total, 5);
    assert.equal(r.json.comments, 0);
    r = await api(srv, sess.ed, 'GET', `/api/v1/admin/posts/${posts.beta.id}/stats`);
    assert.equal(r.json.comments, 1, 'the approved comment');
    assert.equal(r.json.total, 0);
    r = await api(srv, sess.ed, 'GET', '/api/v1/admin/posts/999999/stats');
    assert.equal(r.status, 404);
    assert.match(r.json.error, /no such post/i);
  });

  test('the per-post page with no views shows the empty state; its own author sees it', async () => {
    const r = await adminGet(srv, sess.con, `/admin/posts/${posts.draft.id}/stats/`);
    assert.equal(r.status, 200);
    assert.match(r.text, /<p class="chart-empty">No views in these 90 days yet\./);
    assert.doesNotMatch(r.text, /<svg/);
    assert.match(r.text, /<span class="badge draft">draft<\/span>/);
  });

  test('roles: each sees only what it may open on the dashboard', async () => {
    const dash = {};
    for (const u of ['admin', 'ed', 'au', 'au2', 'mod', 'con']) {
      const r = await adminGet(srv, sess[u], '/admin/');
      assert.equal(r.status, 200, u);
      assert.equal(r.headers.get('cache-control'), 'private, no-store');
      assert.doesNotMatch(r.text, /<script>alert/, `${u}: titles escaped`);
      assert.doesNotMatch(r.text, / style=/, `${u}: no style attribute`);
      dash[u] = r.text;
    }
    for (const u of ['admin', 'ed']) {
      assert.match(dash[u], /id="site-views"/, u);
      assert.equal(dayTitle(dash[u], TODAY), `${TODAY}: 4 views`, u);
      assert.match(dash[u], /id="card-pending-comments" href="\/admin\/comments\/">\s*<span class="stat">1<\/span>/, u);
      assert.match(dash[u], /id="card-pending-submissions" href="\/admin\/submissions\/">\s*<span class="stat">1<\/span>/, u);
      assert.match(dash[u], /id="newest-comments"/, u);
      assert.match(dash[u], new RegExp(`href="/admin/posts/${posts.alpha.id}/stats/"`), u);
      assert.doesNotMatch(dash[u], /id="own-posts"/, u);
    }
    // authors: their own posts with their views, nothing site-wide
    for (const u of ['au', 'au2', 'con', 'mod']) {
      assert.doesNotMatch(dash[u], /<svg|id="site-views"|id="top-posts"|id="card-views"/, `${u}: no site-wide chart`);
      assert.doesNotMatch(dash[u], /id="card-pending-submissions"/, u);
    }
    assert.match(dash.au, /id="own-posts"/);
    assert.match(dash.au, new RegExp(`<a href="${posts.alpha.path}">Alpha story</a>.*?<td class="num">5</td><td class="num">5</td><td class="num">0</td><td><a href="/admin/posts/${posts.alpha.id}/stats/">Numbers</a>`, 's'));
    assert.doesNotMatch(dash.au, /Beta story/);
    assert.match(dash.au2, /Beta story/);
    assert.doesNotMatch(dash.au2, /Alpha story/);
    assert.match(dash.con, /A contributor draft/);
    assert.match(dash.con, new RegExp(`href="/admin/posts/${posts.draft.id}/stats/"`));
    assert.doesNotMatch(dash.con, /Alpha story/);
    // authors and contributors see no queue; a moderator sees the comments
    for (const u of ['au', 'au2', 'con']) assert.doesNotMatch(dash[u], /card-pending-comments|newest-comments/, u);
    assert.match(dash.mod, /id="card-pending-comments" href="\/admin\/comments\/">\s*<span class="stat">1<\/span>/);
    assert.match(dash.mod, /id="newest-comments"[\s\S]*<strong>Bob<\/strong> on <a href="[^"]*#comment-\d+">Beta story<\/a>/);
    assert.match(dash.mod, /Second &lt;b&gt;comment&lt;\/b&gt;, approved\./, 'comment text escaped');
    assert.doesNotMatch(dash.mod, /id="own-posts"|Write a post/);
    // the author's window follows ?days=
    const r = await adminGet(srv, sess.au, '/admin/?days=7');
    assert.match(r.text, /Views in the last 7 days.*?<td class="num">3<\/td><td class="num">5<\/td>/s);
  });

  test('roles: per-post numbers for all posts (editor, admin) or one\'s own (author, contributor); 403 otherwise', async () => {
    const cases = [
      ['admin', posts.alpha, 200], ['ed', posts.beta, 200], ['ed', posts.draft, 200],
      ['au', posts.alpha, 200], ['au', posts.beta, 403], ['au', posts.hostile, 403],
      ['au2', posts.alpha, 403], ['au2', posts.beta, 200],
      ['con', posts.draft, 200], ['con', posts.alpha, 403],
      ['mod', posts.alpha, 403], ['mod', posts.draft, 403],
    ];
    for (const [u, p, want] of cases) {
      const h = await adminGet(srv, sess[u], `/admin/posts/${p.id}/stats/`);
      assert.equal(h.status, want, `${u} HTML ${p.slug}`);
      const j = await api(srv, sess[u], 'GET', `/api/v1/admin/posts/${p.id}/stats`);
      assert.equal(j.status, want, `${u} API ${p.slug}`);
      if (want === 403) {
        assert.equal(typeof j.json.error, 'string');
        assert.equal(barTitles(h.text).length, 0, `${u}: no numbers on a 403`);
      }
    }
    // no such post: 404 for those who may see numbers at all
    for (const u of ['ed', 'au']) {
      assert.equal((await adminGet(srv, sess[u], '/admin/posts/999999/stats/')).status, 404, u);
      assert.equal((await api(srv, sess[u], 'GET', '/api/v1/admin/posts/999999/stats')).status, 404, u);
    }
  });

  test('roles: the site numbers API is for CAP_STATS only; signed out is 401 or the login page', async () => {
    for (const u of ['au', 'con', 'mod']) {
      const r = await api(srv, sess[u], 'GET', '/api/v1/admin/stats');
      assert.equal(r.status, 403, u);
      assert.equal(typeof r.json.error, 'string');
    }
    for (const p of ['/api/v1/admin/stats', `/api/v1/admin/posts/${posts.alpha.id}/stats`]) {
      const r = await api(srv, null, 'GET', p);
      assert.equal(r.status, 401, p);
    }
    for (const p of ['/admin/', `/admin/posts/${posts.alpha.id}/stats/`]) {
      const r = await adminGet(srv, null, p);
      assert.equal(r.status, 303, p);
      assert.match(r.headers.get('location'), /^\/login\?next=/);
    }
  });

  test('the numbers are read-only: a POST changes nothing', async () => {
    const before_ = sql('SELECT post_id, day, n FROM post_views ORDER BY post_id, day');
    for (const p of ['/admin/', `/admin/posts/${posts.alpha.id}/stats/`]) {
      const r = await adminPost(srv, sess.ed, p, { days: '7' });
      assert.equal(r.status, 405, p);
      const bad = await adminPost(srv, sess.ed, p, { days: '7' }, { csrf: false });
      assert.equal(bad.status, 405, p);
    }
    assert.equal(sql('SELECT post_id, day, n FROM post_views ORDER BY post_id, day'), before_);
  });
});
