// The admin's "running the site" screens (issue 5): sections and the
// navigation order, sidebar blocks, settings, and their JSON API.  Every
// change is checked on the public site of the same running server (no
// restart), every refusal keeps what was typed, and every route answers
// 403 to the roles without CAP_SITE and to a request without the CSRF
// token, with nothing changed.
import { test, describe, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { newSite, startServer, cleanup, get, run, tempDir, stopClean, reportOnFailure, REPO_ROOT, siteSql } from './lib/gazette.mjs';
import { addUser, login, adminGet, adminPost, api, browserLogin } from './lib/admin.mjs';
import { launch, collectErrors } from './lib/browser.mjs';
import { LIMITS } from './lib/limits.mjs';

let site;
let srv;
let admin;
const roles = {}; // role -> session
let postId; // a published post
let pageSlug = 'about-us';

// On the site's own engine (SQLite, or PostgreSQL under make e2e-pg).
const sql = (query) => siteSql(site.dir, query);
// The rows of query, one string: a snapshot to compare (group_concat is
// SQLite's, string_agg PostgreSQL's).
const joined = (query) => sql(query).split('\n').join(';');

const setting = (key) => sql(`SELECT value FROM settings WHERE key = '${key}'`);

async function addItem(name, text) {
  const dir = await tempDir('gazette-e2e-md-');
  const f = path.join(dir, name);
  writeFileSync(f, text);
  const r = await run(['post', 'add', f, '--site', site.dir]);
  assert.equal(r.code, 0, r.stderr);
  return Number(/^(\d+)\t/.exec(r.stdout)[1]);
}

// The public navigation's section names, in order (anonymous: no cookie).
async function publicNav() {
  const home = await get(`${srv.url}/`);
  assert.equal(home.status, 200);
  return [...home.text.matchAll(/<a href="\/category\/[^"]*\/">([^<]*?)(?: <small>|<\/a>)/g)].map((m) => m[1]);
}

async function publicHome() {
  return (await get(`${srv.url}/`)).text;
}

const unescape = (s) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

// The value of the input named name in an HTML form.
function inputValue(html, name) {
  const m = new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`).exec(html) ??
    new RegExp(`<input[^>]*value="([^"]*)"[^>]*name="${name}"`).exec(html);
  return m?.[1];
}

function textareaValue(html, name) {
  return new RegExp(`<textarea[^>]*name="${name}"[^>]*>([^<]*)</textarea>`).exec(html)?.[1];
}

// The field-error paragraph that follows the field named name.
function fieldError(html, name) {
  const i = html.search(new RegExp(`name="${name}"`));
  if (i < 0) return undefined;
  const rest = html.slice(i);
  const next = rest.slice(1).search(/name="(?!csrf)[a-z_]+"/);
  const seg = next < 0 ? rest : rest.slice(0, next + 1);
  const m = /<p class="field-error"[^>]*>([^<]*)<\/p>/.exec(seg);
  return m ? unescape(m[1]) : undefined;
}

async function sectionsApi() {
  const r = await api(srv, admin, 'GET', '/api/v1/admin/sections');
  assert.equal(r.status, 200, r.text);
  return r.json;
}

async function blocksApi() {
  const r = await api(srv, admin, 'GET', '/api/v1/admin/blocks');
  assert.equal(r.status, 200, r.text);
  return r.json;
}

before(async () => {
  site = await newSite();
  for (const [login_, role] of [['ed', 'editor'], ['au', 'author'], ['co', 'contributor'], ['mo', 'moderator']]) {
    await addUser(site.dir, login_, role);
  }
  postId = await addItem('post.md', '---\ntitle: Pinned transcript\nstatus: published\n---\nBody of the pinned post.\n');
  await addItem('page.md', `---\ntitle: About us\nslug: ${pageSlug}\ntype: page\nstatus: published\n---\nWho we are.\n`);
  srv = await startServer(site.dir);
  admin = await login(srv, 'admin', site.password);
  for (const [login_, role] of [['ed', 'editor'], ['au', 'author'], ['co', 'contributor'], ['mo', 'moderator']]) {
    roles[role] = await login(srv, login_);
  }
});

afterEach((t) => reportOnFailure(t, srv));

after(async () => {
  await stopClean(srv);
  await cleanup();
});

