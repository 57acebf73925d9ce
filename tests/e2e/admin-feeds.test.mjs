// The river's feeds in the admin (issue 15): the feeds screen and its JSON
// API, for editors and admins. A local HTTP server on loopback serves
// fixture feeds from $GAZETTE_FIXTURES/feeds, a page announcing one, and a
// page that is not a feed; feeds_allow_private is 1. Adding a feed does not
// fetch it in the request: the server's feed thread does within seconds,
// and follows the feed a page announces, so the tests wait on the state
// with eventually(). An author may not see or change anything here, nor
// may a request without the CSRF token. Keyword filters hide headlines
// already shown, and removing one shows them again. Chromium screenshots
// of the river, a source's page, the dashboard and the feeds screen go to
// tests/e2e/artifacts/.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run, newSite, startServer, stopClean, cleanup, get, eventually, REPO_ROOT } from './lib/gazette.mjs';
import { addUser, login, adminGet, adminPost, api, browserLogin } from './lib/admin.mjs';
import { launch, collectErrors } from './lib/browser.mjs';
import { LIMITS } from './lib/limits.mjs';
import { absent, fixture } from './lib/needs.mjs';
import { serveFeeds, announcing } from './lib/feeds.mjs';

const FEEDS = fixture('feeds', 'rss-parser', 'input');
const skip = absent(FEEDS);
const ARTIFACTS = path.join(REPO_ROOT, 'tests', 'e2e', 'artifacts');

let site;
let srv;
let feedServer;
let base;
let ed; // an editor
let au; // an author
const hits = new Map();

const gz = (...args) => run([...args, '--site', site.dir]);

