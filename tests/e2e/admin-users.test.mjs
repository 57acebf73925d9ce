// The admin's users area: the users screen (/admin/users/: list, invite,
// change role, disable and enable, sign out everywhere, a new invitation
// link), one's own profile (/admin/profile/: name and email, password,
// sessions, API tokens) and their JSON API (/api/v1/me,
// /api/v1/admin/users, /api/v1/admin/tokens).
//
// One server for the file; each test makes the users it changes, so the
// order of the tests matters only where a test says so. Every refused
// change is checked against the database or the API afterwards: nothing
// may have changed. The browser test invites a user, opens the link in a
// fresh context and lands signed in; it screenshots the users screen.
import { test, describe, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { LIMITS } from './lib/limits.mjs';
import {
  newSite, startServer, get, cleanup, stopClean, reportOnFailure, REPO_ROOT, siteSql,
} from './lib/gazette.mjs';
import {
  PASSWORD, ROLES, addUser, login, postLogin, adminGet, adminPost, api,
} from './lib/admin.mjs';
import { launch, collectErrors } from './lib/browser.mjs';

const ARTIFACTS = path.join(REPO_ROOT, 'tests', 'e2e', 'artifacts');

let site;
let srv;
let boss; // the admin who runs the tests: {login, cookie, csrf}
const as = {}; // a signed-in session per other role, by role

after(async () => {
  await stopClean(srv);
  await cleanup();
});
afterEach((t) => reportOnFailure(t, srv));

// On the site's own engine (SQLite, or PostgreSQL under make e2e-pg).
const sql = (query) => siteSql(site.dir, query);

function userRow(login) {
  const out = sql(`SELECT role, disabled, CASE WHEN pw_hash IS NULL THEN 1 ELSE 0 END, name, email FROM users WHERE login = '${login}'`);
  if (!out) return null;
  const [role, disabled, nopw, name, email] = out.split('|');
  return { role, disabled: disabled === '1', hasPassword: nopw === '0', name, email };
}

function countUsers() {
  return Number(sql('SELECT count(*) FROM users'));
}

function userId(login) {
  return Number(sql(`SELECT id FROM users WHERE login = '${login}'`));
}

// The one-time link of an invitation page, and its path on this server
// (the link names the site's configured url, not the test's port).
function inviteLink(text) {
  const m = /id="invite-url"[^>]*>([^<]+)</.exec(text);
  assert.ok(m, 'the page shows the invitation link');
  const url = new URL(m[1].replace(/&amp;/g, '&'));
  assert.equal(url.pathname, '/invite');
  return { url: m[1], path: `${url.pathname}${url.search}`, token: url.searchParams.get('token') };
}

// Accept an invitation as its holder would: GET the page (for the form's
// token), then POST a password. Resolves with the POST's response.
async function acceptInvite(invitePath, password = PASSWORD, again = password) {
  const page = await get(`${srv.url}${invitePath}`);
  assert.equal(page.status, 200, page.text.slice(0, 500));
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.text)[1];
  const token = new URL(`${srv.url}${invitePath}`).searchParams.get('token');
  return get(`${srv.url}/invite`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: srv.url },
    body: new URLSearchParams({ csrf, token, password, again }).toString(),
  });
}

function cookieOf(res) {
  const m = /gazette_session=[^;]+/.exec(res.headers.get('set-cookie') ?? '');
  assert.ok(m, 'a session cookie is set');
  return m[0];
}

// Is this cookie signed in? (The profile is open to every role.)
async function signedIn(cookie) {
  const r = await get(`${srv.url}/admin/profile/`, { headers: { Cookie: cookie } });
  if (r.status === 200) return true;
  assert.equal(r.status, 303);
  assert.match(r.headers.get('location'), /^\/login/);
  return false;
}

function fieldError(text, id) {
  const m = new RegExp(`<p class="field-error" id="${id}-error">([^<]*)</p>`).exec(text);
  return m ? m[1] : null;
}

function inputValue(text, id) {
  const m = new RegExp(`<input id="${id}"[^>]*value="([^"]*)"`).exec(text);
  return m ? m[1] : null;
}

// The selected option of <select id=id>.
function selected(text, id) {
  const m = new RegExp(`<select id="${id}"[^>]*>([\\s\\S]*?)</select>`).exec(text);
  assert.ok(m, `a select #${id}`);
  return /<option value="([^"]*)" selected>/.exec(m[1])?.[1] ?? null;
}

function invalid(text, id) {
  return new RegExp(`<(?:input|select) id="${id}"[^>]*aria-invalid="true"`).test(text);
}

// An invitation through the screen; returns the link.
async function inviteByForm(fields) {
  const r = await adminPost(srv, boss, '/admin/users/', fields);
  assert.equal(r.status, 200, r.text.slice(0, 2000));
  return inviteLink(r.text);
}

before(async () => {
  site = await newSite();
  await addUser(site.dir, 'boss', 'admin');
  for (const role of ROLES) if (role !== 'admin') await addUser(site.dir, `r-${role}`, role);
  srv = await startServer(site.dir);
  boss = await login(srv, 'boss');
  for (const role of ROLES) if (role !== 'admin') as[role] = await login(srv, `r-${role}`);
});