describe('sections', () => {
  test('add, rename, reorder and delete; the public navigation follows', async () => {
    // A new site has one section (init's "News"); deleted first, as an
    // owner who wants other sections would, so that the navigation is
    // exactly the sections added here.
    assert.deepEqual(await publicNav(), ['News']);
    const news = sql("SELECT id FROM sections WHERE slug = 'news'");
    let r = await adminPost(srv, admin, `/admin/sections/${news}/`, { action: 'delete' });
    assert.equal(r.status, 303, r.text);
    assert.deepEqual(await publicNav(), []);
    r = await adminPost(srv, admin, '/admin/sections/', { action: 'add', name: 'All News', kind: 'posts', show_newest: '1' });
    assert.equal(r.status, 303, r.text);
    assert.match(r.headers.get('location'), /^\/admin\/sections\/\?added=\d+$/);
    r = await adminPost(srv, admin, '/admin/sections/', { action: 'add', name: 'Watch', slug: 'watch', kind: 'video' });
    assert.equal(r.status, 303, r.text);
    r = await adminPost(srv, admin, '/admin/sections/', { action: 'add', name: 'Cafe', kind: 'discussion' });
    assert.equal(r.status, 303, r.text);
    assert.deepEqual(await publicNav(), ['All News', 'Watch', 'Cafe']);
    const list = await adminGet(srv, admin, '/admin/sections/?added=1');
    assert.equal(list.status, 200);
    assert.match(list.text, /The section was added/);
    assert.match(list.text, /<code>all-news<\/code>/, 'the slug defaults to one made from the name');

    const secs = await sectionsApi();
    const byName = Object.fromEntries(secs.map((s) => [s.name, s]));
    assert.equal(byName.Watch.kind, 'video');
    assert.equal(byName['All News'].show_newest, true);

    // rename
    r = await adminPost(srv, admin, `/admin/sections/${byName.Cafe.id}/`, {
      action: 'save', name: 'The Cafe', slug: 'cafe', kind: 'discussion',
    });
    assert.equal(r.status, 303, r.text);
    assert.deepEqual(await publicNav(), ['All News', 'Watch', 'The Cafe']);

    // move up with the button (a plain form)
    r = await adminPost(srv, admin, `/admin/sections/${byName.Cafe.id}/`, { action: 'up' });
    assert.equal(r.status, 303);
    assert.deepEqual(await publicNav(), ['All News', 'The Cafe', 'Watch']);
    r = await adminPost(srv, admin, `/admin/sections/${byName['All News'].id}/`, { action: 'down' });
    assert.deepEqual(await publicNav(), ['The Cafe', 'All News', 'Watch']);
    // the first one up stays first
    r = await adminPost(srv, admin, `/admin/sections/${byName.Cafe.id}/`, { action: 'up' });
    assert.equal(r.status, 303);
    assert.deepEqual(await publicNav(), ['The Cafe', 'All News', 'Watch']);

    // the plain form of positions
    r = await adminPost(srv, admin, '/admin/sections/', {
      action: 'order',
      id: [byName.Cafe.id, byName['All News'].id, byName.Watch.id],
      pos: [3, 1, 2],
    });
    assert.equal(r.status, 303, r.text);
    assert.deepEqual(await publicNav(), ['All News', 'Watch', 'The Cafe']);

    // a post in Watch keeps existing when Watch is deleted
    const inWatch = await addItem('watch.md', '---\ntitle: A video post\nsection: watch\nstatus: published\n---\nx\n');
    assert.equal(sql(`SELECT section_id FROM posts WHERE id = ${inWatch}`), String(byName.Watch.id));
    const confirm = await adminGet(srv, admin, `/admin/sections/?delete=${byName.Watch.id}`);
    assert.equal(confirm.status, 200);
    assert.match(confirm.text, /Delete the section “Watch”\?/);
    assert.match(confirm.text, /Its 1 item keeps existing, with no section/);
    r = await adminPost(srv, admin, `/admin/sections/${byName.Watch.id}/`, { action: 'delete' });
    assert.equal(r.status, 303);
    assert.deepEqual(await publicNav(), ['All News', 'The Cafe']);
    assert.equal(sql(`SELECT count(*) FROM posts WHERE id = ${inWatch}`), '1');
    assert.equal(sql(`SELECT coalesce(CAST(section_id AS TEXT), 'none') FROM posts WHERE id = ${inWatch}`), 'none');
    assert.equal((await get(`${srv.url}/?p=${inWatch}`)).status, 301, 'the post is still reachable');
    assert.equal((await get(`${srv.url}/category/watch/`)).status, 404);
  });

  test('validation: the message sits next to its field and the input is kept', async () => {
    const before_ = sql('SELECT count(*) FROM sections');
    let r = await adminPost(srv, admin, '/admin/sections/', { action: 'add', name: '', slug: 'typed-slug', description: 'kept text', kind: 'podcast' });
    assert.equal(r.status, 400);
    assert.equal(fieldError(r.text, 'name'), 'Give the section a name.');
    assert.equal(inputValue(r.text, 'slug'), 'typed-slug');
    assert.equal(textareaValue(r.text, 'description'), 'kept text');
    assert.match(r.text, /<option value="podcast" selected>/);
    assert.match(r.text, /name="name" value="" required aria-invalid="true"/);

    for (const slug of ['admin', 'api', 'feed', 'page', 'tag', 'category', 'static', 'media', 'search', 'login', 'logout', '2024']) {
      r = await adminPost(srv, admin, '/admin/sections/', { action: 'add', name: 'Reserved one', slug });
      assert.equal(r.status, 400, slug);
      assert.match(fieldError(r.text, 'slug'), /reserved for the site's own addresses/, slug);
      assert.equal(inputValue(r.text, 'name'), 'Reserved one');
    }
    // a name that makes a reserved slug
    r = await adminPost(srv, admin, '/admin/sections/', { action: 'add', name: 'Search' });
    assert.equal(r.status, 400);
    assert.match(fieldError(r.text, 'slug'), /'search' is reserved/);

    r = await adminPost(srv, admin, '/admin/sections/', { action: 'add', name: 'Another', slug: 'bad slug/x' });
    assert.equal(r.status, 400);
    assert.match(fieldError(r.text, 'slug'), /A slug is letters, digits/);
    assert.equal(inputValue(r.text, 'slug'), 'bad slug/x');

    r = await adminPost(srv, admin, '/admin/sections/', { action: 'add', name: 'Duplicate', slug: 'all-news' });
    assert.equal(r.status, 409);
    assert.match(fieldError(r.text, 'slug'), /the slug 'all-news' is taken by another section/);
    assert.equal(inputValue(r.text, 'name'), 'Duplicate');

    r = await adminPost(srv, admin, '/admin/sections/', { action: 'add', name: 'Bad kind', kind: 'blog' });
    assert.equal(r.status, 400);
    assert.match(fieldError(r.text, 'kind'), /The kind is one of/);

    // LIM_SECTION_NAME_BYTES and LIM_SECTION_DESC_BYTES, crossed by one
    r = await adminPost(srv, admin, '/admin/sections/', { action: 'add', name: 'n'.repeat(LIMITS.LIM_SECTION_NAME_BYTES + 1), slug: 'long-name' });
    assert.equal(r.status, 400);
    assert.match(fieldError(r.text, 'name'), new RegExp(`longer than ${LIMITS.LIM_SECTION_NAME_BYTES} bytes`));
    r = await adminPost(srv, admin, '/admin/sections/', { action: 'add', name: 'Desc', slug: 'desc', description: 'd'.repeat(LIMITS.LIM_SECTION_DESC_BYTES + 1) });
    assert.equal(r.status, 400);
    assert.match(fieldError(r.text, 'description'), new RegExp(`longer than ${LIMITS.LIM_SECTION_DESC_BYTES} bytes`));
    assert.equal(sql('SELECT count(*) FROM sections'), before_, 'nothing was added');

    // at the limits it is accepted
    const ok = await api(srv, admin, 'POST', '/api/v1/admin/sections', {
      name: 'n'.repeat(LIMITS.LIM_SECTION_NAME_BYTES), slug: 'long-name', description: 'd'.repeat(LIMITS.LIM_SECTION_DESC_BYTES),
    });
    assert.equal(ok.status, 201, ok.text);
    assert.equal((await api(srv, admin, 'DELETE', `/api/v1/admin/sections/${ok.json.id}`)).status, 200);

    // the edit form keeps its input too
    const secs = await sectionsApi();
    const news = secs.find((s) => s.slug === 'all-news');
    r = await adminPost(srv, admin, `/admin/sections/${news.id}/`, { action: 'save', name: 'Renamed news', slug: 'cafe', kind: 'posts' });
    assert.equal(r.status, 409);
    assert.match(fieldError(r.text, 'slug'), /taken by another section/);
    assert.equal(inputValue(r.text, 'name'), 'Renamed news');
    assert.equal(sql(`SELECT name FROM sections WHERE id = ${news.id}`), 'All News');

    // a bad position in the plain order form
    r = await adminPost(srv, admin, '/admin/sections/', { action: 'order', id: secs.map((s) => s.id), pos: secs.map((_, i) => (i === 0 ? 'first' : i + 1)) });
    assert.equal(r.status, 400);
    assert.match(r.text, /A position is a whole number from 1 to/);
    assert.match(r.text, /name="pos" value="first"/);
  });

  test('JSON API: list, add, change, move, delete; LIM_SECTIONS', async () => {
    let r = await api(srv, admin, 'POST', '/api/v1/admin/sections', { name: 'Podcasts', kind: 'podcast', show_newest: true });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.slug, 'podcasts');
    const id = r.json.id;
    r = await api(srv, admin, 'POST', '/api/v1/admin/sections', { name: 'Again', slug: 'podcasts' });
    assert.equal(r.status, 409);
    assert.equal(r.json.field, 'slug');
    r = await api(srv, admin, 'POST', '/api/v1/admin/sections', { name: 'X', slug: 'admin' });
    assert.equal(r.status, 400);
    assert.equal(r.json.field, 'slug');
    r = await api(srv, admin, 'POST', '/api/v1/admin/sections', { name: 'X', colour: 'red' });
    assert.equal(r.status, 400);
    assert.match(r.json.error, /unknown field 'colour'/);
    r = await api(srv, admin, 'PUT', `/api/v1/admin/sections/${id}`, { name: 'Podcast', position: 0 });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.name, 'Podcast');
    assert.equal(r.json.position, 0);
    assert.equal((await publicNav())[0], 'Podcast');
    r = await api(srv, admin, 'PUT', `/api/v1/admin/sections/${id}`, { position: 99 });
    assert.equal(r.status, 400);
    assert.equal(r.json.field, 'position');
    r = await api(srv, admin, 'PUT', '/api/v1/admin/sections/999999', { name: 'x' });
    assert.equal(r.status, 404);
    r = await api(srv, admin, 'DELETE', `/api/v1/admin/sections/${id}`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { deleted: id, items_without_section: 0 });
    assert.ok(!(await publicNav()).includes('Podcast'));

    // LIM_SECTIONS: fill up, one more is refused
    const have = (await sectionsApi()).length;
    const made = [];
    for (let i = have; i < LIMITS.LIM_SECTIONS; i++) {
      r = await api(srv, admin, 'POST', '/api/v1/admin/sections', { name: `Filler ${i}` });
      assert.equal(r.status, 201, r.text);
      made.push(r.json.id);
    }
    r = await api(srv, admin, 'POST', '/api/v1/admin/sections', { name: 'One too many' });
    assert.equal(r.status, 400);
    assert.match(r.json.error, new RegExp(`at most ${LIMITS.LIM_SECTIONS} sections`));
    r = await adminPost(srv, admin, '/admin/sections/', { action: 'add', name: 'One too many' });
    assert.equal(r.status, 400);
    assert.match(r.text, /delete one first/);
    assert.equal(inputValue(r.text, 'name'), 'One too many');
    for (const m of made) assert.equal((await api(srv, admin, 'DELETE', `/api/v1/admin/sections/${m}`)).status, 200);
  });
});

