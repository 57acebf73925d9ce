// Signing in to the admin from tests, over HTTP and in Chromium.
//
//   await addUser(site.dir, 'ed', 'editor');          // password PASSWORD
//   const ed = await login(srv, 'ed');                 // {cookie, csrf, login}
//   const r = await adminPost(srv, ed, '/admin/posts/new', { title: 'x' });
//   const j = await api(srv, ed, 'POST', '/api/v1/admin/posts', { title: 'x' });
//   await browserLogin(page, srv, 'ed');               // a signed-in page
import assert from 'node:assert/strict';
import { run, get } from './gazette.mjs';

export const PASSWORD = 'correct horse battery';
export const ROLES = ['admin', 'editor', 'author', 'contributor', 'moderator'];

// `gazette user add LOGIN --role ROLE` with the password on stdin.
export async function addUser(dir, login, role, password = PASSWORD) {
  const r = await run(['user', 'add', '--site', dir, login, '--role', role], { input: `${password}\n` });
  assert.equal(r.code, 0, `user add ${login}: ${r.stderr}`);
}

// The login form's CSRF token (a fresh GET of /login).
export async function loginToken(srv) {
  const page = await get(`${srv.url}/login`);
  const m = /name="csrf" value="([^"]+)"/.exec(page.text);
  assert.ok(m, 'the login form carries a csrf field');
  return m[1];
}

// POST /login; resolves with the raw response (redirect not followed).
export async function postLogin(srv, login, password = PASSWORD, { csrf, headers = {}, ip } = {}) {
  const token = csrf ?? (await loginToken(srv));
  const body = new URLSearchParams({ login, password, csrf: token, next: '/admin/' }).toString();
  return get(`${srv.url}/login`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Origin: srv.url,
      ...(ip ? { 'X-Forwarded-For': ip } : {}),
      ...headers,
    },
    body,
  });
}

// Sign in; resolves with {login, cookie, csrf} for adminGet/adminPost/api.
export async function login(srv, user, password = PASSWORD) {
  const r = await postLogin(srv, user, password);
  assert.equal(r.status, 303, `login ${user}: ${r.status} ${r.text.slice(0, 300)}`);
  const set = r.headers.get('set-cookie');
  const cookie = /gazette_session=[^;]+/.exec(set)[0];
  const dash = await get(`${srv.url}/logout`, { headers: { Cookie: cookie } });
  const m = /data-csrf="([^"]+)"/.exec(dash.text);
  assert.ok(m, `the admin layout carries data-csrf (${dash.status})`);
  return { login: user, cookie, csrf: m[1] };
}

export function adminGet(srv, sess, path, { headers = {} } = {}) {
  return get(`${srv.url}${path}`, { headers: { ...(sess ? { Cookie: sess.cookie } : {}), ...headers } });
}

// A form POST as the admin's own pages send it: Origin of the site and the
// session's csrf field (unless fields.csrf is given, or csrf: false).
export function adminPost(srv, sess, path, fields = {}, { csrf = true, headers = {} } = {}) {
  const params = new URLSearchParams();
  if (csrf && sess && !('csrf' in fields)) params.append('csrf', sess.csrf);
  for (const [k, v] of Object.entries(fields)) {
    if (Array.isArray(v)) for (const x of v) params.append(k, String(x));
    else params.append(k, String(v));
  }
  return get(`${srv.url}${path}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Origin: srv.url,
      ...(sess ? { Cookie: sess.cookie } : {}),
      ...headers,
    },
    body: params.toString(),
  });
}

// A JSON API call with the session cookie and X-CSRF-Token (or, with
// {token}, an API token instead of the session).  Resolves with
// {status, json, text, headers}.
export async function api(srv, sess, method, path, body, { token, headers = {} } = {}) {
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  else if (sess) {
    h.Cookie = sess.cookie;
    h['X-CSRF-Token'] = sess.csrf;
    h.Origin = srv.url;
  }
  if (body !== undefined) h['Content-Type'] = 'application/json';
  const r = await get(`${srv.url}${path}`, {
    method,
    headers: h,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let json;
  try {
    json = JSON.parse(r.text);
  } catch {
    json = undefined;
  }
  return { status: r.status, json, text: r.text, headers: r.headers };
}

// Sign in through the login form of a Chromium page.
export async function browserLogin(page, srv, user, password = PASSWORD) {
  await page.goto(`${srv.url}/login`);
  await page.fill('#login', user);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(/\/admin\//), page.click('button[type=submit]')]);
}
