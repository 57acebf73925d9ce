// Account security: the session cookie's flags (Secure on an https site),
// a wrong password, the login throttle per account and per address, the
// `next` parameter never leaving the site, signing out (and its CSRF
// check), the CLI ending sessions (`gazette user sessions --revoke`,
// `gazette user passwd`), a password hashed with other argon2 limits
// rehashed at sign-in, and invitations that expired or were used.
//
// The throttle's waits are whole seconds (LIM_LOGIN_FREE failures, then
// 1 s, 2 s, 4 s ...), so its test sleeps about five seconds; each test
// uses its own X-Forwarded-For address (trusted from a loopback peer) so
// the per-address count of one test never decides another.
import { test, describe, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LIMITS } from './lib/limits.mjs';
import {
  newSite, startServer, run, get, cleanup, stopClean, reportOnFailure, siteSql,
} from './lib/gazette.mjs';
import {
  PASSWORD, addUser, login, loginToken, postLogin, api,
} from './lib/admin.mjs';

let site;
let srv;
let boss;
let nextIp = 1;
const extra = []; // servers a test starts beside srv

after(async () => {
  for (const s of extra) await stopClean(s);
  await stopClean(srv);
  await cleanup();
});
afterEach((t) => reportOnFailure(t, srv, ...extra));

// A documentation address (RFC 5737) of its own for each caller.
function freshIp() {
  return `198.51.100.${nextIp++}`;
}

const sql = (query) => siteSql(site.dir, query);

function cookieOf(res) {
  const m = /gazette_session=[^;]*/.exec(res.headers.get('set-cookie') ?? '');
  assert.ok(m, 'a session cookie is set');
  return m[0];
}

// Is this cookie signed in? (The profile is open to every role.)
async function signedIn(cookie, server = srv) {
  const r = await get(`${server.url}/admin/profile/`, { headers: { Cookie: cookie } });
  if (r.status === 200) return true;
  assert.equal(r.status, 303);
  assert.match(r.headers.get('location'), /^\/login\?next=/);
  return false;
}

