// The site's time zone and date format (issue 17 part 6, decision 085):
// permalinks, day and month archives and dates on pages in the local time
// of a zone where the UTC date differs (Pacific/Auckland, America/Los_Angeles),
// across a DST change; a link made before the zone changed answers 301 to
// the post's permalink now; the admin editor's date field shows and reads
// local time; bad settings are refused.
import { test, describe, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { run, newSite, startServer, cleanup, tempDir, get, stopClean, reportOnFailure, pathOf, eventually, siteSql, ON_PG } from './lib/gazette.mjs';
import { login, adminGet, adminPost } from './lib/admin.mjs';
import { SQLITE3, absent } from './lib/needs.mjs';

let site;
let srv;
// SQL on the site's own engine (psql under make e2e-pg, else sqlite3).
const noSql = !ON_PG && absent(SQLITE3);

async function gz(...args) {
  const r = await run([...args, '--site', site.dir]);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

// `gazette post add` of a published post at date (UTC); {id, path}.
async function addPost(slug, date) {
  const dir = await tempDir('gazette-e2e-tz-');
  const file = path.join(dir, `${slug}.md`);
  writeFileSync(file, `---\ntitle: ${slug}\nslug: ${slug}\nstatus: published\ndate: ${date}\n---\nAbout ${slug}.\n`);
  const [id, url] = (await gz('post', 'add', file)).trim().split('\t');
  return { id: Number(id), path: pathOf(url) };
}

// The post slugs listed in <main>.
function listed(html) {
  const main = html.slice(html.indexOf('<main'), html.indexOf('</main>'));
  return [...main.matchAll(/<h2><a href="\/\d{4}\/\d\d\/\d\d\/([^/"]+)\/"/g)].map((m) => m[1]);
}

async function setZone(zone) {
  await gz('settings', 'set', 'timezone', zone);
  // the server reads the settings again when another process writes them
  const want = zone === 'Pacific/Auckland' ? 200 : 301;
  const status = await eventually(async () => {
    const r = await get(`${srv.url}/2026/07/01/kiwi/`);
    return r.status === want && r.status;
  });
  assert.equal(status, want);
}

// The sidebar's Archives block: its months, with their counts.
function archiveMonths(html) {
  return [...html.matchAll(/<a href="\/(\d{4})\/(\d\d)\/">[^<]*<\/a> <span class="count">\((\d+)\)/g)].map((m) => `${m[1]}-${m[2]}:${m[3]}`);
}

before(async () => {
  site = await newSite();
  if (!noSql) siteSql(site.dir, "INSERT INTO blocks(area, position, kind, config) VALUES ('sidebar', 1, 'archives', '{}')");
  await gz('settings', 'set', 'timezone', 'Pacific/Auckland');
  srv = await startServer(site.dir, { env: { GAZETTE_NOW: '1800000000' } });
});
afterEach((t) => reportOnFailure(t, srv));
after(async () => {
  try {
    await stopClean(srv);
  } finally {
    await cleanup();
  }
});

describe('timezone', () => {
  let kiwi;

  test('a post at 20:00 UTC on June 30 is dated July 1 in Auckland: its permalink, page and archives', async () => {
    kiwi = await addPost('kiwi', '2026-06-30T20:00:00Z');
    assert.equal(kiwi.path, '/2026/07/01/kiwi/', 'post add prints the local date');
    const page = await get(`${srv.url}/2026/07/01/kiwi/`);
    assert.equal(page.status, 200);
    assert.match(page.text, /<time datetime="2026-06-30T20:00:00Z">July 1, 2026<\/time>/);
    assert.deepEqual(listed((await get(`${srv.url}/2026/07/01/`)).text), ['kiwi']);
    assert.deepEqual(listed((await get(`${srv.url}/2026/07/`)).text), ['kiwi']);
    assert.deepEqual(listed((await get(`${srv.url}/2026/`)).text), ['kiwi']);
    assert.deepEqual(listed((await get(`${srv.url}/2026/06/30/`)).text), [], 'the UTC day holds nothing');
    assert.deepEqual(listed((await get(`${srv.url}/2026/06/`)).text), [], 'nor the UTC month');
    // the UTC date, as a link made before the zone was set: 301 to the post
    const old = await get(`${srv.url}/2026/06/30/kiwi/`);
    assert.equal(old.status, 301);
    assert.equal(pathOf(old.headers.get('location')), '/2026/07/01/kiwi/');
    const feed = await get(`${srv.url}/2026/06/30/kiwi/feed/`);
    assert.equal(feed.status, 301);
    assert.equal(pathOf(feed.headers.get('location')), '/2026/07/01/kiwi/feed/');
    // three days off is another date
    assert.equal((await get(`${srv.url}/2026/06/28/kiwi/`)).status, 404);
    if (!noSql) assert.deepEqual(archiveMonths(page.text), ['2026-07:1'], 'the sidebar counts the local month');
  });

  test('the zone changes to Los Angeles: the same post is June 30, the Auckland link answers 301', async () => {
    await setZone('America/Los_Angeles');
    const r = await get(`${srv.url}/2026/07/01/kiwi/`);
    assert.equal(pathOf(r.headers.get('location')), '/2026/06/30/kiwi/');
    const page = await get(`${srv.url}/2026/06/30/kiwi/`);
    assert.equal(page.status, 200);
    assert.match(page.text, />June 30, 2026<\/time>/);
    if (!noSql) assert.deepEqual(archiveMonths(page.text), ['2026-06:1'], 'the sidebar follows the zone at once');
    assert.deepEqual(listed((await get(`${srv.url}/2026/06/30/`)).text), ['kiwi']);
    assert.deepEqual(listed((await get(`${srv.url}/2026/07/01/`)).text), []);
    // 03:00 UTC on New Year's Day is still December 31 in Los Angeles
    const ny = await addPost('new-year', '2026-01-01T03:00:00Z');
    assert.equal(ny.path, '/2025/12/31/new-year/');
    assert.deepEqual(listed((await get(`${srv.url}/2025/`)).text), ['new-year']);
    assert.deepEqual(listed((await get(`${srv.url}/2025/12/31/`)).text), ['new-year']);
    assert.deepEqual(listed((await get(`${srv.url}/2026/01/`)).text), []);
  });

  test('DST: March 8, 2026 in Los Angeles lasts 23 hours, from 08:00 to 07:00 UTC', async () => {
    const first = await addPost('dst-first', '2026-03-08T08:00:00Z'); // 00:00 PST
    const last = await addPost('dst-last', '2026-03-09T06:59:59Z'); // 23:59:59 PDT
    const next = await addPost('dst-next', '2026-03-09T07:00:00Z'); // 00:00 PDT, March 9
    const before = await addPost('dst-before', '2026-03-08T07:59:59Z'); // 23:59:59 PST, March 7
    assert.equal(first.path, '/2026/03/08/dst-first/');
    assert.equal(last.path, '/2026/03/08/dst-last/');
    assert.equal(next.path, '/2026/03/09/dst-next/');
    assert.equal(before.path, '/2026/03/07/dst-before/');
    assert.deepEqual(listed((await get(`${srv.url}/2026/03/08/`)).text), ['dst-last', 'dst-first']);
    assert.deepEqual(listed((await get(`${srv.url}/2026/03/`)).text), ['dst-next', 'dst-last', 'dst-first', 'dst-before']);
    // November 1 lasts 25 hours: 07:00 UTC to 08:00 UTC the next day
    const late = await addPost('fall-late', '2026-11-02T07:59:59Z'); // 23:59:59 PST
    assert.equal(late.path, '/2026/11/01/fall-late/');
  });

  test('the editor shows and reads the date in the site\'s zone', async () => {
    const sess = await login(srv, site.login, site.password);
    const ed = await adminGet(srv, sess, `/admin/posts/${kiwi.id}/`);
    assert.equal(ed.status, 200);
    assert.match(ed.text, /name="date" value="2026-06-30 13:00"/);
    assert.match(ed.text, /Publish at <small>\(America\/Los_Angeles, /);
    const version = /name="version" value="(\d+)"/.exec(ed.text)[1];
    const r = await adminPost(srv, sess, `/admin/posts/${kiwi.id}/`, {
      title: 'kiwi', body: 'About kiwi.', excerpt: '', status: 'published', date: '2026-07-04 09:00', slug: 'kiwi',
      section: '', tags: '', source_url: '', comments_open: '1', version, do: 'save',
    });
    assert.equal(r.status, 303, r.text.slice(0, 500));
    const page = await get(`${srv.url}/2026/07/04/kiwi/`);
    assert.equal(page.status, 200);
    // 09:00 PDT is 16:00 UTC
    assert.match(page.text, /<time datetime="2026-07-04T16:00:00Z">July 4, 2026<\/time>/);
    const list = await adminGet(srv, sess, '/admin/posts/');
    assert.match(list.text, /Date \(America\/Los_Angeles\)/);
  });

  test('date_format: WordPress letters; bad values refused with the rule', async () => {
    await gz('settings', 'set', 'date_format', 'l, j. F Y');
    const text = await eventually(async () => {
      const page = await get(`${srv.url}/2026/07/04/kiwi/`);
      return />Saturday, 4\. July 2026<\/time>/.test(page.text) && page.text;
    });
    assert.ok(text, 'the page shows the new format');
    await gz('settings', 'set', 'date_format', 'F j, Y');
    for (const [key, value, re] of [
      ['timezone', 'Mars/Olympus', /time zone/],
      ['timezone', '../../etc/passwd', /time zone/],
      ['timezone', 'EST5EDT,M3.2.0,M11.1.0', /time zone/],
      ['date_format', '%Y-%m-%d', /%/],
      ['date_format', 'Y-m-d H:i', /letter/],
    ]) {
      const r = await run(['settings', 'set', key, value, '--site', site.dir]);
      assert.equal(r.code, 2, `${key}=${value}: ${r.stdout}`);
      assert.match(r.stderr, re);
    }
    assert.match(await gz('settings', 'get', 'timezone'), /America\/Los_Angeles/);
  });
});
