// Each role against each admin screen and admin API call: a role without
// the capability gets a 403 (not a hidden button), a visitor who is not
// signed in is sent to /login (screens) or gets a 401 (API), and a write
// refused for lack of a capability changes nothing.
import { test, describe, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { newSite, startServer, cleanup, get, stopClean, reportOnFailure, siteSql } from './lib/gazette.mjs';
import { addUser, login, adminGet, adminPost, api, ROLES } from './lib/admin.mjs';

let site;
let srv;
const sess = {};
let postId; // a post by the admin: no other role owns it

// Rows as both engines' clients print them: '|' between columns, a line a
// row (lists are ordered and joined here, not by group_concat).
const sql = (q) => siteSql(site.dir, q);

before(async () => {
  site = await newSite({ demo: true, demoArgs: ['--posts', '3', '--comments', '3'] });
  for (const role of ROLES) if (role !== 'admin') await addUser(site.dir, role, role);
  await addUser(site.dir, 'boss', 'admin');
  srv = await startServer(site.dir);
  for (const role of ROLES) sess[role] = await login(srv, role === 'admin' ? 'boss' : role);
  postId = Number(sql("SELECT id FROM posts WHERE type = 'post' ORDER BY id LIMIT 1"));
});
afterEach((t) => reportOnFailure(t, srv));
after(async () => {
  try {
    await stopClean(srv);
  } finally {
    await cleanup();
  }
});

// Who may open what (the capabilities of src/auth/auth.c).
const ALL = ROLES;
const WRITERS = ['admin', 'editor', 'author', 'contributor'];
const EDITORS = ['admin', 'editor'];
const MODS = ['admin', 'editor', 'moderator'];
const ADMIN = ['admin'];

const screens = () => [
  ['/admin/', ALL],
  ['/admin/profile/', ALL],
  ['/admin/posts/', WRITERS],
  ['/admin/posts/new', WRITERS],
  ['/admin/posts/?type=page', EDITORS],
  ['/admin/posts/?type=book', EDITORS],
  [`/admin/posts/${postId}/`, EDITORS],
  [`/admin/posts/${postId}/revisions/`, EDITORS],
  [`/admin/posts/${postId}/stats/`, EDITORS],
  ['/admin/comments/', MODS],
  ['/admin/submissions/', EDITORS],
  ['/admin/sections/', ADMIN],
  ['/admin/blocks/', ADMIN],
  ['/admin/settings/', ADMIN],
  ['/admin/users/', ADMIN],
];

const apiReads = () => [
  ['/api/v1/me', ALL],
  ['/api/v1/admin/tokens', ALL],
  ['/api/v1/admin/posts', WRITERS],
  [`/api/v1/admin/posts/${postId}`, EDITORS],
  [`/api/v1/admin/posts/${postId}/revisions`, EDITORS],
  [`/api/v1/admin/posts/${postId}/stats`, EDITORS],
  ['/api/v1/admin/comments', MODS],
  ['/api/v1/admin/submissions', EDITORS],
  ['/api/v1/admin/sections', ADMIN],
  ['/api/v1/admin/blocks', ADMIN],
  ['/api/v1/admin/settings', ADMIN],
  ['/api/v1/admin/users', ADMIN],
];

describe('every role against every admin screen', () => {
  test('allowed roles get the screen (200), the others a 403 page', async () => {
    const wrong = [];
    for (const [p, allowed] of screens()) {
      for (const role of ROLES) {
        const r = await adminGet(srv, sess[role], p);
        const want = allowed.includes(role) ? 200 : 403;
        if (r.status !== want) wrong.push(`${role} ${p}: ${r.status}, want ${want}`);
        if (want === 403 && !/class="notice[^"]*">[^<]{20,}/.test(r.text)) wrong.push(`${role} ${p}: the 403 page says why`);
        if (r.headers.get('cache-control') !== 'private, no-store') wrong.push(`${role} ${p}: cache-control ${r.headers.get('cache-control')}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  test('not signed in: every screen redirects to /login?next=the screen', async () => {
    for (const [p] of screens()) {
      const r = await adminGet(srv, null, p);
      assert.equal(r.status, 303, p);
      const loc = r.headers.get('location');
      assert.match(loc, /^\/login\?next=/, p);
      assert.equal(decodeURIComponent(loc.slice('/login?next='.length)), p.split('?')[0], p);
    }
  });

  test('a stale or made-up session cookie is the same as none', async () => {
    const r = await adminGet(srv, { cookie: 'gazette_session=made-up' }, '/admin/');
    assert.equal(r.status, 303);
  });
});

describe('every role against every admin API read', () => {
  test('allowed roles get 200 JSON, the others 403 JSON', async () => {
    const wrong = [];
    for (const [p, allowed] of apiReads()) {
      for (const role of ROLES) {
        const r = await api(srv, sess[role], 'GET', p);
        const want = allowed.includes(role) ? 200 : 403;
        if (r.status !== want) wrong.push(`${role} ${p}: ${r.status}, want ${want}: ${r.text.slice(0, 120)}`);
        if (r.json === undefined) wrong.push(`${role} ${p}: not JSON`);
        if (want === 403 && typeof r.json?.error !== 'string') wrong.push(`${role} ${p}: no error message`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  test('not signed in: 401 with a JSON error', async () => {
    for (const [p] of apiReads()) {
      const r = await api(srv, null, 'GET', p);
      assert.equal(r.status, 401, p);
      assert.equal(typeof r.json.error, 'string', p);
    }
  });
});

describe('writes refused for lack of a capability change nothing', () => {
  test('a new section: only the admin', async () => {
    const before = sql('SELECT count(*) FROM sections');
    for (const role of ['editor', 'author', 'contributor', 'moderator']) {
      const r = await adminPost(srv, sess[role], '/admin/sections/', { name: `By ${role}`, slug: `by-${role}`, kind: 'posts' });
      assert.equal(r.status, 403, role);
      const j = await api(srv, sess[role], 'POST', '/api/v1/admin/sections', { name: `By ${role}`, slug: `by-${role}`, kind: 'posts' });
      assert.equal(j.status, 403, role);
    }
    assert.equal(sql('SELECT count(*) FROM sections'), before);
  });

  test('settings: only the admin', async () => {
    const title = sql("SELECT value FROM settings WHERE key = 'title'");
    for (const role of ['editor', 'author', 'contributor', 'moderator']) {
      assert.equal((await adminPost(srv, sess[role], '/admin/settings/', { title: 'Hacked' })).status, 403, role);
      assert.equal((await api(srv, sess[role], 'PUT', '/api/v1/admin/settings', { title: 'Hacked' })).status, 403, role);
    }
    assert.equal(sql("SELECT value FROM settings WHERE key = 'title'"), title);
  });

  test("someone else's post: author, contributor and moderator cannot touch it", async () => {
    const before = sql(`SELECT title || status || version FROM posts WHERE id = ${postId}`);
    for (const role of ['author', 'contributor', 'moderator']) {
      assert.equal((await api(srv, sess[role], 'PUT', `/api/v1/admin/posts/${postId}`, { title: 'Mine now' })).status, 403, role);
      assert.equal((await api(srv, sess[role], 'DELETE', `/api/v1/admin/posts/${postId}`)).status, 403, role);
      // The bulk form answers authors and contributors with a summary that
      // refuses the post; a moderator may not use it at all.
      const b = await adminPost(srv, sess[role], '/admin/posts/bulk', { id: postId, action: 'trash' });
      assert.equal(b.status, role === 'moderator' ? 403 : 200, `${role} bulk`);
    }
    assert.equal(sql(`SELECT title || status || version FROM posts WHERE id = ${postId}`), before);
  });

  test('users: only the admin may invite or change roles', async () => {
    const before = sql('SELECT id, role FROM users ORDER BY id');
    const editorId = sql("SELECT id FROM users WHERE login = 'editor'");
    for (const role of ['editor', 'author', 'contributor', 'moderator']) {
      assert.equal((await adminPost(srv, sess[role], '/admin/users/', { login: `x${role}`, role: 'admin' })).status, 403, role);
      assert.equal((await api(srv, sess[role], 'PUT', `/api/v1/admin/users/${editorId}`, { role: 'admin' })).status, 403, role);
    }
    assert.equal(sql('SELECT id, role FROM users ORDER BY id'), before);
  });

  test('moderation: author and contributor cannot decide comments', async () => {
    const before = sql('SELECT id, status FROM comments ORDER BY id');
    const ids = sql('SELECT id FROM comments ORDER BY id').split('\n').map(Number);
    for (const role of ['author', 'contributor']) {
      assert.equal((await api(srv, sess[role], 'POST', '/api/v1/admin/comments/decide', { ids, action: 'spam' })).status, 403, role);
      assert.equal((await adminPost(srv, sess[role], '/admin/comments/', { id: ids, action: 'spam' })).status, 403, role);
    }
    assert.equal(sql('SELECT id, status FROM comments ORDER BY id'), before);
  });
});