// The public sidebar's block headings and buttons, in order.
async function sidebarParts() {
  const html = await publicHome();
  const aside = html.slice(html.indexOf('<section class="block'));
  return [...aside.matchAll(/<section class="block block-([a-z]+)">/g)].map((m) => m[1]);
}

describe('sidebar blocks', () => {
  test('add and configure a text block, see it on the public sidebar, reorder, delete', async () => {
    let r = await adminPost(srv, admin, '/admin/blocks/', { kind: 'text' });
    assert.equal(r.status, 303, r.text);
    const loc = r.headers.get('location');
    const id = Number(/edit=(\d+)/.exec(loc)[1]);
    const form = await adminGet(srv, admin, loc);
    assert.equal(form.status, 200);
    assert.match(form.text, /name="markdown"/);
    assert.match(form.text, /name="icon"/);
    assert.doesNotMatch(form.text, /name="days"/, 'only the fields of its kind');

    r = await adminPost(srv, admin, `/admin/blocks/${id}/`, {
      action: 'save', title: 'Community corner', icon: 'mail', markdown: 'Write to **the desk**.',
    });
    assert.equal(r.status, 303, r.text);
    let home = await publicHome();
    assert.match(home, /Community corner/);
    assert.match(home, /Write to <strong>the desk<\/strong>\./);
    assert.deepEqual(JSON.parse(sql(`SELECT config FROM blocks WHERE id = ${id}`)), {
      icon: 'mail', markdown: 'Write to **the desk**.', title: 'Community corner',
    });

    // a support block and a popular block through the form
    r = await adminPost(srv, admin, '/admin/blocks/', { kind: 'support' });
    const support = Number(/edit=(\d+)/.exec(r.headers.get('location'))[1]);
    r = await adminPost(srv, admin, `/admin/blocks/${support}/`, { action: 'save', label: 'Chip in', url: 'https://give.example.org/' });
    assert.equal(r.status, 303);
    r = await adminPost(srv, admin, '/admin/blocks/', { kind: 'pages' });
    const pages = Number(/edit=(\d+)/.exec(r.headers.get('location'))[1]);
    r = await adminPost(srv, admin, `/admin/blocks/${pages}/`, { action: 'save', title: 'About', pages: `${pageSlug}\n` });
    assert.equal(r.status, 303, r.text);
    home = await publicHome();
    assert.match(home, /<a class="button" href="https:\/\/give.example.org\/">Chip in<\/a>/);
    assert.match(home, new RegExp(`<a href="/${pageSlug}/">About us</a>`));
    assert.deepEqual(await sidebarParts(), ['text', 'support', 'pages']);

    // reorder: the support block up twice (forms), pages up once (API)
    await adminPost(srv, admin, `/admin/blocks/${support}/`, { action: 'up' });
    r = await adminPost(srv, admin, `/admin/blocks/${support}/`, { action: 'up' });
    assert.equal(r.status, 303);
    assert.deepEqual(await sidebarParts(), ['support', 'text', 'pages']);
    r = await api(srv, admin, 'PUT', `/api/v1/admin/blocks/${pages}`, { position: 1 });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(await sidebarParts(), ['support', 'pages', 'text']);
    const list = await adminGet(srv, admin, '/admin/blocks/');
    assert.ok(list.text.indexOf(`block-${support}"`) < list.text.indexOf(`block-${pages}"`));
    assert.ok(list.text.indexOf(`block-${pages}"`) < list.text.indexOf(`block-${id}"`));

    // delete, after a confirmation page
    const confirm = await adminGet(srv, admin, `/admin/blocks/?delete=${id}`);
    assert.match(confirm.text, /Delete this Custom text block\?/);
    r = await adminPost(srv, admin, `/admin/blocks/${id}/`, { action: 'delete' });
    assert.equal(r.status, 303);
    assert.doesNotMatch(await publicHome(), /Community corner/);
    assert.deepEqual(await sidebarParts(), ['support', 'pages']);
  });

  test('invalid configuration is refused with a message, input kept, nothing changed', async () => {
    let r = await adminPost(srv, admin, '/admin/blocks/', { kind: 'popular' });
    const id = Number(/edit=(\d+)/.exec(r.headers.get('location'))[1]);
    const cfg = () => sql(`SELECT config FROM blocks WHERE id = ${id}`);
    r = await adminPost(srv, admin, `/admin/blocks/${id}/`, { action: 'save', days: '0', limit: '5' });
    assert.equal(r.status, 400);
    assert.match(fieldError(r.text, 'days'), new RegExp(`whole number from 1 to ${LIMITS.LIM_POPULAR_DAYS}`));
    assert.equal(inputValue(r.text, 'days'), '0');
    assert.equal(inputValue(r.text, 'limit'), '5');
    r = await adminPost(srv, admin, `/admin/blocks/${id}/`, { action: 'save', days: '30', limit: 'ten' });
    assert.equal(r.status, 400);
    assert.match(fieldError(r.text, 'limit'), /whole number/);
    assert.equal(cfg(), '{}');
    r = await adminPost(srv, admin, `/admin/blocks/${id}/`, { action: 'save', days: '30', limit: '5' });
    assert.equal(r.status, 303);
    assert.match(await publicHome(), /Popular posts last 30 days/);

    // the advanced JSON box: bad JSON, an unknown key
    r = await adminPost(srv, admin, `/admin/blocks/${id}/`, { action: 'save', config_json: '{"days": 7,' });
    assert.equal(r.status, 400);
    assert.match(fieldError(r.text, 'config_json'), /not a JSON object/);
    assert.equal(textareaValue(r.text, 'config_json'), '{&quot;days&quot;: 7,');
    r = await adminPost(srv, admin, `/admin/blocks/${id}/`, { action: 'save', config_json: '{"days": 7, "colour": "red"}' });
    assert.equal(r.status, 400);
    assert.match(fieldError(r.text, 'config_json'), /'colour' is not a setting of a popular block/);
    r = await adminPost(srv, admin, `/admin/blocks/${id}/`, { action: 'save', config_json: '{"days": 7}' });
    assert.equal(r.status, 303);
    assert.equal(cfg(), '{"days":7}');

    // support: not http(s); pages: an unknown page; text: a bad icon
    r = await adminPost(srv, admin, '/admin/blocks/', { kind: 'support' });
    const sup = Number(/edit=(\d+)/.exec(r.headers.get('location'))[1]);
    r = await adminPost(srv, admin, `/admin/blocks/${sup}/`, { action: 'save', label: 'Give', url: 'javascript:alert(1)' });
    assert.equal(r.status, 400);
    assert.match(fieldError(r.text, 'url'), /http:\/\/ or https:\/\//);
    assert.equal(inputValue(r.text, 'label'), 'Give');
    r = await adminPost(srv, admin, '/admin/blocks/', { kind: 'pages' });
    const pg = Number(/edit=(\d+)/.exec(r.headers.get('location'))[1]);
    r = await adminPost(srv, admin, `/admin/blocks/${pg}/`, { action: 'save', title: 'Pages', pages: `${pageSlug}\nno-such-page` });
    assert.equal(r.status, 400);
    assert.match(fieldError(r.text, 'pages'), /no published page 'no-such-page'/);
    assert.equal(textareaValue(r.text, 'pages'), `${pageSlug}\nno-such-page`);
    // LIM_BLOCK_PAGES crossed by one (through the API, which checks alike)
    r = await api(srv, admin, 'PUT', `/api/v1/admin/blocks/${pg}`, { config: { pages: Array(LIMITS.LIM_BLOCK_PAGES + 1).fill(pageSlug) } });
    assert.equal(r.status, 400);
    assert.match(r.json.error, new RegExp(`at most ${LIMITS.LIM_BLOCK_PAGES} pages`));
    r = await api(srv, admin, 'PUT', `/api/v1/admin/blocks/${pg}`, { config: { pages: Array(LIMITS.LIM_BLOCK_PAGES).fill(pageSlug) } });
    assert.equal(r.status, 200, r.text);
    r = await adminPost(srv, admin, '/admin/blocks/', { kind: 'text' });
    const tx = Number(/edit=(\d+)/.exec(r.headers.get('location'))[1]);
    r = await adminPost(srv, admin, `/admin/blocks/${tx}/`, { action: 'save', title: 'T', icon: 'skull', markdown: 'kept' });
    assert.equal(r.status, 400);
    assert.match(fieldError(r.text, 'icon'), /one of info, chat or mail/);
    assert.equal(textareaValue(r.text, 'markdown'), 'kept');
    // LIM_BLOCK_TEXT_BYTES crossed by one
    r = await adminPost(srv, admin, `/admin/blocks/${tx}/`, { action: 'save', title: 'T', markdown: 'm'.repeat(LIMITS.LIM_BLOCK_TEXT_BYTES + 1) });
    assert.equal(r.status, 400);
    assert.match(fieldError(r.text, 'markdown'), new RegExp(`longer than ${LIMITS.LIM_BLOCK_TEXT_BYTES} bytes`));
    r = await adminPost(srv, admin, `/admin/blocks/${tx}/`, { action: 'save', title: 'T', markdown: 'm'.repeat(LIMITS.LIM_BLOCK_TEXT_BYTES) });
    assert.equal(r.status, 303);
    // an unknown kind
    r = await adminPost(srv, admin, '/admin/blocks/', { kind: 'weather' });
    assert.equal(r.status, 400);
    assert.match(r.text, /Choose one of the kinds listed/);
    for (const b of [id, sup, pg, tx]) assert.equal((await api(srv, admin, 'DELETE', `/api/v1/admin/blocks/${b}`)).status, 200);
  });

  test('JSON API: add with config, refuse bad config, LIM_BLOCKS', async () => {
    let r = await api(srv, admin, 'POST', '/api/v1/admin/blocks', { kind: 'recent_comments', config: { limit: 4 } });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.json.config, { limit: 4 });
    const id = r.json.id;
    r = await api(srv, admin, 'POST', '/api/v1/admin/blocks', { kind: 'recent_comments', config: { limit: 500 } });
    assert.equal(r.status, 400);
    assert.equal(r.json.field, 'config.limit');
    r = await api(srv, admin, 'POST', '/api/v1/admin/blocks', { kind: 'clock' });
    assert.equal(r.status, 400);
    assert.equal(r.json.field, 'kind');
    r = await api(srv, admin, 'PUT', `/api/v1/admin/blocks/${id}`, { config: 'limit=3' });
    assert.equal(r.status, 400);
    r = await api(srv, admin, 'PUT', `/api/v1/admin/blocks/${id}`, { kind: 'text' });
    assert.equal(r.status, 400, 'the kind of a block is fixed');
    assert.equal(sql(`SELECT config FROM blocks WHERE id = ${id}`), '{"limit":4}');
    const have = (await blocksApi()).length;
    const made = [];
    for (let i = have; i < LIMITS.LIM_BLOCKS; i++) {
      r = await api(srv, admin, 'POST', '/api/v1/admin/blocks', { kind: 'search' });
      assert.equal(r.status, 201, r.text);
      made.push(r.json.id);
    }
    r = await api(srv, admin, 'POST', '/api/v1/admin/blocks', { kind: 'search' });
    assert.equal(r.status, 400);
    assert.match(r.json.error, new RegExp(`at most ${LIMITS.LIM_BLOCKS} blocks`));
    r = await adminPost(srv, admin, '/admin/blocks/', { kind: 'search' });
    assert.equal(r.status, 400);
    assert.match(r.text, /delete one first/);
    for (const m of [...made, id]) assert.equal((await api(srv, admin, 'DELETE', `/api/v1/admin/blocks/${m}`)).status, 200);
  });
});