const feeds = async (sess = ed) => {
  const r = await api(srv, sess, 'GET', '/api/v1/admin/feeds');
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const feedOf = async (id) => (await feeds()).find((f) => f.id === id);

// The headline titles of a river page.
async function titles(urlPath) {
  const p = await get(`${srv.url}${urlPath}`);
  assert.equal(p.status, 200, urlPath);
  return [...p.text.matchAll(/<li class="headline"><a [^>]*>([^<]*)<\/a>/g)].map((m) => m[1]);
}

before(async () => {
  if (skip) return;
  site = await newSite();
  feedServer = await serveFeeds(FEEDS, hits, {
    '/blog/': ['text/html', announcing('/feeds/heise.atom')],
    '/plain/': ['text/html', '<!doctype html><title>No feed here</title><p>Nothing announced.'],
  });
  base = `http://127.0.0.1:${feedServer.address().port}`;
  for (const args of [
    ['settings', 'set', 'feeds_allow_private', '1'],
    ['settings', 'set', 'river_keep_days', '0'], // the fixtures are years old
    ['sections', 'add', 'non-msm-news', '--name', 'Non-MSM News', '--kind', 'aggregator'],
    ['sections', 'add', 'elsewhere', '--name', 'Elsewhere', '--kind', 'aggregator'],
    ['sections', 'add', 'dash', '--name', 'Dashboard', '--kind', 'dashboard'],
  ]) {
    const r = await gz(...args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  }
  // two posts of our own, beside the river on the dashboard
  for (const [i, title] of ['Harbour hearing, day one', 'The council answers'].entries()) {
    const f = path.join(site.dir, `post-${i}.md`);
    writeFileSync(f, `---\ntitle: ${title}\nsection: news\nstatus: published\n---\nThe text of ${title}.\n`);
    const r = await gz('post', 'add', f);
    assert.equal(r.code, 0, r.stderr);
  }
  await addUser(site.dir, 'ed', 'editor');
  await addUser(site.dir, 'au', 'author');
  srv = await startServer(site.dir);
  ed = await login(srv, 'ed');
  au = await login(srv, 'au');
});
after(async () => {
  if (srv) await stopClean(srv);
  if (feedServer) feedServer.close();
  await cleanup();
});

describe('the feeds screen', { skip }, () => {
  let heise; // the feed followed through its page

  test('an author may not manage feeds; nor may a request without the CSRF token', async () => {
    assert.doesNotMatch((await adminGet(srv, au, '/admin/')).text, /href="\/admin\/feeds\/"/);
    assert.match((await adminGet(srv, ed, '/admin/')).text, /href="\/admin\/feeds\/"/);
    assert.equal((await adminGet(srv, au, '/admin/feeds/')).status, 403);
    assert.equal((await adminPost(srv, au, '/admin/feeds/', { url: `${base}/feeds/guardian.rss` })).status, 403);
    assert.equal((await adminPost(srv, au, '/admin/feeds/1/', { action: 'remove' })).status, 403);
    for (const [method, p, body] of [
      ['GET', '/api/v1/admin/feeds'],
      ['POST', '/api/v1/admin/feeds', { url: `${base}/feeds/guardian.rss` }],
      ['GET', '/api/v1/admin/feeds/1'],
      ['PUT', '/api/v1/admin/feeds/1', { enabled: false }],
      ['DELETE', '/api/v1/admin/feeds/1'],
      ['POST', '/api/v1/admin/feeds/1/fetch'],
      ['GET', '/api/v1/admin/feeds/filters'],
      ['POST', '/api/v1/admin/feeds/filters', { rule: 'x' }],
      ['DELETE', '/api/v1/admin/feeds/filters/1'],
    ]) {
      assert.equal((await api(srv, au, method, p, body)).status, 403, `${method} ${p}`);
    }
    // an editor without the token: refused, nothing added
    const r = await adminPost(srv, ed, '/admin/feeds/', { url: `${base}/feeds/guardian.rss` }, { csrf: false });
    assert.equal(r.status, 403);
    assert.equal((await get(`${srv.url}/api/v1/admin/feeds`)).status, 401);
    assert.deepEqual(await feeds(), []);
  });

  test('add by a page\'s URL: the feed thread follows the feed it announces', async () => {
    const r = await adminPost(srv, ed, '/admin/feeds/', { action: 'add', url: `${base}/blog/`, name: '', section: 'non-msm-news' });
    assert.equal(r.status, 303, r.text.slice(0, 300));
    assert.equal(r.headers.get('location'), '/admin/feeds/?added=1');
    const f = await eventually(async () => {
      const x = (await feeds())[0];
      // the page's fetch moves it to the feed; the feed's names it
      return x?.last_status === 200 && x.url.endsWith('/feeds/heise.atom') && x.name !== '' && x;
    }, { timeout: 15000 });
    assert.ok(f, 'the page led to its feed, fetched');
    heise = f.id;
    assert.equal(f.name, 'heise developer neueste Meldungen', 'the feed\'s own title');
    assert.equal(f.section, 'non-msm-news');
    assert.equal(f.enabled, true);
    assert.equal(f.discovering, false);
    assert.equal(f.errors, 0);
    assert.equal(f.last_error, '');
    assert.equal(f.interval, 3600);
    assert.equal(f.page, `/category/non-msm-news/?source=${heise}`);
    assert.ok(hits.get('/blog/') >= 1);
    assert.ok((await titles(f.page)).includes('Java-Anwendungsserver: Red Hat gibt WildFly 10 frei'));
    // the screen: every column a site owner looks at
    const page = await adminGet(srv, ed, '/admin/feeds/?added=1');
    assert.equal(page.status, 200);
    assert.match(page.text, /The feed was added/);
    const row = page.text.slice(page.text.indexOf(`id="feed-${heise}"`));
    const tr = row.slice(0, row.indexOf('</tr>'));
    assert.match(tr, /heise developer neueste Meldungen/);
    assert.match(tr, new RegExp(`${base.replace(/\./g, '\\.')}/feeds/heise\\.atom`));
    assert.match(tr, /<td>non-msm-news<\/td>/);
    assert.match(tr, /<td>enabled<\/td>/);
    assert.match(tr, /<td>60 min<\/td>/);
    assert.match(tr, /<td>\d{4}-\d\d-\d\d \d\d:\d\d UTC<\/td>/);
    assert.match(tr, /HTTP 200/);
    assert.match(tr, /<td class="errors">0<\/td>/);
    assert.match(tr, /Fetch now/);
  });

  test('refused adds keep what was typed, with the message by its field', async () => {
    const cases = [
      [{ url: 'ftp://example.org/feed' }, 400, /not an http:\/\/ or https:\/\/ URL/],
      [{ url: '' }, 400, /URL is needed/],
      [{ url: `${base}/feeds/${'x'.repeat(LIMITS.LIM_FEED_URL_BYTES)}` }, 400, /over \d+ bytes/],
      [{ url: `${base}/feeds/guardian.rss`, name: 'n'.repeat(LIMITS.LIM_FEED_TITLE_BYTES + 1) }, 400, /the name is over/],
      [{ url: `${base}/feeds/guardian.rss`, section: 'dash' }, 400, /not aggregator/],
      [{ url: `${base}/feeds/guardian.rss`, section: 'nowhere' }, 404, /.+/],
      [{ url: `${base}/feeds/heise.atom` }, 409, /followed already \(feed \d+\)/],
    ];
    for (const [fields, status, msg] of cases) {
      const r = await adminPost(srv, ed, '/admin/feeds/', { action: 'add', ...fields });
      assert.equal(r.status, status, `${JSON.stringify(fields).slice(0, 80)}: ${r.status}`);
      assert.match(r.text, /class="field-error"/);
      assert.match(r.text, msg);
      if (fields.url && fields.url.length < 200) assert.ok(r.text.includes(`value="${fields.url}"`), 'the URL typed is kept');
    }
    // the limit itself is accepted
    const name = 'n'.repeat(LIMITS.LIM_FEED_TITLE_BYTES);
    const r = await adminPost(srv, ed, '/admin/feeds/', { action: 'add', url: `${base}/feeds/guardian.rss`, name, section: 'non-msm-news' });
    assert.equal(r.status, 303);
    const g = (await feeds()).find((f) => f.url.endsWith('guardian.rss'));
    assert.equal(g.name, name);
    assert.equal((await api(srv, ed, 'DELETE', `/api/v1/admin/feeds/${g.id}`)).status, 200);
  });

  test('a page that announces no feed: the error is shown, the feed backs off', async () => {
    let r = await adminPost(srv, ed, '/admin/feeds/', { action: 'add', url: `${base}/plain/`, name: 'Plain' });
    assert.equal(r.status, 303);
    const f = await eventually(async () => (await feeds()).find((x) => x.name === 'Plain' && x.errors === 1), { timeout: 15000 });
    assert.ok(f);
    assert.match(f.last_error, /^not a feed, and no feed announced there/);
    assert.equal(f.discovering, true, 'a later fetch looks again');
    const page = await adminGet(srv, ed, '/admin/feeds/');
    const row = page.text.slice(page.text.indexOf(`id="feed-${f.id}"`));
    assert.match(row.slice(0, row.indexOf('</tr>')), /not a feed, and no feed announced there[\s\S]*<td class="errors">1<\/td>/);
    r = await adminPost(srv, ed, `/admin/feeds/${f.id}/`, { action: 'remove' });
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/admin/feeds/?removed=1');
    assert.equal((await feeds()).length, 1);
  });

  test('disable, enable, fetch now', async () => {
    let r = await adminPost(srv, ed, `/admin/feeds/${heise}/`, { action: 'disable' });
    assert.equal(r.status, 303);
    let f = await feedOf(heise);
    assert.equal(f.enabled, false);
    assert.equal(f.next_fetch_at, null);
    assert.match((await adminGet(srv, ed, '/admin/feeds/')).text, /<strong>disabled<\/strong>/);
    // a disabled feed is not fetched on demand
    r = await adminPost(srv, ed, `/admin/feeds/${heise}/`, { action: 'fetch' });
    assert.equal(r.status, 409);
    assert.match(r.text, /disabled: enable it to fetch it/);
    const before = hits.get('/feeds/heise.atom');
    r = await adminPost(srv, ed, `/admin/feeds/${heise}/`, { action: 'enable' });
    assert.equal(r.status, 303);
    // enabled again: due at once
    assert.ok(await eventually(async () => hits.get('/feeds/heise.atom') > before, { timeout: 15000 }));
    // that fetch applied: the next one is planned an interval on
    const after = await eventually(async () => {
      const x = await feedOf(heise);
      return x.last_fetch_at && Date.parse(x.next_fetch_at) - Date.parse(x.last_fetch_at) >= LIMITS.LIM_FEED_INTERVAL_MIN * 1000 && x;
    }, { timeout: 15000 });
    assert.ok(after);
    r = await adminPost(srv, ed, `/admin/feeds/${heise}/`, { action: 'fetch' });
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/admin/feeds/?fetching=1');
    const n = hits.get('/feeds/heise.atom');
    assert.ok(await eventually(async () => hits.get('/feeds/heise.atom') > n, { timeout: 15000 }));
  });

  test('edit the name, interval and section; the headlines move with the feed', async () => {
    const edit = await adminGet(srv, ed, `/admin/feeds/?edit=${heise}`);
    assert.match(edit.text, /id="e-interval" name="interval" value="60"/);
    const save = (fields) => adminPost(srv, ed, `/admin/feeds/${heise}/`, { action: 'save', enabled: '1', section: 'non-msm-news', ...fields });
    const min = LIMITS.LIM_FEED_INTERVAL_MIN / 60;
    const max = LIMITS.LIM_FEED_INTERVAL_MAX / 60;
    for (const interval of [String(min - 1), String(max + 1), 'soon', '']) {
      const r = await save({ name: 'Heise', interval });
      assert.equal(r.status, 400, interval);
      assert.match(r.text, new RegExp(`from ${min} to ${max}`));
      assert.ok(r.text.includes(`name="interval" value="${interval}"`), 'the interval typed is kept');
      assert.ok(r.text.includes('name="name" value="Heise"'), 'the name typed is kept');
    }
    let r = await save({ name: 'Heise', interval: String(min), section: 'dash' });
    assert.equal(r.status, 400);
    assert.match(r.text, /not aggregator/);
    assert.equal((await feedOf(heise)).name, 'heise developer neueste Meldungen', 'nothing saved');
    r = await save({ name: 'Heise', interval: String(max), section: 'elsewhere' });
    assert.equal(r.status, 303, r.text.slice(0, 500));
    const f = await feedOf(heise);
    assert.equal(f.name, 'Heise');
    assert.equal(f.interval, LIMITS.LIM_FEED_INTERVAL_MAX);
    assert.equal(f.section, 'elsewhere');
    assert.equal(f.page, `/category/elsewhere/?source=${heise}`);
    assert.ok((await titles('/category/elsewhere/')).includes('Java-Anwendungsserver: Red Hat gibt WildFly 10 frei'));
    assert.deepEqual(await titles('/category/non-msm-news/'), []);
    assert.equal((await get(`${srv.url}/category/non-msm-news/?source=${heise}`)).status, 404);
    assert.match((await get(`${srv.url}/category/elsewhere/?source=${heise}`)).text, /<h1>Heise<\/h1>/);
    // and back, by the minimum interval
    r = await save({ name: 'Heise', interval: String(min), section: 'non-msm-news' });
    assert.equal(r.status, 303);
    assert.equal((await feedOf(heise)).interval, LIMITS.LIM_FEED_INTERVAL_MIN);
    assert.ok((await titles('/category/non-msm-news/')).length > 0);
  });

  test('keyword filters hide the headlines shown already, and removing one shows them again', async () => {
    const wildfly = 'Java-Anwendungsserver: Red Hat gibt WildFly 10 frei';
    const scrum = 'Scrum Day 2016: Bewerbungen für Vorträge und Workshops';
    const river = `/category/non-msm-news/?source=${heise}`;
    assert.ok((await titles(river)).includes(wildfly));
    // of every feed, on the screen
    let r = await adminPost(srv, ed, '/admin/feeds/', { action: 'filter', rule: 'red   HAT' });
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/admin/feeds/?filtered=1#filters');
    assert.ok(!(await titles(river)).includes(wildfly), 'hidden at once, no fetch needed');
    const screen = await adminGet(srv, ed, '/admin/feeds/');
    const siteFilter = /<code>red {3}HAT<\/code>\s*<form[^>]*>(?:<input[^>]*>)*<input type="hidden" name="filter" value="(\d+)">/.exec(screen.text);
    assert.ok(siteFilter, 'the site\'s filter is listed with its remove button');
    // of this feed, on its edit panel
    r = await adminPost(srv, ed, '/admin/feeds/', { action: 'filter', rule: 'scrum day', feed: heise });
    assert.equal(r.status, 303);
    assert.ok(!(await titles(river)).includes(scrum));
    const panel = await adminGet(srv, ed, `/admin/feeds/?edit=${heise}`);
    assert.match(panel.text, /<code>scrum day<\/code>/);
    // refused rules keep what was typed
    for (const rule of ['   ', 'x'.repeat(LIMITS.LIM_FEED_FILTER_LINE_BYTES + 1)]) {
      r = await adminPost(srv, ed, '/admin/feeds/', { action: 'filter', rule });
      assert.equal(r.status, 400);
      assert.match(r.text, /class="field-error" id="s-rule-e"/);
    }
    r = await adminPost(srv, ed, '/admin/feeds/', { action: 'filter', rule: 'x'.repeat(LIMITS.LIM_FEED_FILTER_LINE_BYTES + 1), feed: heise });
    assert.equal(r.status, 400);
    assert.match(r.text, /class="field-error" id="e-rule-e"/);
    // removed: shown again
    r = await adminPost(srv, ed, '/admin/feeds/', { action: 'unfilter', filter: siteFilter[1] });
    assert.equal(r.status, 303);
    assert.ok((await titles(river)).includes(wildfly));
    assert.ok(!(await titles(river)).includes(scrum), 'the feed\'s own filter stays');
    const list = (await api(srv, ed, 'GET', '/api/v1/admin/feeds/filters')).json;
    assert.deepEqual(list.map((x) => [x.feed, x.rule]), [[heise, 'scrum day']]);
    r = await adminPost(srv, ed, '/admin/feeds/', { action: 'unfilter', filter: list[0].id, feed: heise });
    assert.equal(r.status, 303);
    assert.ok((await titles(river)).includes(scrum));
    r = await adminPost(srv, ed, '/admin/feeds/', { action: 'unfilter', filter: list[0].id });
    assert.equal(r.status, 404);
  });
});

describe('the feeds API', { skip }, () => {
  test('add, read, change, fetch, filter, remove', async () => {
    let r = await api(srv, ed, 'POST', '/api/v1/admin/feeds', { url: `${base}/feeds/guardian.rss`, name: 'Guardian', section: 'non-msm-news' });
    assert.equal(r.status, 201, r.text);
    const id = r.json.id;
    assert.equal(r.json.url, `${base}/feeds/guardian.rss`);
    assert.equal(r.json.discovering, true);
    assert.deepEqual(r.json.filters, []);
    const f = await eventually(async () => {
      const x = (await api(srv, ed, 'GET', `/api/v1/admin/feeds/${id}`)).json;
      return x.last_status === 200 && x;
    }, { timeout: 15000 });
    assert.equal(f.name, 'Guardian', 'a name given is kept');
    assert.equal(f.discovering, false);
    // refusals name the field
    for (const [body, status, field] of [
      [{ url: 'gopher://x' }, 400, 'url'],
      [{ url: `${base}/feeds/guardian.rss` }, 409, 'url'],
      [{ url: 7 }, 400, 'url'],
      [{ url: `${base}/a`, color: 'red' }, 400, 'color'],
      [{ url: `${base}/a`, section: 'dash' }, 400, 'section'],
    ]) {
      r = await api(srv, ed, 'POST', '/api/v1/admin/feeds', body);
      assert.equal(r.status, status, JSON.stringify(body));
      assert.equal(r.json.field, field, JSON.stringify(body));
    }
    for (const [body, field] of [
      [{ interval: LIMITS.LIM_FEED_INTERVAL_MIN - 1 }, 'interval'],
      [{ interval: LIMITS.LIM_FEED_INTERVAL_MAX + 1 }, 'interval'],
      [{ interval: '60' }, 'interval'],
      [{ enabled: 'yes' }, 'enabled'],
      [{ section: 'dash' }, 'section'],
      [{ name: 'x'.repeat(LIMITS.LIM_FEED_TITLE_BYTES + 1) }, 'name'],
    ]) {
      r = await api(srv, ed, 'PUT', `/api/v1/admin/feeds/${id}`, body);
      assert.equal(r.status, 400, JSON.stringify(body).slice(0, 80));
      assert.equal(r.json.field, field);
    }
    r = await api(srv, ed, 'PUT', `/api/v1/admin/feeds/${id}`, { interval: LIMITS.LIM_FEED_INTERVAL_MIN, section: 'elsewhere', enabled: false });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.interval, LIMITS.LIM_FEED_INTERVAL_MIN);
    assert.equal(r.json.section, 'elsewhere');
    assert.equal(r.json.enabled, false);
    assert.equal(r.json.name, 'Guardian', 'what is not sent stays');
    assert.ok((await titles('/category/elsewhere/')).some((t) => t.includes('Trump State of the Union')));
    r = await api(srv, ed, 'POST', `/api/v1/admin/feeds/${id}/fetch`);
    assert.equal(r.status, 409);
    r = await api(srv, ed, 'PUT', `/api/v1/admin/feeds/${id}`, { enabled: true, section: 'non-msm-news' });
    assert.equal(r.status, 200);
    const n = hits.get('/feeds/guardian.rss');
    r = await api(srv, ed, 'POST', `/api/v1/admin/feeds/${id}/fetch`);
    assert.equal(r.status, 202);
    assert.ok(await eventually(async () => hits.get('/feeds/guardian.rss') > n, { timeout: 15000 }));
    // a filter of this feed: hides what is stored, and the answer says how many
    r = await api(srv, ed, 'POST', '/api/v1/admin/feeds/filters', { rule: 'state of the union', feed: id });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.feed, id);
    assert.ok(r.json.hidden >= 2, `hidden ${r.json.hidden}`);
    const filterId = r.json.id;
    assert.ok(!(await titles('/category/non-msm-news/')).some((t) => /state of the union/i.test(t)));
    assert.deepEqual((await api(srv, ed, 'GET', `/api/v1/admin/feeds/${id}`)).json.filters, [{ id: filterId, feed: id, rule: 'state of the union' }]);
    for (const [body, field] of [[{ rule: '' }, 'rule'], [{ rule: 'x', feed: 999 }, 'feed'], [{ rule: 'x', feed: 'a' }, 'feed'], [{ rule: 'x', when: 1 }, 'when']]) {
      r = await api(srv, ed, 'POST', '/api/v1/admin/feeds/filters', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.json.field, field);
    }
    r = await api(srv, ed, 'DELETE', `/api/v1/admin/feeds/filters/${filterId}`);
    assert.equal(r.status, 200);
    assert.ok(r.json.shown >= 2);
    assert.ok((await titles('/category/non-msm-news/')).some((t) => /state of the union/i.test(t)));
    assert.equal((await api(srv, ed, 'DELETE', `/api/v1/admin/feeds/filters/${filterId}`)).status, 404);
    // an admin may too; then the feed goes, with its headlines
    const admin = await login(srv, site.login, site.password);
    r = await api(srv, admin, 'DELETE', `/api/v1/admin/feeds/${id}`);
    assert.equal(r.status, 200);
    assert.equal((await api(srv, ed, 'GET', `/api/v1/admin/feeds/${id}`)).status, 404);
    assert.ok(!(await titles('/category/non-msm-news/')).some((t) => /Trump/.test(t)));
  });
});

