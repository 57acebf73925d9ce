// The admin's posts, pages and books (src/site/admin_posts.c): the list
// with filters, search and bulk actions; the editor (validation that keeps
// the input, slugs, statuses and who may set them, stale edits); live
// preview; autosave; revisions; the JSON API; and, in Chromium, writing a
// post with the live preview and scheduling it.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { LIMITS } from './lib/limits.mjs';
import { newSite, startServer, cleanup, reportOnFailure, stopClean, get, REPO_ROOT, siteSql } from './lib/gazette.mjs';
import { addUser, login, adminGet, adminPost, api, browserLogin } from './lib/admin.mjs';
import { launch, collectErrors } from './lib/browser.mjs';

const ARTIFACTS = path.join(REPO_ROOT, 'tests', 'e2e', 'artifacts');

let site;
let srv;
let browser; // launched by the first browser test, closed in after()
const S = {}; // sessions by login

before(async () => {
  site = await newSite({ demo: true, demoArgs: ['--posts', '5', '--comments', '0'] });
  for (const [l, role] of [['ed', 'editor'], ['ed2', 'editor'], ['au', 'author'], ['au2', 'author'], ['co', 'contributor'], ['mo', 'moderator']]) {
    await addUser(site.dir, l, role);
  }
  srv = await startServer(site.dir);
  for (const l of ['ed', 'ed2', 'au', 'au2', 'co', 'mo']) S[l] = await login(srv, l);
});

afterEach((t) => reportOnFailure(t, srv));

after(async () => {
  try {
    await browser?.close();
    await stopClean(srv);
  } finally {
    await cleanup();
  }
});

// Every field the editor's form sends, with fields over them.
function form(fields = {}) {
  return {
    title: '', body: '', excerpt: '', status: 'draft', date: '', slug: '', section: '', tags: '',
    source_url: '', comments_open: '1', version: '0', do: 'save', ...fields,
  };
}

// Create through the form; resolves with the new id.
async function create(sess, fields, { type } = {}) {
  const r = await adminPost(srv, sess, `/admin/posts/new${type ? `?type=${type}` : ''}`, form({ ...(type ? { type } : {}), ...fields }));
  assert.equal(r.status, 303, `create: ${r.status} ${r.text.slice(0, 500)}`);
  const m = /^\/admin\/posts\/(\d+)\/\?saved=1/.exec(r.headers.get('location'));
  assert.ok(m, r.headers.get('location'));
  return Number(m[1]);
}