// Every settings field of the form with its current value, as the page shows it.
async function settingsForm() {
  const r = await adminGet(srv, admin, '/admin/settings/');
  assert.equal(r.status, 200);
  const fields = {};
  for (const m of r.text.matchAll(/<input id="s-[a-z_]+" name="([a-z_]+)"[^>]*?value="([^"]*)"/g)) fields[m[1]] = m[2];
  for (const m of r.text.matchAll(/<textarea id="s-[a-z_]+" name="([a-z_]+)"[^>]*>([^<]*)<\/textarea>/g)) fields[m[1]] = m[2];
  for (const m of r.text.matchAll(/<select id="s-[a-z_]+" name="([a-z_]+)"[^>]*>(.*?)<\/select>/g)) {
    fields[m[1]] = /<option value="([^"]*)" selected>/.exec(m[2])?.[1] ?? '';
  }
  return { html: r.text, fields };
}

async function saveSettings(changes) {
  const { fields } = await settingsForm();
  const all = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, unescape(v)]));
  return adminPost(srv, admin, '/admin/settings/', { ...all, ...changes });
}

describe('settings', () => {
  test('title and tagline change the public pages without a restart', async () => {
    const pid = srv.proc.pid;
    const r = await saveSettings({ title: 'The Evening Ledger', tagline: 'Read what was said' });
    assert.equal(r.status, 303, r.text);
    assert.equal(r.headers.get('location'), '/admin/settings/?saved=1');
    const home = await publicHome();
    assert.match(home, /The Evening Ledger/);
    assert.match(home, /Read what was said/);
    const feed = await get(`${srv.url}/feed/`);
    assert.match(feed.text, /<title>The Evening Ledger<\/title>/);
    assert.equal(srv.proc.pid, pid);
    assert.ok(srv.running, 'the same server, not restarted');
    const page = await adminGet(srv, admin, '/admin/settings/?saved=1');
    assert.match(page.html ?? page.text, /The settings were saved/);
  });

  test('the site message shows as a banner linking to its post', async () => {
    let r = await saveSettings({ site_message: 'Read the pinned one', site_message_post: String(postId) });
    assert.equal(r.status, 303, r.text);
    const home = await publicHome();
    assert.match(home, /<strong>SITE MESSAGE:<\/strong> <a href="\/\d{4}\/\d{2}\/\d{2}\/pinned-transcript\/">Read the pinned one<\/a>/);
    const { html } = await settingsForm();
    assert.match(html, /Now: “Pinned transcript” \(published\)/);
    // a post that does not exist is refused next to the field
    r = await saveSettings({ site_message_post: '987654' });
    assert.equal(r.status, 400);
    assert.equal(fieldError(r.text, 'site_message_post'), 'There is no post 987654.');
    assert.equal(setting('site_message_post'), String(postId));
    // emptied: no banner
    r = await saveSettings({ site_message: '', site_message_post: '' });
    assert.equal(r.status, 303);
    assert.doesNotMatch(await publicHome(), /SITE MESSAGE/);
    assert.equal(sql("SELECT count(*) FROM settings WHERE key IN ('site_message', 'site_message_post')"), '0');
  });

  test('comment rules take effect: comments_hold=all holds a new comment', async () => {
    const { html } = await settingsForm();
    for (const key of ['comments_hold', 'comments_max_links', 'comments_held_words', 'comments_blocked_words',
      'comments_blocked_emails', 'comments_blocked_ips', 'comments_rate_minute', 'comments_rate_hour',
      'comments_min_seconds', 'comments_spam_threshold', 'comments_max_depth', 'comments_edit_minutes']) {
      assert.match(html, new RegExp(`name="${key}"`), key);
    }
    assert.match(html, /Default: <code>first<\/code>/);
    assert.match(html, /Default: <code>0.9<\/code>/);
    const comment = async (ip) => {
      const res = await fetch(`${srv.url}/api/v1/comments`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: srv.url, 'X-Forwarded-For': ip },
        body: JSON.stringify({ post_id: postId, author: 'Reader', email: 'reader@example.org', body: `A thought from ${ip}` }),
      });
      return { status: res.status, json: await res.json() };
    };
    let r = await saveSettings({ comments_hold: 'none' });
    assert.equal(r.status, 303, r.text);
    let c = await comment('10.20.0.1');
    assert.equal(c.status, 201, JSON.stringify(c.json));
    assert.equal(sql(`SELECT status FROM comments WHERE id = ${c.json.id}`), 'approved');
    r = await saveSettings({ comments_hold: 'all' });
    assert.equal(r.status, 303);
    assert.equal(setting('comments_hold'), 'all');
    c = await comment('10.20.0.2');
    assert.equal(c.status, 201, JSON.stringify(c.json));
    assert.equal(c.json.status, 'pending');
    assert.equal(sql(`SELECT status FROM comments WHERE id = ${c.json.id}`), 'pending');
    r = await saveSettings({ comments_hold: '' });
    assert.equal(r.status, 303);
    assert.equal(sql("SELECT count(*) FROM settings WHERE key = 'comments_hold'"), '0', 'empty: back to the default');
  });

  test('validation: each message next to its field, every typed value kept, nothing changed', async () => {
    const snapshot = joined("SELECT key || '=' || value FROM settings ORDER BY key");
    const r = await saveSettings({
      title: '',
      tagline: 'Kept tagline',
      support_url: 'ftp://files.example.org/',
      comments_max_links: '5000',
      comments_spam_threshold: '1.5',
      comments_hold: 'sometimes',
      comments_held_words: 'alpha, beta',
      smtp_host: 'mail example',
      smtp_port: '70000',
      smtp_from: 'not an address',
      smtp_user: 'mailer',
      smtp_retry_seconds: '-1',
    });
    assert.equal(r.status, 400);
    assert.equal(fieldError(r.text, 'title'), 'This cannot be empty.');
    assert.match(fieldError(r.text, 'support_url'), /http:\/\/ or https:\/\//);
    assert.equal(fieldError(r.text, 'comments_max_links'), 'Enter a whole number from 0 to 1000.');
    assert.match(fieldError(r.text, 'comments_spam_threshold'), /above 0 and at most 1/);
    assert.match(fieldError(r.text, 'comments_hold'), /Choose one/);
    assert.match(fieldError(r.text, 'smtp_host'), /host name/);
    assert.equal(fieldError(r.text, 'smtp_port'), 'Enter a whole number from 1 to 65535.');
    assert.match(fieldError(r.text, 'smtp_from'), /email address/);
    assert.match(fieldError(r.text, 'smtp_retry_seconds'), /whole number from 1 to 21600/);
    assert.equal(fieldError(r.text, 'tagline'), undefined);
    assert.equal(inputValue(r.text, 'tagline'), 'Kept tagline');
    assert.equal(inputValue(r.text, 'support_url'), 'ftp://files.example.org/');
    assert.equal(inputValue(r.text, 'comments_max_links'), '5000');
    assert.equal(inputValue(r.text, 'smtp_host'), 'mail example');
    assert.equal(inputValue(r.text, 'smtp_user'), 'mailer');
    assert.equal(textareaValue(r.text, 'comments_held_words'), 'alpha, beta');
    assert.match(r.text, /Some values were not saved/);
    assert.match(r.text, /name="title" value="" required aria-invalid="true"/);
    const after_ = joined("SELECT key || '=' || value FROM settings ORDER BY key");
    assert.equal(after_, snapshot, 'nothing was changed');

    // LIM_SITE_TEXT_BYTES crossed by one, and met
    let t = await saveSettings({ title: 't'.repeat(LIMITS.LIM_SITE_TEXT_BYTES + 1) });
    assert.equal(t.status, 400);
    assert.match(fieldError(t.text, 'title'), new RegExp(`longer than ${LIMITS.LIM_SITE_TEXT_BYTES} bytes`));
    t = await saveSettings({ title: 't'.repeat(LIMITS.LIM_SITE_TEXT_BYTES) });
    assert.equal(t.status, 303);
    t = await saveSettings({ title: 'The Evening Ledger' });
    assert.equal(t.status, 303);
  });

  test('SMTP: the URL is made from host, port and security; the password is never shown', async () => {
    let r = await saveSettings({
      smtp_host: 'mail.example.org', smtp_port: '', smtp_tls: 'tls', smtp_user: 'mailer',
      smtp_password: 's3cret-Pass', smtp_from: 'The Ledger <desk@example.org>', support_url: 'https://give.example.org/',
    });
    assert.equal(r.status, 303, r.text);
    assert.equal(setting('smtp_url'), 'smtps://mail.example.org:465');
    assert.equal(setting('smtp_password'), 's3cret-Pass');
    assert.equal(setting('smtp_from'), 'The Ledger <desk@example.org>');
    let { html, fields } = await settingsForm();
    assert.doesNotMatch(html, /s3cret-Pass/);
    assert.equal(fields.smtp_password, '');
    assert.equal(fields.smtp_host, 'mail.example.org');
    assert.equal(fields.smtp_port, '465');
    assert.equal(fields.smtp_tls, 'tls');
    assert.match(html, /\(saved; type to replace\)/);
    // left empty: unchanged
    r = await saveSettings({ smtp_port: '2525', smtp_tls: 'starttls' });
    assert.equal(r.status, 303);
    assert.equal(setting('smtp_password'), 's3cret-Pass');
    assert.equal(setting('smtp_url'), 'smtp://mail.example.org:2525');
    // an error elsewhere: the typed password is not echoed back either
    r = await saveSettings({ smtp_password: 'new-Pass-1', smtp_port: 'x' });
    assert.equal(r.status, 400);
    assert.doesNotMatch(r.text, /new-Pass-1|s3cret-Pass/);
    assert.equal(setting('smtp_password'), 's3cret-Pass');
    // forget it on request
    r = await saveSettings({ smtp_password_clear: '1' });
    assert.equal(r.status, 303);
    assert.equal(sql("SELECT count(*) FROM settings WHERE key = 'smtp_password'"), '0');
    // no host: mail off
    r = await saveSettings({ smtp_host: '' });
    assert.equal(r.status, 303);
    assert.equal(sql("SELECT count(*) FROM settings WHERE key = 'smtp_url'"), '0');
    ({ html } = await settingsForm());
    // no gazette.conf: the address served (serve's guess), shown read-only
    assert.ok(html.includes(`<code>${srv.url}</code></output>`), 'site_url shown');
    assert.match(html, /<output id="s-site_url"[^>]*><code>http:\/\/127\.0\.0\.1:\d+<\/code><\/output>/);
  });

  test('JSON API: GET and PUT; unknown keys refused; the password write-only', async () => {
    let r = await api(srv, admin, 'GET', '/api/v1/admin/settings');
    assert.equal(r.status, 200);
    assert.equal(r.json.settings.title, 'The Evening Ledger');
    assert.equal(r.json.defaults.comments_hold, 'first');
    assert.equal(r.json.site_url, srv.url, 'url of gazette.conf (here none: the address served)');
    assert.ok(!('smtp_password' in r.json.settings));
    r = await api(srv, admin, 'PUT', '/api/v1/admin/settings', { tagline: 'From the API', comments_max_links: 4, smtp_password: 'api-Secret-9' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.settings.tagline, 'From the API');
    assert.equal(r.json.settings.comments_max_links, '4');
    assert.equal(r.json.smtp_password_set, true);
    assert.doesNotMatch(r.text, /api-Secret-9/);
    assert.match(await publicHome(), /From the API/);
    r = await api(srv, admin, 'PUT', '/api/v1/admin/settings', { tagline: 'Not saved', favourite_colour: 'red' });
    assert.equal(r.status, 400);
    assert.match(r.json.error, /unknown setting 'favourite_colour'/);
    assert.equal(setting('tagline'), 'From the API', 'nothing changed');
    r = await api(srv, admin, 'PUT', '/api/v1/admin/settings', { comments_rate_hour: LIMITS.LIM_RATE_EVENTS + 1 });
    assert.equal(r.status, 400);
    assert.equal(r.json.field, 'comments_rate_hour');
    r = await api(srv, admin, 'PUT', '/api/v1/admin/settings', { smtp_url: 'http://mail.example.org' });
    assert.equal(r.status, 400);
    r = await api(srv, admin, 'PUT', '/api/v1/admin/settings', { smtp_url: 'smtp://mail.example.org:587', smtp_password: null, comments_max_links: null });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.smtp_password_set, false);
    assert.equal(r.json.settings.comments_max_links, null);
    r = await api(srv, admin, 'PUT', '/api/v1/admin/settings', { site_url: 'https://elsewhere.example/' });
    assert.equal(r.status, 400);
    assert.match(r.json.error, /gazette.conf/);
  });
});