describe('in Chromium', { skip }, () => {
  test('the river, a source\'s page, the dashboard and the feeds screen (screenshots)', async () => {
    const browser = await launch();
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const errors = collectErrors(page);
      mkdirSync(ARTIFACTS, { recursive: true });
      // a second feed, added through the screen
      await browserLogin(page, srv, 'ed');
      await page.goto(`${srv.url}/admin/feeds/`);
      await page.fill('#a-url', `${base}/feeds/reddit.rss`);
      await Promise.all([page.waitForURL(/added=1/), page.getByRole('button', { name: 'Add feed' }).click()]);
      assert.match(await page.locator('p.notice.ok').innerText(), /The feed was added/);
      await eventually(async () => {
        await page.reload();
        return (await page.locator('table.feeds tbody tr').count()) === 2 &&
          !(await page.locator('table.feeds').innerText()).includes('waiting for the first fetch');
      }, { timeout: 15000 });
      // the river, one source's page, the dashboard, as a reader sees them
      await page.goto(`${srv.url}/category/non-msm-news/`);
      assert.ok(await page.locator('li.headline').count() > 0);
      await page.screenshot({ path: path.join(ARTIFACTS, 'river.png'), fullPage: true });
      const first = page.locator('li.headline a.source').first();
      const source = await first.innerText();
      await Promise.all([page.waitForURL(/\?source=\d+$/), first.click()]);
      assert.equal(await page.locator('h1').innerText(), source);
      await page.screenshot({ path: path.join(ARTIFACTS, 'river-source.png'), fullPage: true });
      await page.goto(`${srv.url}/category/dash/`);
      assert.ok(await page.locator('.river-column li.headline').count() > 0);
      assert.ok(await page.getByText('The council answers').count() > 0, 'our own posts beside the river');
      await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard.png'), fullPage: true });
      await page.goto(`${srv.url}/admin/feeds/`);
      await page.locator('table.feeds a', { hasText: 'Heise' }).first().click();
      await page.waitForURL(/edit=\d+#edit$/);
      assert.equal(await page.locator('#e-name').inputValue(), 'Heise');
      await page.screenshot({ path: path.join(ARTIFACTS, 'admin-feeds.png'), fullPage: true });
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
});