async function getPost(id, sess = S.ed) {
  const r = await api(srv, sess, 'GET', `/api/v1/admin/posts/${id}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

// Save the editor's form of an existing item.
function save(sess, id, fields) {
  return adminPost(srv, sess, `/admin/posts/${id}/`, form(fields));
}

function fieldError(html, name) {
  const m = new RegExp(`<p class="field-error" id="${name}-error">([^<]*)</p>`).exec(html);
  return m ? m[1] : null;
}

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

async function total(sess, query = '') {
  const r = await api(srv, sess, 'GET', `/api/v1/admin/posts${query}`);
  assert.equal(r.status, 200, r.text);
  return r.json.total;
}

test('without the right: not signed in redirects (HTML) or 401 (API); a moderator gets 403 everywhere', async () => {
  const out = await adminGet(srv, null, '/admin/posts/');
  assert.equal(out.status, 303);
  assert.match(out.headers.get('location'), /^\/login\?next=/);
  assert.equal((await api(srv, null, 'GET', '/api/v1/admin/posts')).status, 401);
  const mo = S.mo;
  for (const p of ['/admin/posts/', '/admin/posts/new', '/admin/posts/1/', '/admin/posts/1/revisions/']) {
    assert.equal((await adminGet(srv, mo, p)).status, 403, p);
  }
  assert.equal((await adminPost(srv, mo, '/admin/posts/new', form({ title: 'x' }))).status, 403);
  assert.equal((await adminPost(srv, mo, '/admin/preview', { body: 'x' })).status, 403);
  assert.equal((await adminPost(srv, mo, '/admin/posts/bulk', { id: 1, action: 'trash' })).status, 403);
  for (const [m, p, b] of [['GET', '/api/v1/admin/posts'], ['POST', '/api/v1/admin/posts', { title: 'x' }],
    ['GET', '/api/v1/admin/posts/1'], ['PUT', '/api/v1/admin/posts/1', { title: 'x', version: 1 }],
    ['DELETE', '/api/v1/admin/posts/1'], ['POST', '/api/v1/admin/preview', { body: 'x' }],
    ['POST', '/api/v1/admin/posts/1/autosave', { body: 'x', version: 1 }], ['GET', '/api/v1/admin/posts/1/revisions'],
    ['POST', '/api/v1/admin/posts/1/revisions/1/restore', {}]]) {
    assert.equal((await api(srv, mo, m, p, b)).status, 403, `${m} ${p}`);
  }
  assert.equal((await getPost(1)).status, 'published', 'nothing changed');
});

test('an author writes a draft, sees it rendered and searchable, then publishes it on the site', async () => {
  const id = await create(S.au, {
    title: 'Zebrafish notes', body: 'Speaker: **bold words** about zebrafish\n\n*an aside*', tags: 'Fish, Science',
    section: 'news', source_url: 'https://example.org/transcript', excerpt: 'A short one',
  });
  const page = await adminGet(srv, S.au, `/admin/posts/${id}/`);
  assert.equal(page.status, 200);
  assert.match(page.text, /Saved as a draft|Edit post/);
  assert.match(page.text, /<div id="preview" class="preview-body"><p>Speaker: <strong>bold words<\/strong>/);
  const p = await getPost(id, S.au);
  assert.equal(p.status, 'draft');
  assert.equal(p.slug, 'zebrafish-notes');
  assert.equal(p.section, 'news');
  assert.deepEqual(p.tags, ['Fish', 'Science']);
  assert.equal(p.version, 1);
  assert.match(p.body_html, /<strong>bold words<\/strong>/);
  assert.match(p.body_html, /<em>an aside<\/em>/);
  // The admin search finds drafts; the list shows it to its author.
  const found = await api(srv, S.au, 'GET', '/api/v1/admin/posts?q=zebrafish');
  assert.deepEqual(found.json.posts.map((x) => x.id), [id]);
  const list = await adminGet(srv, S.au, '/admin/posts/?q=zebrafish');
  assert.match(list.text, new RegExp(`<a href="/admin/posts/${id}/" class="post-title">Zebrafish notes</a>`));
  // Not public yet.
  assert.equal((await get(`${srv.url}${p.url}`)).status, 404);
  const r = await save(S.au, id, { title: 'Zebrafish notes', body: p.body, status: 'published', section: 'news', tags: 'Fish', version: String(p.version) });
  assert.equal(r.status, 303, r.text.slice(0, 400));
  const after = await getPost(id, S.au);
  assert.equal(after.status, 'published');
  assert.equal(after.version, 2);
  const pub = await get(`${srv.url}${after.url}`);
  assert.equal(pub.status, 200);
  assert.match(pub.text, /<strong>bold words<\/strong>/);
  const ed = await adminGet(srv, S.au, `/admin/posts/${id}/?saved=1`);
  assert.match(ed.text, /Saved and published/);
  // Saving again with the date field as shown (to the minute) keeps the time to the second.
  const shown = /<input id="date" name="date" value="([^"]*)"/.exec(ed.text)[1];
  assert.equal(shown, after.published_at.slice(0, 16).replace('T', ' '));
  assert.equal((await save(S.au, id, { title: 'Zebrafish notes', body: after.body, status: 'published', date: shown, version: String(after.version) })).status, 303);
  assert.equal((await getPost(id, S.au)).published_at, after.published_at);
});

test('slugs: a clash of the title slug takes the next free one and says so; a typed clash is an error naming the free one', async () => {
  const a = await create(S.ed, { title: 'Same Title', body: 'one' });
  const r = await adminPost(srv, S.ed, '/admin/posts/new', form({ title: 'Same Title', body: 'two' }));
  assert.equal(r.status, 303);
  const loc = r.headers.get('location');
  assert.match(loc, /slug_was=same-title/);
  const b = Number(/\/admin\/posts\/(\d+)\//.exec(loc)[1]);
  assert.equal((await getPost(a)).slug, 'same-title');
  assert.equal((await getPost(b)).slug, 'same-title-2');
  assert.match((await adminGet(srv, S.ed, loc)).text, /The slug &#39;same-title&#39; was already taken, so this post got &#39;same-title-2&#39;/);
  const typed = await adminPost(srv, S.ed, '/admin/posts/new', form({ title: 'Third', slug: 'same-title', body: 'my text stays' }));
  assert.equal(typed.status, 400);
  assert.match(fieldError(typed.text, 'slug'), /same-title.*already the slug.*same-title-3.*is free/);
  assert.match(typed.text, /<input id="slug" name="slug" value="same-title" aria-invalid="true"/);
  assert.match(typed.text, /my text stays<\/textarea>/);
  // A page may not take a word the site's routes use.
  const feed = await adminPost(srv, S.ed, '/admin/posts/new?type=page', form({ type: 'page', title: 'Feed', slug: 'feed', body: 'x' }));
  assert.equal(feed.status, 400);
  assert.match(fieldError(feed.text, 'slug'), /address the site itself uses.*feed-2/);
});

test('validation: each bad field gets its message next to it, everything typed comes back, nothing is saved', async () => {
  const before = await total(S.ed, '?status=all');
  const body = 'Body text <kept> & "quoted"\nsecond line';
  const cases = [
    [{ title: '' }, 'title', /Give it a title/],
    [{ title: 'x'.repeat(LIMITS.LIM_TITLE_BYTES + 1) }, 'title', new RegExp(`at most ${LIMITS.LIM_TITLE_BYTES}`)],
    [{ slug: 'has space' }, 'slug', /letters, digits/],
    [{ source_url: 'ftp://example.org/x' }, 'source_url', /http:\/\/ or https:\/\//],
    [{ date: 'next tuesday', status: 'scheduled' }, 'date', /2024-05-01 14:30/],
    [{ status: 'scheduled' }, 'date', /Choose when/],
    [{ status: 'scheduled', date: '2001-01-01 10:00' }, 'date', /That time has passed/],
    [{ section: 'no-such-section' }, 'section', /no section/],
    [{ excerpt: 'e'.repeat(LIMITS.LIM_EXCERPT_BYTES + 1) }, 'excerpt', new RegExp(`at most ${LIMITS.LIM_EXCERPT_BYTES}`)],
    [{ tags: Array.from({ length: LIMITS.LIM_TAGS + 1 }, (_, i) => `t${i}`).join(',') }, 'tags', new RegExp(`At most ${LIMITS.LIM_TAGS} tags`)],
    [{ tags: `ok, ${'l'.repeat(LIMITS.LIM_TAG_BYTES + 1)}` }, 'tags', new RegExp(`at most ${LIMITS.LIM_TAG_BYTES} bytes`)],
    [{ status: 'bogus' }, 'status', /Choose draft/],
  ];
  for (const [fields, field, re] of cases) {
    const all = { title: 'A title', body, tags: 'kept-tag', ...fields };
    const r = await adminPost(srv, S.ed, '/admin/posts/new', form(all));
    assert.equal(r.status, 400, `${field}: ${r.status}`);
    assert.match(fieldError(r.text, field) ?? '', re, field);
    assert.match(r.text, new RegExp(`id="${field}"[^>]*aria-invalid="true"`), field);
    assert.ok(r.text.includes(`${esc(body)}</textarea>`), `${field}: the body is kept`);
    if (field !== 'title') assert.ok(r.text.includes(`value="${esc(all.title)}"`), `${field}: the title is kept`);
    if (field !== 'tags') assert.ok(r.text.includes('value="kept-tag"'), `${field}: the tags are kept`);
  }
  // Just under the title limit is fine.
  await create(S.ed, { title: 't'.repeat(LIMITS.LIM_TITLE_BYTES), slug: 'long-title', body: 'x' });
  assert.equal(await total(S.ed, '?status=all'), before + 1);
  // The API gives every field's message.
  const j = await api(srv, S.ed, 'POST', '/api/v1/admin/posts', { title: '', source_url: 'nope', body: 'x' });
  assert.equal(j.status, 400);
  assert.match(j.json.fields.title, /title/);
  assert.match(j.json.fields.source_url, /http/);
});

test('an author cannot read, edit, publish or trash another author\'s post (HTML and API); bulk refuses it', async () => {
  const theirs = await create(S.au2, { title: 'Not yours', body: 'theirs' });
  const v = (await getPost(theirs)).version;
  assert.equal((await adminGet(srv, S.au, `/admin/posts/${theirs}/`)).status, 403);
  const r = await save(S.au, theirs, { title: 'Taken over', body: 'mine', status: 'published', version: String(v) });
  assert.equal(r.status, 403);
  assert.equal((await adminGet(srv, S.au, `/admin/posts/${theirs}/revisions/`)).status, 403);
  assert.equal((await api(srv, S.au, 'GET', `/api/v1/admin/posts/${theirs}`)).status, 403);
  assert.equal((await api(srv, S.au, 'PUT', `/api/v1/admin/posts/${theirs}`, { status: 'published', version: v })).status, 403);
  assert.equal((await api(srv, S.au, 'DELETE', `/api/v1/admin/posts/${theirs}`)).status, 403);
  assert.equal((await api(srv, S.au, 'POST', `/api/v1/admin/posts/${theirs}/autosave`, { body: 'x', version: v })).status, 403);
  const bulk = await adminPost(srv, S.au, '/admin/posts/bulk', { id: [theirs], action: 'publish' });
  assert.equal(bulk.status, 200);
  assert.match(bulk.text, /0 published, 1 refused/);
  assert.match(bulk.text, /another author&#39;s post/);
  // The author's list holds only their own posts, whatever the filter says.
  const mine = await api(srv, S.au, 'GET', '/api/v1/admin/posts?author=au2&status=all');
  assert.ok(mine.json.posts.every((p) => p.author.name === 'au'), JSON.stringify(mine.json.posts.map((p) => p.author)));
  const p = await getPost(theirs);
  assert.equal(p.status, 'draft');
  assert.equal(p.title, 'Not yours');
  assert.equal(p.version, v);
  // Pages and books are not an author's.
  assert.equal((await adminGet(srv, S.au, '/admin/posts/?type=page')).status, 403);
  assert.equal((await adminGet(srv, S.au, '/admin/posts/new?type=book')).status, 403);
  assert.equal((await api(srv, S.au, 'POST', '/api/v1/admin/posts', { type: 'page', title: 'P', body: 'x' })).status, 403);
  assert.equal((await api(srv, S.au, 'GET', '/api/v1/admin/posts?type=page')).status, 403);
});

test('a contributor saves drafts and submits for review, cannot publish; an editor publishes it; then the contributor cannot change it', async () => {
  const before = await total(S.ed, '?status=all');
  const pub = await adminPost(srv, S.co, '/admin/posts/new', form({ title: 'Contrib piece', body: 'text', status: 'published' }));
  assert.equal(pub.status, 403);
  const sch = await adminPost(srv, S.co, '/admin/posts/new', form({ title: 'Contrib piece', body: 'text', status: 'scheduled', date: '2099-01-01 10:00' }));
  assert.equal(sch.status, 403);
  assert.equal((await api(srv, S.co, 'POST', '/api/v1/admin/posts', { title: 'Contrib piece', body: 'x', status: 'published' })).status, 403);
  assert.equal(await total(S.ed, '?status=all'), before, 'nothing was created');
  // The contributor's editor offers no publishing.
  const blank = await adminGet(srv, S.co, '/admin/posts/new');
  assert.doesNotMatch(blank.text, /<option value="published"/);
  assert.match(blank.text, /<option value="pending"/);
  const id = await create(S.co, { title: 'Contrib piece', body: 'Please **publish** me', status: 'pending' });
  assert.match((await adminGet(srv, S.co, `/admin/posts/${id}/?saved=1`)).text, /submitted for review/);
  assert.equal((await getPost(id)).status, 'pending');
  const refused = await adminPost(srv, S.co, '/admin/posts/bulk', { id: [id], action: 'publish' });
  assert.match(refused.text, /0 published, 1 refused/);
  assert.equal((await getPost(id)).status, 'pending');
  // The editor sees it among the pending ones and publishes it.
  const pending = await adminGet(srv, S.ed, '/admin/posts/?status=pending');
  assert.match(pending.text, new RegExp(`/admin/posts/${id}/`));
  const done = await adminPost(srv, S.ed, '/admin/posts/bulk', { id: [id], action: 'publish' });
  assert.match(done.text, /1 published, 0 refused/);
  const p = await getPost(id);
  assert.equal(p.status, 'published');
  assert.equal((await get(`${srv.url}${p.url}`)).status, 200);
  // Published: the contributor can no longer change it.
  assert.equal((await adminGet(srv, S.co, `/admin/posts/${id}/`)).status, 403);
  assert.equal((await save(S.co, id, { title: 'Changed', body: 'x', status: 'draft', version: String(p.version) })).status, 403);
  assert.equal((await api(srv, S.co, 'POST', `/api/v1/admin/posts/${id}/autosave`, { body: 'x', version: p.version })).status, 403);
  assert.equal((await getPost(id)).title, 'Contrib piece');
});

test('a stale edit (two sessions) is refused with 409, shows the other save and keeps the user\'s text', async () => {
  const id = await create(S.ed, { title: 'Shared story', body: 'line one\nline two\nline three' });
  const v = (await getPost(id)).version;
  // ed2 saves first.
  assert.equal((await save(S.ed2, id, { title: 'Shared story (ed2)', body: 'line one\nline TWO by ed2\nline three', version: String(v) })).status, 303);
  // ed saves against the old version.
  const mine = 'line one\nline two\nline three\nmy new line';
  const r = await save(S.ed, id, { title: 'Shared story', body: mine, version: String(v) });
  assert.equal(r.status, 409);
  assert.match(r.text, /id="conflict"/);
  assert.match(r.text, /ed2 saved version 2/);
  assert.match(r.text, /<span id="their-title">Shared story \(ed2\)<\/span>/);
  assert.match(r.text, /<del>- line TWO by ed2<\/del>/);
  assert.match(r.text, /<ins>\+ line two<\/ins>/);
  assert.match(r.text, /<ins>\+ my new line<\/ins>/);
  assert.ok(r.text.includes(`${mine}</textarea>`), 'the user\'s text is in the form');
  assert.match(r.text, /name="version" value="2"/);
  assert.equal((await getPost(id)).body, 'line one\nline TWO by ed2\nline three', 'nothing saved');
  // Saving again from that form replaces theirs, deliberately.
  assert.equal((await save(S.ed, id, { title: 'Shared story', body: mine, version: '2' })).status, 303);
  assert.equal((await getPost(id)).body, mine);
  // The API: PUT with an old version is 409 with the version now.
  const j = await api(srv, S.ed2, 'PUT', `/api/v1/admin/posts/${id}`, { body: 'late', version: 2 });
  assert.equal(j.status, 409);
  assert.equal(j.json.version, 3);
  assert.equal(j.json.post.body, mine);
  assert.equal((await api(srv, S.ed2, 'PUT', `/api/v1/admin/posts/${id}`, { body: 'late' })).status, 400, 'version is required');
});

test('revisions: every save keeps one; two compare as a line diff; restoring one makes a new revision', async () => {
  const id = await create(S.ed, { title: 'Rev one', body: 'alpha\nbeta\ngamma' });
  let v = (await getPost(id)).version;
  assert.equal((await save(S.ed, id, { title: 'Rev two', body: 'alpha\nBETA\ngamma\ndelta', version: String(v) })).status, 303);
  v = (await getPost(id)).version;
  assert.equal((await save(S.ed, id, { title: 'Rev three', body: 'omega', version: String(v) })).status, 303);
  const list = await api(srv, S.ed, 'GET', `/api/v1/admin/posts/${id}/revisions`);
  assert.equal(list.status, 200);
  const revs = list.json.revisions;
  assert.deepEqual(revs.map((x) => x.title), ['Rev three', 'Rev two', 'Rev one']);
  assert.equal(revs[0].author.name, 'ed');
  const page = await adminGet(srv, S.ed, `/admin/posts/${id}/revisions/?a=${revs[2].id}&b=${revs[1].id}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /Title: <del>Rev one<\/del> → <ins>Rev two<\/ins>/);
  assert.match(page.text, /  alpha\n<del>- beta<\/del>\n<ins>\+ BETA<\/ins>\n  gamma\n<ins>\+ delta<\/ins>/);
  // Restore the first through the form.
  const m = new RegExp(`action="(/admin/posts/${id}/revisions/${revs[2].id}/restore)"`).exec(page.text);
  assert.ok(m, 'a restore form');
  const r = await adminPost(srv, S.ed, m[1], { version: String((await getPost(id)).version) });
  assert.equal(r.status, 303);
  assert.match((await adminGet(srv, S.ed, r.headers.get('location'))).text, /is restored/);
  const p = await getPost(id);
  assert.equal(p.title, 'Rev one');
  assert.equal(p.body, 'alpha\nbeta\ngamma');
  assert.match(p.body_html, /<p>alpha\nbeta\ngamma<\/p>/);
  assert.equal((await api(srv, S.ed, 'GET', `/api/v1/admin/posts/${id}/revisions`)).json.revisions.length, 4);
  // The API restores too, and refuses a stale version.
  assert.equal((await api(srv, S.ed, 'POST', `/api/v1/admin/posts/${id}/revisions/${revs[0].id}/restore`, { version: 1 })).status, 409);
  const j = await api(srv, S.ed, 'POST', `/api/v1/admin/posts/${id}/revisions/${revs[0].id}/restore`, { version: p.version });
  assert.equal(j.status, 200);
  assert.equal(j.json.body, 'omega');
  assert.equal((await api(srv, S.ed, 'POST', `/api/v1/admin/posts/${id}/revisions/999999/restore`, {})).status, 404);
});