describe('the users screen', () => {
  test('lists every user: login, name, email, role, status, last login, live sessions', async () => {
    // An imported user has no password (WordPress's users arrive so).
    sql("INSERT INTO users(login, name, email, role, created_at) VALUES ('old-timer', 'Old Timer', 'old@example.com', 'author', 0)");
    const r = await adminGet(srv, boss, '/admin/users/');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('cache-control'), 'private, no-store');
    const row = (login) => {
      const m = new RegExp(`<tr id="user-\\d+" data-login="${login}">([\\s\\S]*?)</tr>`).exec(r.text);
      assert.ok(m, `a row for ${login}`);
      return m[1];
    };
    const me = row('boss');
    assert.match(me, /boss <small>\(you\)<\/small>/);
    assert.match(me, /<option value="admin" selected>/);
    assert.match(me, /badge user-active">active</);
    assert.match(me, /\d{4}-\d\d-\d\d \d\d:\d\d UTC/, 'last login shown');
    assert.match(me, /<td class="num">1<\/td>/, 'one live session');
    const old = row('old-timer');
    assert.match(old, /Old Timer/);
    assert.match(old, /old@example.com/);
    assert.match(old, /imported \(no password\)/);
    assert.match(old, /<td>never<\/td>/);
    assert.match(old, /New invitation link/, 'a user without a password can get a link');
    assert.doesNotMatch(me, /New invitation link/);
    assert.match(row('r-moderator'), /<option value="moderator" selected>/);
  });

  test('inviting a user: the link is shown once, works once, and the user signs in with the role', async () => {
    const before = countUsers();
    const link = await inviteByForm({ login: 'new.editor', name: 'New Editor', email: 'ne@example.com', role: 'editor' });
    assert.ok(link.url.startsWith(`${srv.url}/invite?token=`), link.url); // no url in gazette.conf: the address served
    assert.match(link.token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(countUsers(), before + 1);
    assert.deepEqual(userRow('new.editor'), { role: 'editor', disabled: false, hasPassword: false, name: 'New Editor', email: 'ne@example.com' });
    // Only the token's hash is stored.
    assert.equal(sql(`SELECT count(*) FROM invites WHERE token_hash = '${link.token}'`), '0');
    const list = await adminGet(srv, boss, '/admin/users/');
    assert.doesNotMatch(list.text, /id="invite-url"/, 'the link is not shown again');
    assert.doesNotMatch(list.text, new RegExp(link.token));
    assert.match(list.text, /invited \(no password yet\)/);
    // Nobody can sign in as the invited user before the link is used.
    const early = await postLogin(srv, 'new.editor', 'any password at all');
    assert.notEqual(early.status, 303);

    const page = await get(`${srv.url}${link.path}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /invited as <strong>new.editor<\/strong> \(editor\)/);
    const res = await acceptInvite(link.path, 'a brand new password');
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/admin/');
    const cookie = cookieOf(res);
    const me = await get(`${srv.url}/api/v1/me`, { headers: { Cookie: cookie } });
    assert.equal(me.status, 200);
    assert.equal(JSON.parse(me.text).role, 'editor');
    assert.equal(userRow('new.editor').hasPassword, true);
    // Used once: the link is refused now.
    assert.equal((await get(`${srv.url}${link.path}`)).status, 404);
    const after = await adminGet(srv, boss, '/admin/users/');
    assert.match(after.text, /data-login="new.editor">[\s\S]*?badge user-active">active</);
  });

  test('invitation validation: a message next to each field, the input kept, nothing created', async () => {
    const before = countUsers();
    const cases = [
      { fields: { login: 'has space', name: 'A', email: '', role: 'author' }, field: 'login', msg: /only letters, digits/ },
      { fields: { login: '', name: 'A', email: '', role: 'author' }, field: 'login', msg: /login: empty/ },
      { fields: { login: 'x'.repeat(LIMITS.LIM_LOGIN_BYTES + 1), name: 'A', email: '', role: 'author' }, field: 'login', msg: new RegExp(`longer than ${LIMITS.LIM_LOGIN_BYTES}`) },
      { fields: { login: 'okname', name: 'n'.repeat(LIMITS.LIM_USER_NAME_BYTES + 1), email: '', role: 'author' }, field: 'name', msg: new RegExp(`longer than ${LIMITS.LIM_USER_NAME_BYTES}`) },
      { fields: { login: 'okname', name: 'A', email: 'not-an-address', role: 'author' }, field: 'email', msg: /not an email address/ },
      { fields: { login: 'okname', name: 'A', email: `${'e'.repeat(LIMITS.LIM_EMAIL_BYTES - 11)}@example.com`, role: 'author' }, field: 'email', msg: new RegExp(`longer than ${LIMITS.LIM_EMAIL_BYTES}`) },
      { fields: { login: 'okname', name: 'A', email: '', role: 'overlord' }, field: 'role', msg: /one of admin, editor/ },
    ];
    for (const c of cases) {
      const r = await adminPost(srv, boss, '/admin/users/', c.fields);
      assert.equal(r.status, 400, `${JSON.stringify(c.fields).slice(0, 80)}: ${r.status}`);
      assert.match(fieldError(r.text, `invite-${c.field}`) ?? '', c.msg, `${c.field}: ${fieldError(r.text, `invite-${c.field}`)}`);
      assert.ok(invalid(r.text, `invite-${c.field}`), `${c.field} is marked aria-invalid`);
      for (const k of ['login', 'name', 'email']) {
        assert.equal(inputValue(r.text, `invite-${k}`), c.fields[k], `${k} kept when ${c.field} is wrong`);
      }
      assert.equal(selected(r.text, 'invite-role'), c.fields.role === 'author' ? 'author' : null);
      assert.doesNotMatch(r.text, /id="invite-url"/);
    }
    // Exactly the right boundary passes: a login of LIM_LOGIN_BYTES.
    const okLogin = 'y'.repeat(LIMITS.LIM_LOGIN_BYTES);
    await inviteByForm({ login: okLogin, name: '', email: '', role: 'author' });
    assert.equal(userRow(okLogin).name, okLogin, 'an empty name becomes the login');
    assert.equal(countUsers(), before + 1);
  });

  test('a taken login is refused clearly with 409, the input kept', async () => {
    const before = countUsers();
    const r = await adminPost(srv, boss, '/admin/users/', { login: 'r-author', name: 'Someone Else', email: 'se@example.com', role: 'admin' });
    assert.equal(r.status, 409);
    assert.match(fieldError(r.text, 'invite-login'), /&#39;r-author&#39; is taken already/);
    assert.equal(inputValue(r.text, 'invite-name'), 'Someone Else');
    assert.equal(selected(r.text, 'invite-role'), 'admin', 'the chosen role stays selected');
    assert.equal(countUsers(), before);
    assert.equal(userRow('r-author').role, 'author');
  });

  test('change role, disable (sessions and tokens end), enable, sign out everywhere', async () => {
    await addUser(site.dir, 'victim', 'author');
    const id = userId('victim');
    const v1 = await login(srv, 'victim');
    const tok = await api(srv, v1, 'POST', '/api/v1/admin/tokens', { name: 'cron' });
    assert.equal(tok.status, 201);

    let r = await adminPost(srv, boss, `/admin/users/${id}/`, { action: 'role', role: 'editor' });
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), `/admin/users/?done=role#user-${id}`);
    assert.equal(userRow('victim').role, 'editor');
    assert.match((await adminGet(srv, boss, '/admin/users/?done=role')).text, /The role was changed/);
    // The role counts at once, for the session and the token alike.
    assert.equal((await api(srv, v1, 'GET', '/api/v1/me')).json.role, 'editor');

    r = await adminPost(srv, boss, `/admin/users/${id}/`, { action: 'disable' });
    assert.equal(r.status, 303);
    assert.equal(userRow('victim').disabled, true);
    assert.equal(await signedIn(v1.cookie), false, 'their session ended');
    assert.equal((await api(srv, null, 'GET', '/api/v1/me', undefined, { token: tok.json.token })).status, 401, 'their token ended');
    assert.notEqual((await postLogin(srv, 'victim')).status, 303, 'a disabled user cannot sign in');
    const list = await adminGet(srv, boss, '/admin/users/?done=disabled');
    assert.match(list.text, /data-login="victim">[\s\S]*?badge user-disabled">disabled</);
    assert.match(list.text, /sessions and API tokens were ended/);

    r = await adminPost(srv, boss, `/admin/users/${id}/`, { action: 'enable' });
    assert.equal(r.status, 303);
    assert.equal(userRow('victim').disabled, false);
    const v2 = await login(srv, 'victim');
    assert.match((await adminGet(srv, boss, '/admin/users/')).text, /data-login="victim">[\s\S]*?<td class="num">1<\/td>/);

    r = await adminPost(srv, boss, `/admin/users/${id}/`, { action: 'signout' });
    assert.equal(r.status, 303);
    assert.equal(await signedIn(v2.cookie), false);
    assert.match((await adminGet(srv, boss, '/admin/users/')).text, /data-login="victim">[\s\S]*?<td class="num">0<\/td>/);
    assert.equal(await signedIn(boss.cookie), true, 'the admin stays signed in');
  });

  test('a new invitation link replaces the old one, only for a user without a password', async () => {
    const first = await inviteByForm({ login: 'slow-reader', name: '', email: '', role: 'contributor' });
    const id = userId('slow-reader');
    let r = await adminPost(srv, boss, `/admin/users/${id}/`, { action: 'invite' });
    assert.equal(r.status, 200);
    const second = inviteLink(r.text);
    assert.notEqual(second.token, first.token);
    assert.equal((await get(`${srv.url}${first.path}`)).status, 404, 'the old link no longer works');
    assert.equal((await get(`${srv.url}${second.path}`)).status, 200);
    // The imported user gets a first link the same way.
    r = await adminPost(srv, boss, `/admin/users/${userId('old-timer')}/`, { action: 'invite' });
    assert.equal(r.status, 200);
    inviteLink(r.text);
    // A user with a password: refused, and their password stays theirs.
    const hash = sql("SELECT pw_hash FROM users WHERE login = 'r-editor'");
    r = await adminPost(srv, boss, `/admin/users/${userId('r-editor')}/`, { action: 'invite' });
    assert.equal(r.status, 409);
    assert.match(r.text, /has a password already/);
    assert.doesNotMatch(r.text, /id="invite-url"/);
    assert.equal(sql("SELECT pw_hash FROM users WHERE login = 'r-editor'"), hash);
  });

  test('bad actions: an unknown user is 404, an unknown action or role 400, nothing changed', async () => {
    let r = await adminPost(srv, boss, '/admin/users/99999/', { action: 'disable' });
    assert.equal(r.status, 404);
    const id = userId('r-author');
    r = await adminPost(srv, boss, `/admin/users/${id}/`, { action: 'explode' });
    assert.equal(r.status, 400);
    assert.match(r.text, /unknown action/);
    r = await adminPost(srv, boss, `/admin/users/${id}/`, { action: 'role', role: 'king' });
    assert.equal(r.status, 400);
    assert.match(r.text, /<p class="field-error" role="alert">role: one of/);
    assert.equal(userRow('r-author').role, 'author');
  });

  test('the last active admin can be neither demoted nor disabled, with a clear message', async () => {
    // The site's first admin (from gazette init) is disabled: boss is left.
    const first = userId(site.login);
    let r = await adminPost(srv, boss, `/admin/users/${first}/`, { action: 'disable' });
    assert.equal(r.status, 303);
    const me = userId('boss');
    r = await adminPost(srv, boss, `/admin/users/${me}/`, { action: 'role', role: 'editor' });
    assert.equal(r.status, 409);
    assert.match(r.text, /You are the last active admin: make another user an admin first/);
    r = await adminPost(srv, boss, `/admin/users/${me}/`, { action: 'disable' });
    assert.equal(r.status, 409);
    assert.match(r.text, /You are the last active admin/);
    let j = await api(srv, boss, 'PUT', `/api/v1/admin/users/${me}`, { role: 'author' });
    assert.equal(j.status, 409);
    assert.match(j.json.error, /last active admin/);
    j = await api(srv, boss, 'PUT', `/api/v1/admin/users/${me}`, { disabled: true });
    assert.equal(j.status, 409);
    assert.deepEqual(userRow('boss'), { ...userRow('boss'), role: 'admin', disabled: false });
    assert.equal(await signedIn(boss.cookie), true);
    // With a second active admin the first may step down: then re-promote.
    r = await adminPost(srv, boss, `/admin/users/${first}/`, { action: 'enable' });
    assert.equal(r.status, 303);
    j = await api(srv, boss, 'PUT', `/api/v1/admin/users/${me}`, { role: 'editor' });
    assert.equal(j.status, 200, j.text);
    assert.equal(j.json.role, 'editor');
    sql("UPDATE users SET role = 'admin' WHERE login = 'boss'");
    assert.equal((await api(srv, boss, 'GET', '/api/v1/me')).json.role, 'admin');
  });
});

describe('capabilities and CSRF', () => {
  test('only admins open the users screen and its API; others get 403, and nothing changes', async () => {
    const target = userId('r-author');
    for (const role of ROLES.filter((x) => x !== 'admin')) {
      const s = as[role];
      const before = countUsers();
      assert.equal((await adminGet(srv, s, '/admin/users/')).status, 403, `${role} GET /admin/users/`);
      let r = await adminPost(srv, s, '/admin/users/', { login: `by-${role}`, role: 'admin' });
      assert.equal(r.status, 403, `${role} POST /admin/users/`);
      assert.match(r.text, new RegExp(`Your role \\(${role}\\) does not allow this`));
      r = await adminPost(srv, s, `/admin/users/${target}/`, { action: 'role', role: 'admin' });
      assert.equal(r.status, 403, `${role} POST /admin/users/ID/`);
      assert.equal((await api(srv, s, 'GET', '/api/v1/admin/users')).status, 403);
      assert.equal((await api(srv, s, 'POST', '/api/v1/admin/users', { login: `by-${role}`, role: 'admin' })).status, 403);
      assert.equal((await api(srv, s, 'PUT', `/api/v1/admin/users/${target}`, { role: 'admin' })).status, 403);
      assert.equal(countUsers(), before);
      assert.equal(userRow('r-author').role, 'author');
      // Their own profile, /api/v1/me and tokens are theirs to use.
      r = await adminGet(srv, s, '/admin/profile/');
      assert.equal(r.status, 200, `${role} GET /admin/profile/`);
      assert.doesNotMatch(r.text, /href="\/admin\/users\/"/, 'no Users item in the menu');
      const me = await api(srv, s, 'GET', '/api/v1/me');
      assert.equal(me.status, 200);
      assert.equal(me.json.role, role);
      assert.ok(!me.json.capabilities.includes('users'));
      assert.ok(me.json.capabilities.includes('admin'));
      assert.equal((await api(srv, s, 'GET', '/api/v1/admin/tokens')).status, 200);
    }
    const mod = await api(srv, as.moderator, 'GET', '/api/v1/me');
    assert.deepEqual(mod.json.capabilities, ['admin', 'comments']);
    const ed = await api(srv, as.editor, 'GET', '/api/v1/me');
    assert.deepEqual(ed.json.capabilities, ['admin', 'posts_own', 'posts_publish', 'posts_all', 'pages', 'comments', 'submissions', 'stats', 'feeds']);
  });

  test('signed out: screens redirect to /login, the API answers 401', async () => {
    for (const p of ['/admin/users/', '/admin/profile/']) {
      const r = await get(`${srv.url}${p}`);
      assert.equal(r.status, 303);
      assert.equal(r.headers.get('location'), `/login?next=${encodeURIComponent(p)}`);
    }
    for (const [m, p] of [['GET', '/api/v1/me'], ['GET', '/api/v1/admin/users'], ['POST', '/api/v1/admin/users'],
      ['PUT', '/api/v1/admin/users/1'], ['GET', '/api/v1/admin/tokens'], ['POST', '/api/v1/admin/tokens'],
      ['DELETE', '/api/v1/admin/tokens/1']]) {
      const r = await api(srv, null, m, p, m === 'GET' || m === 'DELETE' ? undefined : {});
      assert.equal(r.status, 401, `${m} ${p}`);
      assert.ok(r.json.error);
    }
  });

  test('a POST without the CSRF token, with a wrong one, or from another origin: 403 and nothing changed', async () => {
    const before = countUsers();
    const target = userId('r-contributor');
    const bad = [
      { csrf: false },
      { fields: { csrf: 'not-the-token' } },
      { headers: { Origin: 'https://evil.example' } },
    ];
    for (const b of bad) {
      const opts = { csrf: b.csrf ?? true, headers: b.headers ?? {} };
      let r = await adminPost(srv, boss, '/admin/users/', { login: 'csrf-victim', role: 'admin', ...(b.fields ?? {}) }, opts);
      assert.equal(r.status, 403, JSON.stringify(b));
      r = await adminPost(srv, boss, `/admin/users/${target}/`, { action: 'disable', ...(b.fields ?? {}) }, opts);
      assert.equal(r.status, 403);
      r = await adminPost(srv, boss, '/admin/profile/', { action: 'profile', name: 'Hacked', email: '', ...(b.fields ?? {}) }, opts);
      assert.equal(r.status, 403);
      r = await adminPost(srv, boss, '/admin/profile/', { action: 'token_new', token_name: 'stolen', ...(b.fields ?? {}) }, opts);
      assert.equal(r.status, 403);
    }
    assert.equal(countUsers(), before);
    assert.equal(userRow('r-contributor').disabled, false);
    assert.notEqual(userRow('boss').name, 'Hacked');
    assert.equal(sql("SELECT count(*) FROM api_tokens WHERE name = 'stolen'"), '0');
    // The JSON API by cookie needs X-CSRF-Token.
    for (const [m, p, body] of [['POST', '/api/v1/admin/users', { login: 'csrf-victim', role: 'admin' }],
      ['PUT', `/api/v1/admin/users/${target}`, { disabled: true }], ['POST', '/api/v1/admin/tokens', { name: 'stolen' }]]) {
      const r = await api(srv, null, m, p, body, { headers: { Cookie: boss.cookie, Origin: srv.url } });
      assert.equal(r.status, 403, `${m} ${p}`);
    }
    assert.equal(countUsers(), before);
    assert.equal(userRow('r-contributor').disabled, false);
    assert.equal(sql("SELECT count(*) FROM api_tokens WHERE name = 'stolen'"), '0');
  });
});

describe('the profile', () => {
  test('change one\'s name and email; validation keeps the input', async () => {
    await addUser(site.dir, 'prof', 'author');
    const s = await login(srv, 'prof');
    let r = await adminPost(srv, s, '/admin/profile/', { action: 'profile', name: 'Pro Fessor', email: 'pro@example.com' });
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/admin/profile/?done=profile');
    assert.deepEqual(userRow('prof'), { role: 'author', disabled: false, hasPassword: true, name: 'Pro Fessor', email: 'pro@example.com' });
    r = await adminGet(srv, s, '/admin/profile/?done=profile');
    assert.match(r.text, /Your name and email were saved/);
    assert.equal(inputValue(r.text, 'profile-name'), 'Pro Fessor');
    assert.match(r.text, /<span class="who">Pro Fessor <small>\(author\)<\/small>/);

    const long = 'N'.repeat(LIMITS.LIM_USER_NAME_BYTES + 1);
    r = await adminPost(srv, s, '/admin/profile/', { action: 'profile', name: long, email: 'bad address' });
    assert.equal(r.status, 400);
    assert.match(fieldError(r.text, 'profile-name'), new RegExp(`longer than ${LIMITS.LIM_USER_NAME_BYTES}`));
    assert.match(fieldError(r.text, 'profile-email'), /not an email address/);
    assert.ok(invalid(r.text, 'profile-name') && invalid(r.text, 'profile-email'));
    assert.equal(inputValue(r.text, 'profile-name'), long);
    assert.equal(inputValue(r.text, 'profile-email'), 'bad address');
    assert.equal(userRow('prof').name, 'Pro Fessor', 'nothing saved');
    // A name of exactly LIM_USER_NAME_BYTES is fine.
    r = await adminPost(srv, s, '/admin/profile/', { action: 'profile', name: long.slice(1), email: '' });
    assert.equal(r.status, 303);
    assert.equal(userRow('prof').name, long.slice(1));
  });

  test('change one\'s password: current required, new twice; other sessions end, this one stays', async () => {
    await addUser(site.dir, 'pw', 'contributor');
    const here = await login(srv, 'pw');
    const there = await login(srv, 'pw');
    const NEW = 'a much better password';
    const tries = [
      [{ current: 'wrong password', password: NEW, again: NEW }, 'current', /not your current password/],
      [{ current: PASSWORD, password: 'short', again: 'short' }, 'new-password', new RegExp(`shorter than ${LIMITS.LIM_PASSWORD_MIN}`)],
      [{ current: PASSWORD, password: NEW, again: `${NEW}!` }, 'again', /differ/],
    ];
    for (const [fields, field, msg] of tries) {
      const r = await adminPost(srv, here, '/admin/profile/', { action: 'password', ...fields });
      assert.equal(r.status, 400, field);
      assert.match(fieldError(r.text, field) ?? '', msg, field);
      assert.ok(invalid(r.text, field));
      assert.doesNotMatch(r.text, new RegExp(NEW), 'passwords are never written back into the page');
    }
    assert.equal(await signedIn(there.cookie), true, 'nothing changed yet');
    const r = await adminPost(srv, here, '/admin/profile/', { action: 'password', current: PASSWORD, password: NEW, again: NEW });
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/admin/profile/?done=password');
    assert.equal(await signedIn(here.cookie), true, 'this session stays');
    assert.equal(await signedIn(there.cookie), false, 'the other one ended');
    assert.notEqual((await postLogin(srv, 'pw', PASSWORD)).status, 303, 'the old password no longer works');
    assert.equal((await postLogin(srv, 'pw', NEW)).status, 303);
  });

  test('sessions: each with when and where; sign out the other sessions', async () => {
    await addUser(site.dir, 'roamer', 'author');
    const here = await login(srv, 'roamer');
    const r1 = await postLogin(srv, 'roamer', PASSWORD, { ip: '203.0.113.7' });
    const far = cookieOf(r1);
    let r = await adminGet(srv, here, '/admin/profile/');
    const rows = r.text.match(/<tr( class="current")?><td>[^<]+<\/td><td>[^<]+<\/td><td>[^<]+<\/td>/g);
    assert.equal(rows.length, 2);
    assert.match(r.text, /<td>203\.0\.113\.7<\/td>/);
    assert.match(r.text, /<tr class="current"><td>\d{4}-\d\d-\d\d \d\d:\d\d UTC<\/td><td>[^<]+<\/td><td>127\.0\.0\.1<\/td><td><span class="badge">this browser/);
    assert.match(r.text, /Sign out all other sessions \(1\)/);
    r = await adminPost(srv, here, '/admin/profile/', { action: 'signout_others' });
    assert.equal(r.status, 303);
    assert.equal(await signedIn(far), false);
    assert.equal(await signedIn(here.cookie), true);
    r = await adminGet(srv, here, '/admin/profile/?done=signout');
    assert.match(r.text, /Your other sessions were ended/);
    assert.doesNotMatch(r.text, /Sign out all other sessions/);
  });

  test('API tokens on the profile: made with a name, shown once, listed, deleted', async () => {
    await addUser(site.dir, 'scripter', 'moderator');
    const s = await login(srv, 'scripter');
    let r = await adminPost(srv, s, '/admin/profile/', { action: 'token_new', token_name: 'backup script' });
    assert.equal(r.status, 200);
    const token = /<code id="new-token"[^>]*>([^<]+)</.exec(r.text)[1];
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(sql(`SELECT count(*) FROM api_tokens WHERE token_hash = '${token}'`), '0', 'only the hash is kept');
    const me = await api(srv, null, 'GET', '/api/v1/me', undefined, { token });
    assert.equal(me.status, 200);
    assert.equal(me.json.login, 'scripter');
    r = await adminGet(srv, s, '/admin/profile/');
    assert.doesNotMatch(r.text, new RegExp(token), 'never shown again');
    const row = /<tr id="token-(\d+)"><td>backup script<\/td><td>[^<]+<\/td><td>(\d{4}-[^<]+)<\/td>/.exec(r.text);
    assert.ok(row, 'listed with its last use');
    // Validation: a name is required, and at most LIM_TOKEN_NAME_BYTES.
    r = await adminPost(srv, s, '/admin/profile/', { action: 'token_new', token_name: '' });
    assert.equal(r.status, 400);
    assert.match(fieldError(r.text, 'token-name'), /give the token a name/);
    const long = 't'.repeat(LIMITS.LIM_TOKEN_NAME_BYTES + 1);
    r = await adminPost(srv, s, '/admin/profile/', { action: 'token_new', token_name: long });
    assert.equal(r.status, 400);
    assert.match(fieldError(r.text, 'token-name'), new RegExp(`longer than ${LIMITS.LIM_TOKEN_NAME_BYTES}`));
    assert.equal(inputValue(r.text, 'token-name'), long);
    assert.ok(invalid(r.text, 'token-name'));
    assert.doesNotMatch(r.text, /id="new-token"/);
    // Another user's token cannot be deleted from here.
    r = await adminPost(srv, boss, '/admin/profile/', { action: 'token_delete', id: row[1] });
    assert.equal(r.status, 404);
    assert.equal((await api(srv, null, 'GET', '/api/v1/me', undefined, { token })).status, 200);
    r = await adminPost(srv, s, '/admin/profile/', { action: 'token_delete', id: row[1] });
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/admin/profile/?done=token_deleted');
    assert.equal((await api(srv, null, 'GET', '/api/v1/me', undefined, { token })).status, 401, 'a deleted token gets 401');
  });

  test(`at most LIM_API_TOKENS (${LIMITS.LIM_API_TOKENS}) tokens per user: the next is refused, on the screen and in the API`, async () => {
    await addUser(site.dir, 'hoarder', 'author');
    const s = await login(srv, 'hoarder');
    for (let i = 0; i < LIMITS.LIM_API_TOKENS; i++) {
      const j = await api(srv, s, 'POST', '/api/v1/admin/tokens', { name: `t${i}` });
      assert.equal(j.status, 201, `token ${i}: ${j.text}`);
    }
    const j = await api(srv, s, 'POST', '/api/v1/admin/tokens', { name: 'one too many' });
    assert.equal(j.status, 409);
    assert.match(j.json.error, new RegExp(`${LIMITS.LIM_API_TOKENS} API tokens`));
    const r = await adminPost(srv, s, '/admin/profile/', { action: 'token_new', token_name: 'one too many' });
    assert.equal(r.status, 409);
    assert.match(fieldError(r.text, 'token-name'), /delete one first/);
    assert.equal(inputValue(r.text, 'token-name'), 'one too many');
    const list = await api(srv, s, 'GET', '/api/v1/admin/tokens');
    assert.equal(list.json.length, LIMITS.LIM_API_TOKENS);
    // Deleting one makes room again.
    assert.equal((await api(srv, s, 'DELETE', `/api/v1/admin/tokens/${list.json[0].id}`)).status, 200);
    assert.equal((await api(srv, s, 'POST', '/api/v1/admin/tokens', { name: 'room again' })).status, 201);
  });
});

describe('the JSON API', () => {
  test('GET /api/v1/me: who is signed in, with the capabilities of the role', async () => {
    const me = await api(srv, boss, 'GET', '/api/v1/me');
    assert.equal(me.status, 200);
    assert.equal(me.headers.get('cache-control'), 'private, no-store');
    assert.deepEqual(Object.keys(me.json).sort(), ['capabilities', 'email', 'id', 'login', 'name', 'role']);
    assert.equal(me.json.login, 'boss');
    assert.equal(me.json.id, userId('boss'));
    assert.deepEqual(me.json.capabilities, ['admin', 'posts_own', 'posts_publish', 'posts_all', 'pages', 'comments', 'submissions', 'site', 'users', 'stats', 'feeds']);
  });

  test('users: list, invite (returns the link), change role and disabled', async () => {
    let j = await api(srv, boss, 'GET', '/api/v1/admin/users');
    assert.equal(j.status, 200);
    const bossRow = j.json.find((u) => u.login === 'boss');
    assert.equal(bossRow.status, 'active');
    assert.equal(bossRow.role, 'admin');
    assert.ok(bossRow.sessions >= 1);
    assert.match(bossRow.last_login_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(Object.keys(bossRow).sort(), ['created_at', 'disabled', 'email', 'has_password', 'id', 'last_login_at', 'login', 'name', 'role', 'sessions', 'status']);
    assert.equal(j.json.find((u) => u.login === 'slow-reader').status, 'invited');

    j = await api(srv, boss, 'POST', '/api/v1/admin/users', { login: 'api-made', name: 'By API', email: 'api@example.com', role: 'moderator' });
    assert.equal(j.status, 201, j.text);
    assert.equal(j.json.user.login, 'api-made');
    assert.equal(j.json.user.status, 'invited');
    assert.equal(j.json.user.has_password, false);
    assert.equal(j.json.user.last_login_at, null);
    assert.ok(j.json.invite_url.startsWith(`${srv.url}/invite?token=`), j.json.invite_url);
    assert.match(j.json.invite_url, /\/invite\?token=[A-Za-z0-9_-]{43}$/);
    assert.match(j.json.expires_at, /Z$/);
    const expires = Date.parse(j.json.expires_at) / 1000;
    assert.ok(Math.abs(expires - Date.now() / 1000 - LIMITS.LIM_INVITE_SECONDS) < 60, 'expires after LIM_INVITE_SECONDS');
    const url = new URL(j.json.invite_url);
    const res = await acceptInvite(`${url.pathname}${url.search}`);
    assert.equal(res.status, 303);
    const id = j.json.user.id;

    j = await api(srv, boss, 'PUT', `/api/v1/admin/users/${id}`, { role: 'editor' });
    assert.equal(j.status, 200);
    assert.equal(j.json.role, 'editor');
    assert.equal(j.json.status, 'active');
    j = await api(srv, boss, 'PUT', `/api/v1/admin/users/${id}`, { disabled: true });
    assert.equal(j.status, 200);
    assert.equal(j.json.status, 'disabled');
    assert.equal(j.json.sessions, 0, 'disabling ended the session');
    assert.equal(await signedIn(cookieOf(res)), false);
    j = await api(srv, boss, 'PUT', `/api/v1/admin/users/${id}`, { disabled: false, role: 'author' });
    assert.equal(j.status, 200);
    assert.equal(j.json.status, 'active');
    assert.equal(j.json.role, 'author');
  });

  test('users API validation: 400 naming the field, 409 for a taken login, 404 for no user', async () => {
    const before = countUsers();
    const bad = [
      [{ login: 'bad login', role: 'author' }, 'login', 400],
      [{ role: 'author' }, 'login', 400],
      [{ login: 'fine', role: 'emperor' }, 'role', 400],
      [{ login: 'fine', role: 'author', email: 'nope' }, 'email', 400],
      [{ login: 'fine', role: 'author', name: 42 }, 'name', 400],
      [{ login: 'boss', role: 'author' }, 'login', 409],
    ];
    for (const [body, field, status] of bad) {
      const j = await api(srv, boss, 'POST', '/api/v1/admin/users', body);
      assert.equal(j.status, status, JSON.stringify(body));
      assert.equal(j.json.field, field, JSON.stringify(j.json));
      assert.ok(j.json.error);
    }
    assert.equal(countUsers(), before);
    const id = userId('r-author');
    for (const [body, status] of [[{ role: 'emperor' }, 400], [{ disabled: 'yes' }, 400], [{ admin: true }, 400], [{}, 400]]) {
      const j = await api(srv, boss, 'PUT', `/api/v1/admin/users/${id}`, body);
      assert.equal(j.status, status, JSON.stringify(body));
    }
    assert.deepEqual(userRow('r-author'), { ...userRow('r-author'), role: 'author', disabled: false });
    assert.equal((await api(srv, boss, 'PUT', '/api/v1/admin/users/99999', { role: 'author' })).status, 404);
    const nojson = await get(`${srv.url}/api/v1/admin/users`, {
      method: 'POST',
      headers: { Cookie: boss.cookie, 'X-CSRF-Token': boss.csrf, Origin: srv.url, 'Content-Type': 'text/plain' },
      body: '{"login":"x","role":"author"}',
    });
    assert.equal(nojson.status, 415);
  });

  test('tokens: own list, create (shown once), delete; a token works for admin calls in place of the cookie', async () => {
    let j = await api(srv, boss, 'POST', '/api/v1/admin/tokens', { name: 'deploy' });
    assert.equal(j.status, 201);
    const { token, id } = j.json;
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    j = await api(srv, boss, 'GET', '/api/v1/admin/tokens');
    const listed = j.json.find((t) => t.id === id);
    assert.deepEqual(Object.keys(listed).sort(), ['created_at', 'id', 'name', 'used_at']);
    assert.equal(listed.used_at, null);
    assert.ok(!JSON.stringify(j.json).includes(token), 'the list never holds the token');
    // The token acts as boss, with no cookie and no CSRF header.
    j = await api(srv, null, 'GET', '/api/v1/me', undefined, { token });
    assert.equal(j.json.login, 'boss');
    j = await api(srv, null, 'POST', '/api/v1/admin/users', { login: 'by-token', role: 'author' }, { token });
    assert.equal(j.status, 201);
    j = await api(srv, null, 'GET', '/api/v1/admin/tokens', undefined, { token });
    assert.ok(j.json.find((t) => t.id === id).used_at, 'used_at is set once used');
    // Only one's own tokens: another user cannot see or delete this one.
    const other = as.editor;
    j = await api(srv, other, 'GET', '/api/v1/admin/tokens');
    assert.ok(!j.json.some((t) => t.id === id));
    assert.equal((await api(srv, other, 'DELETE', `/api/v1/admin/tokens/${id}`)).status, 404);
    assert.equal((await api(srv, null, 'GET', '/api/v1/me', undefined, { token })).status, 200);
    // Validation.
    assert.equal((await api(srv, boss, 'POST', '/api/v1/admin/tokens', {})).status, 400);
    assert.equal((await api(srv, boss, 'POST', '/api/v1/admin/tokens', { name: 'x'.repeat(LIMITS.LIM_TOKEN_NAME_BYTES + 1) })).status, 400);
    assert.equal((await api(srv, boss, 'POST', '/api/v1/admin/tokens', { name: 'x'.repeat(LIMITS.LIM_TOKEN_NAME_BYTES) })).status, 201);
    // Deleted: 401 from then on.
    j = await api(srv, boss, 'DELETE', `/api/v1/admin/tokens/${id}`);
    assert.equal(j.status, 200);
    assert.deepEqual(j.json, { deleted: id });
    assert.equal((await api(srv, null, 'GET', '/api/v1/me', undefined, { token })).status, 401);
    assert.equal((await api(srv, boss, 'DELETE', `/api/v1/admin/tokens/${id}`)).status, 404);
  });

  test('a token of a disabled user gets 401, and is gone when the user is enabled again', async () => {
    await addUser(site.dir, 'temp', 'editor');
    const s = await login(srv, 'temp');
    const { token } = (await api(srv, s, 'POST', '/api/v1/admin/tokens', { name: 'x' })).json;
    assert.equal((await api(srv, null, 'GET', '/api/v1/me', undefined, { token })).status, 200);
    const id = userId('temp');
    assert.equal((await api(srv, boss, 'PUT', `/api/v1/admin/users/${id}`, { disabled: true })).status, 200);
    assert.equal((await api(srv, null, 'GET', '/api/v1/me', undefined, { token })).status, 401);
    assert.equal((await api(srv, boss, 'PUT', `/api/v1/admin/users/${id}`, { disabled: false })).status, 200);
    assert.equal((await api(srv, null, 'GET', '/api/v1/me', undefined, { token })).status, 401);
  });
});

describe('in Chromium', () => {
  test('an admin invites a user; the link, opened in a fresh browser, signs them in with the role', async () => {
    const browser = await launch();
    try {
      const adminCtx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await adminCtx.newPage();
      const errors = collectErrors(page);
      await page.goto(`${srv.url}/login?next=${encodeURIComponent('/admin/users/')}`);
      await page.fill('#login', 'boss');
      await page.fill('#password', PASSWORD);
      await Promise.all([page.waitForURL(`${srv.url}/admin/users/`), page.click('button[type=submit]')]);
      await page.fill('#invite-login', 'browser.author');
      await page.fill('#invite-name', 'Browser Author');
      await page.fill('#invite-email', 'ba@example.com');
      await page.selectOption('#invite-role', 'author');
      await Promise.all([page.waitForLoadState('load'), page.click('form[action="/admin/users/"] button[type=submit]')]);
      const link = (await page.textContent('#invite-url')).trim();
      assert.match(link, /\/invite\?token=/);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'admin-users.png'), fullPage: true });
      assert.deepEqual(errors, []);

      const fresh = await browser.newContext();
      const p2 = await fresh.newPage();
      const u = new URL(link);
      await p2.goto(`${srv.url}${u.pathname}${u.search}`);
      assert.match(await p2.textContent('main'), /invited as browser\.author \(author\)/);
      await p2.fill('#password', 'browser password 1');
      await p2.fill('#again', 'browser password 1');
      await Promise.all([p2.waitForURL(`${srv.url}/admin/`), p2.click('button[type=submit]')]);
      assert.equal(new URL(p2.url()).pathname, '/admin/');
      const me = await p2.evaluate(async () => (await fetch('/api/v1/me')).json());
      assert.equal(me.login, 'browser.author');
      assert.equal(me.role, 'author');
      await p2.goto(`${srv.url}/admin/profile/`);
      assert.equal((await p2.textContent('.who')).replace(/\s+/g, ' ').trim(), 'Browser Author (author)');
      // The admin's screen now shows them active.
      await page.goto(`${srv.url}/admin/users/`);
      assert.match(await page.textContent('tr[data-login="browser.author"]'), /active/);
    } finally {
      await browser.close();
    }
  });
});