describe('who may', () => {
  const routes = () => {
    const sec = sql('SELECT id FROM sections ORDER BY id LIMIT 1');
    const blk = sql('SELECT id FROM blocks ORDER BY id LIMIT 1');
    return [
      ['GET', '/admin/sections/'],
      ['POST', '/admin/sections/', { action: 'add', name: 'Sneaky' }],
      ['POST', `/admin/sections/${sec}/`, { action: 'delete' }],
      ['GET', '/admin/blocks/'],
      ['POST', '/admin/blocks/', { kind: 'search' }],
      ['POST', `/admin/blocks/${blk}/`, { action: 'delete' }],
      ['GET', '/admin/settings/'],
      ['POST', '/admin/settings/', { title: 'Sneaky' }],
      ['GET', '/api/v1/admin/sections'],
      ['POST', '/api/v1/admin/sections', { name: 'Sneaky' }],
      ['PUT', `/api/v1/admin/sections/${sec}`, { name: 'Sneaky' }],
      ['DELETE', `/api/v1/admin/sections/${sec}`],
      ['GET', '/api/v1/admin/blocks'],
      ['POST', '/api/v1/admin/blocks', { kind: 'search' }],
      ['PUT', `/api/v1/admin/blocks/${blk}`, { config: {} }],
      ['DELETE', `/api/v1/admin/blocks/${blk}`],
      ['GET', '/api/v1/admin/settings'],
      ['PUT', '/api/v1/admin/settings', { title: 'Sneaky' }],
    ];
  };
  const state = () => [
    joined('SELECT id || name || slug || position FROM sections ORDER BY id'),
    joined('SELECT id || kind || config || position FROM blocks ORDER BY id'),
    joined('SELECT key || value FROM settings ORDER BY key'),
  ];
  async function send(sess, method, p, body, opts = {}) {
    if (p.startsWith('/api/')) return api(srv, sess, method, p, method === 'GET' || method === 'DELETE' ? undefined : body, opts);
    if (method === 'GET') return adminGet(srv, sess, p);
    return adminPost(srv, sess, p, body, opts);
  }

  test('editor, author, contributor and moderator get 403 on every route, HTML and API', async () => {
    assert.ok(sql('SELECT count(*) FROM sections') > 0 && sql('SELECT count(*) FROM blocks') > 0, 'something to delete');
    const before_ = state();
    for (const role of ['editor', 'author', 'contributor', 'moderator']) {
      for (const [method, p, body] of routes()) {
        const r = await send(roles[role], method, p, body);
        assert.equal(r.status, 403, `${role} ${method} ${p}: ${r.status}`);
      }
    }
    assert.deepEqual(state(), before_, 'nothing changed');
    // signed out: the login page for screens, 401 for the API
    for (const [method, p, body] of routes()) {
      const r = await send(null, method, p, body);
      if (p.startsWith('/api/')) assert.equal(r.status, 401, `${method} ${p}`);
      else {
        assert.equal(r.status, 303, `${method} ${p}`);
        assert.match(r.headers.get('location'), /^\/login\?next=/);
      }
    }
    assert.deepEqual(state(), before_, 'nothing changed');
  });

  test('a missing or wrong CSRF token is a 403 and changes nothing', async () => {
    const before_ = state();
    for (const [method, p, body] of routes()) {
      if (method === 'GET') continue;
      if (p.startsWith('/api/')) {
        const none = await api(srv, { cookie: admin.cookie, csrf: '' }, method, p, body, {});
        const noHeader = await get(`${srv.url}${p}`, {
          method, headers: { Cookie: admin.cookie, Origin: srv.url, 'Content-Type': 'application/json' },
          body: method === 'DELETE' ? undefined : JSON.stringify(body),
        });
        const wrong = await api(srv, { cookie: admin.cookie, csrf: 'x'.repeat(admin.csrf.length) }, method, p, body);
        assert.equal(none.status, 403, `empty token ${method} ${p}`);
        assert.equal(noHeader.status, 403, `no token ${method} ${p}`);
        assert.equal(wrong.status, 403, `wrong token ${method} ${p}`);
      } else {
        const none = await adminPost(srv, admin, p, body, { csrf: false });
        const wrong = await adminPost(srv, admin, p, { ...body, csrf: 'nope' });
        const foreign = await adminPost(srv, admin, p, body, { headers: { Origin: 'https://evil.example' } });
        assert.equal(none.status, 403, `no token ${p}`);
        assert.equal(wrong.status, 403, `wrong token ${p}`);
        assert.equal(foreign.status, 403, `foreign origin ${p}`);
        assert.match(none.text, /nothing was changed/);
      }
    }
    assert.deepEqual(state(), before_, 'nothing changed');
  });
});