test(`a diff past LIM_DIFF_CELLS (${LIMITS.LIM_DIFF_CELLS}) lines by lines is shown as replaced, and says so`, async () => {
  const n = Math.floor(Math.sqrt(LIMITS.LIM_DIFF_CELLS)) + 1;
  const a = Array.from({ length: n }, (_, i) => `a${i}`).join('\n');
  const b = Array.from({ length: n }, (_, i) => `b${i}`).join('\n');
  const id = await create(S.ed, { title: 'Big diff', body: a });
  assert.equal((await save(S.ed, id, { title: 'Big diff', body: b, version: '1' })).status, 303);
  const page = await adminGet(srv, S.ed, `/admin/posts/${id}/revisions/`);
  assert.equal(page.status, 200);
  assert.match(page.text, /Too different to compare line by line/);
  assert.match(page.text, /<del>- a0<\/del>/);
  assert.match(page.text, new RegExp(`<ins>\\+ b${n - 1}</ins>`));
  // Just under the limit it is a real line diff.
  const m = Math.floor(Math.sqrt(LIMITS.LIM_DIFF_CELLS));
  const id2 = await create(S.ed, { title: 'Big diff 2', body: Array.from({ length: m }, (_, i) => `a${i}`).join('\n') });
  assert.equal((await save(S.ed, id2, { title: 'Big diff 2', body: Array.from({ length: m }, (_, i) => `b${i}`).join('\n'), version: '1' })).status, 303);
  assert.doesNotMatch((await adminGet(srv, S.ed, `/admin/posts/${id2}/revisions/`)).text, /Too different/);
});