// POST /login with a chosen `next`.
async function loginNext(login, next, { ip = freshIp() } = {}) {
  const csrf = await loginToken(srv);
  return get(`${srv.url}/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: srv.url, 'X-Forwarded-For': ip },
    body: new URLSearchParams({ login, password: PASSWORD, csrf, next }).toString(),
  });
}

// POST /logout as the layout's button sends it.
function logout(server, sess, { csrf = sess.csrf, origin = server.url } = {}) {
  const body = csrf === null ? '' : new URLSearchParams({ csrf }).toString();
  return get(`${server.url}/logout`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: origin, Cookie: sess.cookie },
    body,
  });
}

// An argon2 hash made by libsodium itself with other limits than
// gazette's (python's ctypes over the libsodium gazette links: no new
// dependency, nothing test-only in the binary).
function foreignHash(password, { alg, opslimit, memlimit }) {
  const py = `
import ctypes, sys
for name in ('libsodium.so.23', 'libsodium.so'):
    try:
        so = ctypes.CDLL(name)
        break
    except OSError:
        so = None
assert so is not None, 'libsodium not found'
assert so.sodium_init() >= 0
out = ctypes.create_string_buffer(128)
pw = sys.argv[1].encode()
rc = so.crypto_pwhash_str_alg(out, pw, ctypes.c_ulonglong(len(pw)), ctypes.c_ulonglong(int(sys.argv[2])),
                              ctypes.c_size_t(int(sys.argv[3])), ctypes.c_int(int(sys.argv[4])))
assert rc == 0, 'crypto_pwhash_str_alg failed'
print(out.value.decode())
`;
  return execFileSync('python3', ['-c', py, password, String(opslimit), String(memlimit), String(alg)], { encoding: 'utf8' }).trim();
}

// An invitation made by the API of server; {path, token}.
async function invite(server, admin, loginName) {
  const j = await api(server, admin, 'POST', '/api/v1/admin/users', { login: loginName, role: 'author' });
  assert.equal(j.status, 201, j.text);
  const u = new URL(j.json.invite_url);
  return { path: `${u.pathname}${u.search}`, token: u.searchParams.get('token') };
}

async function acceptInvite(server, invitePath, password) {
  const page = await get(`${server.url}${invitePath}`);
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? 'none';
  const token = new URL(`${server.url}${invitePath}`).searchParams.get('token');
  return get(`${server.url}/invite`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: server.url },
    body: new URLSearchParams({ csrf, token, password, again: password }).toString(),
  });
}

before(async () => {
  site = await newSite();
  await addUser(site.dir, 'boss', 'admin');
  srv = await startServer(site.dir);
  boss = await login(srv, 'boss');
});

describe('the session cookie', () => {
  test('HttpOnly, SameSite=Lax, Path=/, Max-Age of LIM_SESSION_SECONDS; not Secure on an http site', async () => {
    const r = await postLogin(srv, 'boss', PASSWORD, { ip: freshIp() });
    assert.equal(r.status, 303);
    const c = r.headers.get('set-cookie');
    assert.match(c, /^gazette_session=[A-Za-z0-9_-]{43};/);
    const attrs = c.split(';').slice(1).map((x) => x.trim());
    assert.ok(attrs.includes('HttpOnly'), c);
    assert.ok(attrs.includes('SameSite=Lax'), c);
    assert.ok(attrs.includes('Path=/'), c);
    assert.ok(attrs.includes(`Max-Age=${LIMITS.LIM_SESSION_SECONDS}`), c);
    assert.ok(!attrs.includes('Secure'), c);
    // Only the token's hash is stored.
    const token = /gazette_session=([^;]+)/.exec(c)[1];
    assert.equal(sql(`SELECT count(*) FROM sessions WHERE token_hash = '${token}'`), '0');
  });

  test('Secure when the site URL in gazette.conf is https (sign-in and sign-out alike)', async () => {
    const s2 = await newSite();
    writeFileSync(path.join(s2.dir, 'gazette.conf'), 'url = https://news.example.com\n');
    await addUser(s2.dir, 'tls', 'editor');
    const srv2 = await startServer(s2.dir);
    extra.push(srv2);
    const r = await postLogin(srv2, 'tls');
    assert.equal(r.status, 303);
    const c = r.headers.get('set-cookie');
    assert.ok(c.split(';').map((x) => x.trim()).includes('Secure'), c);
    assert.match(c, /HttpOnly/);
    const sess = await login(srv2, 'tls');
    const out = await logout(srv2, sess);
    assert.equal(out.status, 303);
    const gone = out.headers.get('set-cookie');
    assert.match(gone, /^gazette_session=;/);
    assert.match(gone, /Max-Age=0/);
    assert.match(gone, /Secure/);
  });
});

describe('signing in', () => {
  test('a wrong password: the message, the login kept, no cookie', async () => {
    for (const who of ['boss', 'nobody-at-all']) {
      const r = await postLogin(srv, who, 'not the password', { ip: freshIp() });
      assert.equal(r.headers.get('set-cookie'), null);
      assert.notEqual(r.status, 303);
      assert.match(r.text, /<p class="notice error" role="alert" id="login-error">Wrong login or password.<\/p>/);
      assert.match(r.text, new RegExp(`<input id="login" name="login" value="${who}"`));
      assert.doesNotMatch(r.text, /not the password/, 'the password is not written back');
    }
  });

  test(`after LIM_LOGIN_FREE (${LIMITS.LIM_LOGIN_FREE}) failures an account waits (429, Retry-After) even with the right password, and the wait grows`, async () => {
    await addUser(site.dir, 'locked', 'author');
    const ip = freshIp();
    let failSent = 0; // when the last failing try was sent (ms)
    for (let i = 0; i < LIMITS.LIM_LOGIN_FREE; i++) {
      failSent = Date.now();
      const r = await postLogin(srv, 'locked', `wrong ${i}`, { ip });
      assert.equal(r.status, 200, `failure ${i + 1} is answered, not throttled`);
      assert.match(r.text, /Wrong login or password/);
    }
    const delays = [];
    for (let round = 0; round < 3; round++) {
      if (round > 0) {
        await sleep(Number(delays[round - 1].retryAfter) * 1000 + 50);
        failSent = Date.now();
        const r = await postLogin(srv, 'locked', 'wrong again', { ip });
        assert.equal(r.status, 200, 'once the wait is over, a try is answered');
      }
      const r = await postLogin(srv, 'locked', PASSWORD, { ip });
      const checked = Date.now();
      assert.equal(r.status, 429, `round ${round}: the right password waits too`);
      assert.equal(r.headers.get('set-cookie'), null);
      const wait = Number(r.headers.get('retry-after'));
      assert.match(r.text, new RegExp(`Too many failed sign-ins. Wait ${wait} seconds`));
      assert.match(r.text, /<input id="login" name="login" value="locked"/);
      // The n-th wait is 2^n seconds from the failure (one more on the
      // whole-second clock).  The time this machine took between sending
      // the failure and getting the 429 (argon2 under ASan on a busy
      // machine takes seconds) has already been waited.
      const elapsed = Math.ceil((checked - failSent) / 1000);
      assert.ok(wait <= 2 ** round + 1, `round ${round}: Retry-After ${wait}`);
      assert.ok(wait + elapsed >= 2 ** round, `round ${round}: Retry-After ${wait} after ${elapsed} s`);
      delays.push({ retryAfter: wait, atLeast: wait + elapsed });
      // Per account: another address waits as well.
      assert.equal((await postLogin(srv, 'locked', PASSWORD, { ip: freshIp() })).status, 429);
    }
    // It grows: the third wait is at least 4 s in all, more than the first's 2 s at most.
    assert.ok(delays[2].atLeast >= 4 && delays[0].retryAfter <= 2, JSON.stringify(delays));
    // Other accounts are not held back.
    assert.equal((await postLogin(srv, 'boss', PASSWORD, { ip })).status, 303);
  });

  test(`after LIM_LOGIN_FREE_IP (${LIMITS.LIM_LOGIN_FREE_IP}) failures from one address (X-Forwarded-For from loopback; an IPv6 /64 is one) it waits, whatever the account`, async () => {
    await addUser(site.dir, 'shared-ip', 'author');
    // Every try from another address of one /64, the block one
    // subscriber gets: before, each was an address of its own.
    let host = 1;
    const ip6 = () => `2001:db8:77:1::${(host++).toString(16)}`;
    const logins = Array.from({ length: LIMITS.LIM_LOGIN_FREE_IP }, (_, i) => `ghost-${i}`);
    // A few at a time: each failure costs an argon2 hash on the server.
    for (let i = 0; i < logins.length; i += 4) {
      const rs = await Promise.all(logins.slice(i, i + 4).map((l) => postLogin(srv, l, 'guess', { ip: ip6() })));
      for (const r of rs) assert.equal(r.status, 200);
    }
    // The address now waits.  The first wait is 1 s and argon2 under
    // ASan on a busy machine can take longer than that between the last
    // failure and this probe, so a late probe may be answered (200, a
    // further failure that doubles the wait); a few probes always meet
    // the wait, and a 429 then holds for the right password too.
    // The right password is tried only with a second or more of the wait
    // left (Retry-After >= 2 on the whole-second clock), so it cannot
    // arrive just as the wait ends.
    let probe;
    let waited = false;
    for (let i = 0; i < 10; i++) {
      probe = await postLogin(srv, `ghost-probe-${i}`, 'guess', { ip: ip6() });
      if (probe.status === 429) waited = true;
      if (probe.status === 429 && Number(probe.headers.get('retry-after')) >= 2) break;
      if (probe.status === 429) await sleep(1100);
      else assert.equal(probe.status, 200);
    }
    assert.ok(waited, 'the address is made to wait');
    assert.equal(probe.status, 429);
    const r = await postLogin(srv, 'shared-ip', PASSWORD, { ip: ip6() });
    assert.equal(r.status, 429);
    assert.ok(Number(r.headers.get('retry-after')) >= 1);
    assert.equal(r.headers.get('set-cookie'), null);
    // The account itself is fine from another address.
    assert.equal((await postLogin(srv, 'shared-ip', PASSWORD, { ip: freshIp() })).status, 303);
  });

  test('next never leaves the site', async () => {
    for (const next of ['//evil.example', 'https://evil.example', '/\\evil.example', 'http:/evil.example', 'evil.example']) {
      const r = await loginNext('boss', next);
      assert.equal(r.status, 303);
      assert.equal(r.headers.get('location'), '/admin/', next);
    }
    const r = await loginNext('boss', '/admin/profile/');
    assert.equal(r.headers.get('location'), '/admin/profile/');
    const form = await get(`${srv.url}/login?next=${encodeURIComponent('//evil.example')}`);
    assert.match(form.text, /<input type="hidden" name="next" value="\/admin\/">/);
    const signed = await get(`${srv.url}/login?next=${encodeURIComponent('https://evil.example')}`, { headers: { Cookie: boss.cookie } });
    assert.equal(signed.status, 303);
    assert.equal(signed.headers.get('location'), '/admin/');
  });

  test('a password hashed with other argon2 limits is rehashed with gazette\'s at sign-in', async () => {
    for (const [name, params] of [['weak-id', { alg: 2, opslimit: 1, memlimit: 8 << 20 }], ['old-i', { alg: 1, opslimit: 3, memlimit: 8 << 20 }]]) {
      await addUser(site.dir, name, 'author');
      const old = foreignHash(PASSWORD, params);
      assert.doesNotMatch(old, /m=65536,t=2,/);
      sql(`UPDATE users SET pw_hash = '${old}' WHERE login = '${name}'`);
      const r = await postLogin(srv, name, PASSWORD, { ip: freshIp() });
      assert.equal(r.status, 303, `${name} signs in with the old hash`);
      const now = sql(`SELECT pw_hash FROM users WHERE login = '${name}'`);
      assert.notEqual(now, old);
      assert.match(now, /^\$argon2id\$v=19\$m=65536,t=2,p=1\$/, `${name}: ${now}`);
      assert.equal((await postLogin(srv, name, PASSWORD, { ip: freshIp() })).status, 303, 'and again with the new one');
    }
  });
});

describe('signing out and ending sessions', () => {
  test('logout ends the session: the old cookie no longer works', async () => {
    const s = await login(srv, 'boss');
    const r = await logout(srv, s);
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/login?bye=1');
    assert.match(r.headers.get('set-cookie'), /^gazette_session=; Path=\/; Max-Age=0; HttpOnly; SameSite=Lax/);
    assert.equal(await signedIn(s.cookie), false);
    assert.equal((await get(`${srv.url}/api/v1/me`, { headers: { Cookie: s.cookie } })).status, 401);
    assert.match((await get(`${srv.url}/login?bye=1`)).text, /You are signed out/);
  });

  test('POST /logout without the CSRF token, with a wrong one or from another site: 403, still signed in', async () => {
    const s = await login(srv, 'boss');
    for (const opts of [{ csrf: null }, { csrf: 'wrong' }, { origin: 'https://evil.example' }]) {
      const r = await logout(srv, s, opts);
      assert.equal(r.status, 403, JSON.stringify(opts));
      assert.equal(r.headers.get('set-cookie'), null);
    }
    assert.equal(await signedIn(s.cookie), true);
  });

  test('`gazette user sessions --revoke LOGIN` ends a live session', async () => {
    await addUser(site.dir, 'revokee', 'editor');
    const s = await login(srv, 'revokee');
    let r = await run(['user', 'sessions', '--site', site.dir, 'revokee']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^signed in \d{4}-\d\d-\d\d \d\d:\d\d\tlast seen .*\tfrom 127\.0\.0\.1$/m);
    r = await run(['user', 'sessions', '--site', site.dir, '--revoke', 'revokee']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /1 session\(s\) of 'revokee' ended/);
    assert.equal(await signedIn(s.cookie), false, 'the cookie now redirects to /login');
    assert.equal(await signedIn(boss.cookie), true, 'other users keep theirs');
  });

  test('`gazette user passwd LOGIN` (stdin) changes the password and ends every session', async () => {
    await addUser(site.dir, 'forgetful', 'author');
    const a = await login(srv, 'forgetful');
    const b = await login(srv, 'forgetful');
    const NEW = 'the new password from the shell';
    let r = await run(['user', 'passwd', '--site', site.dir, 'forgetful'], { input: 'short\n' });
    assert.equal(r.code, 2, 'a password under LIM_PASSWORD_MIN is refused');
    assert.equal(await signedIn(a.cookie), true, 'nothing changed');
    r = await run(['user', 'passwd', '--site', site.dir, 'forgetful'], { input: `${NEW}\n` });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /password of 'forgetful' changed; 2 session\(s\) ended/);
    assert.equal(await signedIn(a.cookie), false);
    assert.equal(await signedIn(b.cookie), false);
    assert.notEqual((await postLogin(srv, 'forgetful', PASSWORD, { ip: freshIp() })).status, 303);
    assert.equal((await postLogin(srv, 'forgetful', NEW, { ip: freshIp() })).status, 303);
  });
});

describe('invitations', () => {
  test('a used invitation is refused the second time, and the password stays the first one', async () => {
    const inv = await invite(srv, boss, 'once-only');
    const first = await acceptInvite(srv, inv.path, 'first choice password');
    assert.equal(first.status, 303);
    const hash = sql("SELECT pw_hash FROM users WHERE login = 'once-only'");
    const page = await get(`${srv.url}${inv.path}`);
    assert.equal(page.status, 404);
    assert.match(page.text, /not valid \(used already, or expired\)/);
    const again = await acceptInvite(srv, inv.path, 'second choice password');
    assert.notEqual(again.status, 303);
    assert.equal(again.headers.get('set-cookie'), null);
    assert.equal(sql("SELECT pw_hash FROM users WHERE login = 'once-only'"), hash);
    assert.equal(sql(`SELECT count(*) FROM invites WHERE user_id = (SELECT id FROM users WHERE login = 'once-only')`), '0');
  });

  test(`an invitation works until LIM_INVITE_SECONDS (${LIMITS.LIM_INVITE_SECONDS}) have passed, and is refused after`, async () => {
    // Two servers on the same site whose clocks started in the past: one
    // invitation made LIM_INVITE_SECONDS + 2 min ago, one made
    // LIM_INVITE_SECONDS - 2 min ago. srv (today's clock) judges both.
    const now = Math.floor(Date.now() / 1000);
    const make = async (ago, name) => {
      const old = await startServer(site.dir, { env: { GAZETTE_NOW: String(now - ago) } });
      extra.push(old);
      const adm = await login(old, 'boss');
      const inv = await invite(old, adm, name);
      assert.equal((await get(`${old.url}${inv.path}`)).status, 200, 'valid when made');
      return inv;
    };
    const expired = await make(LIMITS.LIM_INVITE_SECONDS + 120, 'too-late');
    const fresh = await make(LIMITS.LIM_INVITE_SECONDS - 120, 'just-in-time');
    const page = await get(`${srv.url}${expired.path}`);
    assert.equal(page.status, 404);
    assert.match(page.text, /not valid \(used already, or expired\)/);
    const late = await acceptInvite(srv, expired.path, 'a password too late');
    assert.notEqual(late.status, 303);
    assert.equal(sql("SELECT CASE WHEN pw_hash IS NULL THEN 1 ELSE 0 END FROM users WHERE login = 'too-late'"), '1');
    const ok = await acceptInvite(srv, fresh.path, 'a password in time');
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.get('location'), '/admin/');
    assert.equal(await signedIn(cookieOf(ok)), true);
  });
});