describe('in a browser', () => {
  test('reorder sections with the buttons (no reload) and the public nav follows; settings screenshot', async () => {
    for (const s of await sectionsApi()) await api(srv, admin, 'DELETE', `/api/v1/admin/sections/${s.id}`);
    for (const name of ['Alpha', 'Bravo', 'Charlie']) {
      assert.equal((await api(srv, admin, 'POST', '/api/v1/admin/sections', { name })).status, 201);
    }
    assert.deepEqual(await publicNav(), ['Alpha', 'Bravo', 'Charlie']);
    const browser = await launch();
    try {
      const page = await browser.newPage();
      const errors = collectErrors(page);
      await browserLogin(page, srv, 'admin', site.password);
      errors.length = 0; // the dashboard is another area's (it may not exist yet)
      await page.goto(`${srv.url}/admin/sections/`);
      let navigations = 0;
      page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations += 1; });
      await page.click('button[aria-label="Move Charlie up"]');
      await page.waitForSelector('.site-live:not([hidden])');
      await page.click('button[aria-label="Move Charlie up"]');
      await page.waitForFunction(() => document.querySelector('tbody tr[data-id]')?.textContent.includes('Charlie'));
      assert.equal(navigations, 0, 'moved without a reload');
      const rows = await page.$$eval('tbody tr[data-id] td:nth-child(2) a', (as) => as.map((a) => a.textContent));
      assert.deepEqual(rows, ['Charlie', 'Alpha', 'Bravo']);
      assert.equal(await page.$eval('button[aria-label="Move Charlie up"]', (b) => b.disabled), true);
      assert.deepEqual(await publicNav(), ['Charlie', 'Alpha', 'Bravo']);
      await page.goto(`${srv.url}/`);
      const nav = await page.$$eval('a[href^="/category/"]', (as) => as.map((a) => a.textContent.trim()));
      assert.deepEqual(nav.slice(0, 3), ['Charlie', 'Alpha', 'Bravo']);

      await page.setViewportSize({ width: 1100, height: 1600 });
      await page.goto(`${srv.url}/admin/settings/`);
      const out = path.join(REPO_ROOT, 'tests', 'e2e', 'artifacts');
      mkdirSync(out, { recursive: true });
      await page.screenshot({ path: path.join(out, 'admin-settings.png'), fullPage: true });
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
});