test('autosave: a draft takes the text; a published post keeps it and gets an autosave revision; a stale one is 409', async () => {
  const id = await create(S.au, { title: 'Auto', body: 'first' });
  const a1 = await api(srv, S.au, 'POST', `/api/v1/admin/posts/${id}/autosave`, { title: 'Auto', body: 'typed **more**', version: 1 });
  assert.equal(a1.status, 200, a1.text);
  assert.equal(a1.json.version, 2);
  assert.equal(a1.json.live, true);
  assert.ok(!Number.isNaN(Date.parse(a1.json.saved_at)));
  let p = await getPost(id, S.au);
  assert.equal(p.body, 'typed **more**');
  assert.match(p.body_html, /<strong>more<\/strong>/);
  assert.equal((await api(srv, S.au, 'POST', `/api/v1/admin/posts/${id}/autosave`, { body: 'x', version: 1 })).status, 409);
  // Autosaves replace each other: one autosave revision per editor.
  await api(srv, S.au, 'POST', `/api/v1/admin/posts/${id}/autosave`, { body: 'again', version: 2 });
  let revs = (await api(srv, S.au, 'GET', `/api/v1/admin/posts/${id}/revisions`)).json.revisions;
  assert.equal(revs.filter((r) => r.autosave).length, 1);
  // Published: readers keep seeing the saved text.
  p = await getPost(id, S.au);
  assert.equal((await save(S.au, id, { title: 'Auto', body: 'the live text', status: 'published', version: String(p.version) })).status, 303);
  p = await getPost(id, S.au);
  const a2 = await api(srv, S.au, 'POST', `/api/v1/admin/posts/${id}/autosave`, { title: 'Auto', body: 'unfinished edit', version: p.version });
  assert.equal(a2.status, 200);
  assert.equal(a2.json.live, false);
  assert.equal(a2.json.version, p.version);
  assert.equal((await getPost(id, S.au)).body, 'the live text');
  assert.doesNotMatch((await get(`${srv.url}${p.url}`)).text, /unfinished edit/);
  revs = (await api(srv, S.au, 'GET', `/api/v1/admin/posts/${id}/revisions`)).json.revisions;
  assert.equal(revs[0].autosave, true);
  const rev = await api(srv, S.au, 'GET', `/admin/posts/${id}/revisions/?a=${revs[1].id}&b=${revs[0].id}`);
  assert.match(rev.text, /<ins>\+ unfinished edit<\/ins>/);
});

test('CSRF token missing or wrong, or another origin: 403 and nothing changed', async () => {
  const id = await create(S.ed, { title: 'Guarded', body: 'safe' });
  const before = await total(S.ed, '?status=all');
  const f = form({ title: 'Hacked', body: 'x', version: '1' });
  assert.equal((await adminPost(srv, S.ed, `/admin/posts/${id}/`, f, { csrf: false })).status, 403);
  assert.equal((await adminPost(srv, S.ed, `/admin/posts/${id}/`, { ...f, csrf: 'wrong' })).status, 403);
  assert.equal((await adminPost(srv, S.ed, `/admin/posts/${id}/`, f, { headers: { Origin: 'https://evil.example' } })).status, 403);
  assert.equal((await adminPost(srv, S.ed, '/admin/posts/new', form({ title: 'Sneaky', body: 'x' }), { csrf: false })).status, 403);
  assert.equal((await adminPost(srv, S.ed, '/admin/posts/bulk', { id: [id], action: 'trash' }, { csrf: false })).status, 403);
  assert.equal((await adminPost(srv, S.ed, `/admin/posts/${id}/revisions/1/restore`, {}, { csrf: false })).status, 403);
  assert.equal((await adminPost(srv, S.ed, '/admin/preview', { body: 'x' }, { csrf: false })).status, 403);
  const noHeader = { ...S.ed, csrf: '' };
  assert.equal((await api(srv, noHeader, 'PUT', `/api/v1/admin/posts/${id}`, { title: 'Hacked', version: 1 })).status, 403);
  assert.equal((await api(srv, noHeader, 'DELETE', `/api/v1/admin/posts/${id}`)).status, 403);
  assert.equal((await api(srv, noHeader, 'POST', `/api/v1/admin/posts/${id}/autosave`, { body: 'x', version: 1 })).status, 403);
  assert.equal((await api(srv, noHeader, 'POST', '/api/v1/admin/posts', { title: 'Sneaky', body: 'x' })).status, 403);
  const p = await getPost(id);
  assert.equal(p.title, 'Guarded');
  assert.equal(p.status, 'draft');
  assert.equal(p.version, 1);
  assert.equal(await total(S.ed, '?status=all'), before);
});

test('bulk actions: publish, trash and restore several, each checked, with a summary', async () => {
  const ids = [];
  for (let i = 0; i < 3; i++) ids.push(await create(S.au, { title: `Bulk ${i}`, body: `b${i}` }));
  const other = await create(S.au2, { title: 'Bulk other', body: 'o' });
  let r = await adminPost(srv, S.au, '/admin/posts/bulk', { id: [...ids, other], action: 'publish' });
  assert.equal(r.status, 200);
  assert.match(r.text, /3 published, 1 refused/);
  assert.match(r.text, /Bulk other.*not changed, This is another author/s);
  for (const id of ids) assert.equal((await getPost(id)).status, 'published');
  r = await adminPost(srv, S.au, '/admin/posts/bulk', { id: ids.slice(0, 2), action: 'trash' });
  assert.match(r.text, /2 moved to the trash, 0 refused/);
  const trash = await adminGet(srv, S.au, '/admin/posts/?status=trash');
  for (const id of ids.slice(0, 2)) assert.match(trash.text, new RegExp(`/admin/posts/${id}/`));
  assert.doesNotMatch((await adminGet(srv, S.au, '/admin/posts/')).text, new RegExp(`/admin/posts/${ids[0]}/"`));
  assert.equal((await get(`${srv.url}${(await getPost(ids[0])).url}`)).status, 404, 'trashed posts leave the site');
  r = await adminPost(srv, S.au, '/admin/posts/bulk', { id: ids, action: 'restore' });
  assert.match(r.text, /2 restored as a draft, 1 refused/);
  assert.match(r.text, /not in the trash/);
  assert.equal((await getPost(ids[0])).status, 'draft');
  r = await adminPost(srv, S.au, '/admin/posts/bulk', { action: 'trash' });
  assert.match(r.text, /Nothing was selected/);
  assert.equal((await adminPost(srv, S.au, '/admin/posts/bulk', { id: ids, action: 'explode' })).status, 400);
});

test('the list pages through many items and filters by status, section and author', async () => {
  for (let i = 0; i < 22; i++) {
    const j = await api(srv, S.ed2, 'POST', '/api/v1/admin/posts', { title: `Paged ${i}`, body: 'p', section: 'watch', tags: ['paging'] });
    assert.equal(j.status, 201, j.text);
    assert.equal(j.json.version, 1);
  }
  const one = await api(srv, S.ed, 'GET', '/api/v1/admin/posts?author=ed2&section=watch');
  assert.equal(one.json.total, 22);
  assert.equal(one.json.posts.length, 20);
  assert.equal(one.json.pages, 2);
  const two = await api(srv, S.ed, 'GET', '/api/v1/admin/posts?author=ed2&section=watch&page=2');
  assert.equal(two.json.posts.length, 2);
  const html = await adminGet(srv, S.ed, '/admin/posts/?author=ed2&section=watch');
  assert.match(html.text, /Page 1 of 2/);
  assert.match(html.text, /href="\/admin\/posts\/\?type=post&amp;section=watch&amp;author=ed2&amp;page=2" rel="next"/);
  assert.equal((await api(srv, S.ed, 'GET', '/api/v1/admin/posts?status=published&author=ed2')).json.total, 0);
  assert.equal((await adminGet(srv, S.ed, '/admin/posts/?status=nope')).status, 400);
  assert.equal((await adminGet(srv, S.ed, '/admin/posts/?page=0')).status, 400);
});

test('the JSON API: create, read, update with the version, delete to the trash; pages and books', async () => {
  const c = await api(srv, S.ed, 'POST', '/api/v1/admin/posts', { title: 'API post', body: 'Some *text*', tags: 'a, b', status: 'draft' });
  assert.equal(c.status, 201);
  assert.equal(c.json.slug, 'api-post');
  assert.match(c.json.body_html, /<em>text<\/em>/);
  const u = await api(srv, S.ed, 'PUT', `/api/v1/admin/posts/${c.json.id}`, { status: 'published', version: c.json.version });
  assert.equal(u.status, 200, u.text);
  assert.equal(u.json.status, 'published');
  assert.equal(u.json.title, 'API post', 'fields not sent are kept');
  assert.deepEqual(u.json.tags, ['a', 'b']);
  assert.equal(u.json.version, c.json.version + 1);
  const d = await api(srv, S.ed, 'DELETE', `/api/v1/admin/posts/${c.json.id}`);
  assert.equal(d.status, 200);
  assert.equal(d.json.status, 'trash');
  assert.equal((await api(srv, S.ed, 'GET', '/api/v1/admin/posts/999999')).status, 404);
  assert.equal((await api(srv, S.ed, 'POST', '/api/v1/admin/posts', { title: 5 })).status, 400);
  // A page, and a book with its order link, through the same editor.
  const pg = await create(S.ed, { title: 'About us', body: 'We **are** here', status: 'published' }, { type: 'page' });
  const page = await get(`${srv.url}/about-us/`);
  assert.equal(page.status, 200);
  assert.match(page.text, /We <strong>are<\/strong> here/);
  assert.equal((await getPost(pg)).type, 'page');
  const bk = await create(S.ed, { title: 'A Book', body: 'Read it', status: 'published', order_url: 'https://shop.example/book' }, { type: 'book' });
  const b = await getPost(bk);
  assert.equal(b.order_url, 'https://shop.example/book');
  assert.match((await get(`${srv.url}/books/`)).text, /https:\/\/shop\.example\/book/);
  const bad = await adminPost(srv, S.ed, '/admin/posts/new?type=book', form({ type: 'book', title: 'B2', body: 'x', order_url: 'javascript:alert(1)' }));
  assert.equal(bad.status, 400);
  assert.match(fieldError(bad.text, 'order_url'), /http/);
  const list = await adminGet(srv, S.ed, '/admin/posts/?type=page');
  assert.match(list.text, /About us/);
});

test('a password-protected post edited in the admin stays locked: the new text is only behind its password', async () => {
  const c = await api(srv, S.ed, 'POST', '/api/v1/admin/posts', { title: 'Locked story', body: 'Old secret', status: 'published' });
  assert.equal(c.status, 201, c.text);
  // As an import leaves one (migration 012): the notice in body_html, the
  // body in protected_html.
  // (The notice ends in a newline written into the literal itself: both
  // engines read that, where char(10) is SQLite's and chr(10) PostgreSQL's.)
  siteSql(site.dir, `UPDATE posts SET password = 'open sesame', protected_html = body_html,
    body_html = '<p class="protected">This content is password protected.</p>\n' WHERE id = ${c.json.id}`);
  const cur = await getPost(c.json.id);
  const u = await api(srv, S.ed, 'PUT', `/api/v1/admin/posts/${c.json.id}`, { body: 'New **secret** text', version: cur.version });
  assert.equal(u.status, 200, u.text);
  const a = await api(srv, S.ed, 'POST', `/api/v1/admin/posts/${c.json.id}/autosave`, { title: 'Locked story', body: 'Autosaved secret', version: u.json.version });
  assert.equal(a.status, 200, a.text);
  const pub = await get(`${srv.url}${new URL(u.json.url, srv.url).pathname}`);
  assert.equal(pub.status, 200);
  assert.doesNotMatch(pub.text, /secret/i, 'the public page shows the form, not the text');
  assert.match(pub.text, /password protected/);
  const unlocked = await get(`${srv.url}${new URL(u.json.url, srv.url).pathname}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: srv.url },
    body: 'post_password=open%20sesame',
  });
  assert.match(unlocked.text, /<strong>secret<\/strong>|Autosaved secret/);
});

test('an imported (HTML) post edited in the admin keeps its markup, rendered as WordPress would and sanitized', async () => {
  const c = await api(srv, S.ed, 'POST', '/api/v1/admin/posts', { title: 'Imported HTML', body: 'x', status: 'draft' });
  assert.equal(c.status, 201, c.text);
  // WordPress post 7701, with two images attached to it (as an import
  // records them) for its [gallery]
  siteSql(site.dir, `UPDATE posts SET body_format = 'html', legacy_id = 7701 WHERE id = ${c.json.id};
     INSERT INTO media(path, mime, bytes, title, created_at, remote_url, legacy_id, legacy_parent) VALUES
       ('https://old.example/g1.jpg', 'image/jpeg', 0, 'One', 0, 'https://old.example/g1.jpg', 7702, 7701),
       ('https://old.example/g2.jpg', 'image/jpeg', 0, 'Two', 0, 'https://old.example/g2.jpg', 7703, 7701);`);
  const cur = await getPost(c.json.id);
  const body = 'First <em>line</em>\n\n[caption id="a" width="300"]<img src="https://example.org/a.jpg" alt="A"> A cap[/caption]\n\n[gallery]\n\n<script>alert(1)</script><a href="javascript:x" onclick="y">t</a>';
  const u = await api(srv, S.ed, 'PUT', `/api/v1/admin/posts/${c.json.id}`, { body, version: cur.version });
  assert.equal(u.status, 200, u.text);
  assert.match(u.json.body_html, /<p>First <em>line<\/em><\/p>/);
  assert.match(u.json.body_html, /<figure[^>]*>[\s\S]*<img[^>]*src="https:\/\/example\.org\/a\.jpg"[\s\S]*<figcaption[^>]*>\s*A cap/);
  assert.doesNotMatch(u.json.body_html, /<script|onclick|javascript:|\[caption|\[gallery/);
  // the gallery from the post's attachments, as the import rendered it
  assert.match(u.json.body_html, /<ul class="gallery[^"]*">\s*<li class="gallery-item"><img [^>]*src="https:\/\/old\.example\/g1\.jpg"[^>]*><\/li>\s*<li class="gallery-item"><img [^>]*src="https:\/\/old\.example\/g2\.jpg"/);
});

test('preview: the form fragment and the JSON call render Markdown as the site does, without raw HTML', async () => {
  const r = await adminPost(srv, S.co, '/admin/preview', { body: '**bold** <script>alert(1)</script> [x](javascript:alert(1))' });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/html/);
  assert.match(r.text, /<strong>bold<\/strong>/);
  assert.doesNotMatch(r.text, /<script>/);
  assert.doesNotMatch(r.text, /javascript:/);
  const j = await api(srv, S.co, 'POST', '/api/v1/admin/preview', { body: '# Head\n\n*it*' });
  assert.equal(j.status, 200);
  assert.match(j.json.html, /<h1>Head<\/h1>/);
  assert.match(j.json.html, /<em>it<\/em>/);
  // Without JavaScript: the editor's Preview button renders it on the server and saves nothing.
  const before = await total(S.co, '?status=all');
  const pv = await adminPost(srv, S.co, '/admin/posts/new', form({ title: 'Preview only', body: 'see **this**', do: 'preview' }));
  assert.equal(pv.status, 200);
  assert.match(pv.text, /<div id="preview" class="preview-body"><p>see <strong>this<\/strong><\/p>/);
  assert.match(pv.text, /see \*\*this\*\*<\/textarea>/);
  assert.equal(await total(S.co, '?status=all'), before);
});

// A browser context signed in with an existing session's cookie.
async function signedIn(sess) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  context.setDefaultTimeout(15000);
  const [name, value] = sess.cookie.split('=');
  await context.addCookies([{ name, value, url: srv.url }]);
  return context.newPage();
}

test('in Chromium: write in Markdown with the live preview, schedule it, and it appears on the site at its time and not before', async () => {
  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  context.setDefaultTimeout(15000);
  const page = await context.newPage();
  await browserLogin(page, srv, 'au');
  const errors = collectErrors(page);
  await page.goto(`${srv.url}/admin/posts/new`);
  await page.fill('#title', 'Scheduled from the browser');
  await page.fill('#tags', 'browser, schedule');
  await page.click('#body');
  await page.keyboard.type('A **bold** claim.\n\n- one\n- two\n');
  await page.waitForSelector('#preview strong');
  assert.equal(await page.textContent('#preview strong'), 'bold');
  assert.equal(await page.locator('#preview li').count(), 2);
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'admin-editor.png'), fullPage: true });
  // A few seconds ahead, in UTC as the field says.
  const at = new Date(Date.now() + 5000);
  const iso = at.toISOString().slice(0, 19).replace('T', ' ');
  await page.selectOption('#status', 'scheduled');
  await page.fill('#date', iso);
  await Promise.all([page.waitForURL(/\?saved=1/), page.click('#save')]);
  assert.match(await page.textContent('.notice.ok'), /will be published on/);
  const id = Number(/\/admin\/posts\/(\d+)\//.exec(page.url())[1]);
  const p = await getPost(id, S.au);
  assert.equal(p.status, 'scheduled');
  const url = `${srv.url}${p.url}`;
  if (Date.now() < at.getTime() - 1000) assert.equal((await get(url)).status, 404, 'not before its time');
  let status = 0;
  for (let i = 0; i < 60 && status !== 200; i++) {
    await new Promise((res) => setTimeout(res, 250));
    status = (await get(url)).status;
    if (status === 200) assert.ok(Date.now() >= at.getTime() - 1000, 'published no earlier than its time');
  }
  assert.equal(status, 200);
  await page.goto(url);
  assert.equal(await page.textContent('article strong'), 'bold');
  assert.deepEqual(errors, []);
  await context.close();
});

test('in Chromium: two editors, the second save is told about the first and keeps its text', async () => {
  const id = await create(S.ed, { title: 'Two tabs', body: 'original text' });
  browser ??= await launch();
  const p1 = await signedIn(S.ed);
  const p2 = await signedIn(S.ed2);
  await p1.goto(`${srv.url}/admin/posts/${id}/`);
  await p2.goto(`${srv.url}/admin/posts/${id}/`);
  await p1.fill('#body', 'first editor wins');
  await Promise.all([p1.waitForURL(/\?saved=1/), p1.click('#save')]);
  await p2.fill('#body', 'second editor text');
  await p2.click('#save');
  await p2.waitForSelector('#conflict');
  assert.equal(await p2.inputValue('#body'), 'second editor text');
  assert.match(await p2.textContent('#conflict-diff'), /- first editor wins/);
  assert.equal((await getPost(id)).body, 'first editor wins');
});

test(`revisions list the newest LIM_REVISIONS_LISTED (${LIMITS.LIM_REVISIONS_LISTED})`, async () => {
  const c = await api(srv, S.ed, 'POST', '/api/v1/admin/posts', { title: 'Many saves', body: 'v1' });
  let version = c.json.version;
  for (let i = 2; i <= LIMITS.LIM_REVISIONS_LISTED + 1; i++) {
    const u = await api(srv, S.ed, 'PUT', `/api/v1/admin/posts/${c.json.id}`, { body: `v${i}`, version });
    assert.equal(u.status, 200);
    version = u.json.version;
  }
  const list = await api(srv, S.ed, 'GET', `/api/v1/admin/posts/${c.json.id}/revisions`);
  assert.equal(list.json.revisions.length, LIMITS.LIM_REVISIONS_LISTED);
  assert.equal(list.json.revisions[0].version, version);
  const page = await adminGet(srv, S.ed, `/admin/posts/${c.json.id}/revisions/`);
  assert.equal((page.text.match(/<tr data-rev=/g) ?? []).length, LIMITS.LIM_REVISIONS_LISTED);
});
