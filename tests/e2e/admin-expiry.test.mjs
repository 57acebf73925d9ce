// Time limits of signing in, crossed with a second server on the same site
// whose clock (GAZETTE_NOW) runs in the past: a login form older than
// LIM_LOGIN_FORM_SECONDS is refused, a session idle for
// LIM_SESSION_SECONDS no longer signs anyone in — and just inside either
// limit both still work.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { newSite, startServer, cleanup, stopClean } from './lib/gazette.mjs';
import { addUser, loginToken, postLogin, login, adminGet } from './lib/admin.mjs';
import { LIMITS } from './lib/limits.mjs';

let site;
let srv;
const now = () => Math.floor(Date.now() / 1000);

before(async () => {
  site = await newSite();
  await addUser(site.dir, 'ed', 'editor');
  srv = await startServer(site.dir);
});
after(async () => {
  try {
    await stopClean(srv);
  } finally {
    await cleanup();
  }
});

// A server on the same site whose clock is `ago` seconds behind.
async function past(ago) {
  return startServer(site.dir, { env: { GAZETTE_NOW: String(now() - ago) } });
}

test(`a login form older than LIM_LOGIN_FORM_SECONDS (${LIMITS.LIM_LOGIN_FORM_SECONDS}) is refused; a younger one works`, async () => {
  for (const [ago, ok] of [[LIMITS.LIM_LOGIN_FORM_SECONDS + 120, false], [LIMITS.LIM_LOGIN_FORM_SECONDS - 120, true]]) {
    const old = await past(ago);
    let csrf;
    try {
      csrf = await loginToken(old);
    } finally {
      await stopClean(old);
    }
    const r = await postLogin(srv, 'ed', undefined, { csrf });
    if (ok) assert.equal(r.status, 303, `${ago} s old: ${r.status}`);
    else {
      assert.equal(r.status, 403, `${ago} s old: ${r.status}`);
      assert.match(r.text, /out of date/);
      assert.equal(r.headers.get('set-cookie'), null);
    }
  }
});

test(`a session idle longer than LIM_SESSION_SECONDS (${LIMITS.LIM_SESSION_SECONDS}) sends to /login; a younger one works`, async () => {
  for (const [ago, ok] of [[LIMITS.LIM_SESSION_SECONDS + 120, false], [LIMITS.LIM_SESSION_SECONDS - 120, true]]) {
    const old = await past(ago);
    let sess;
    try {
      sess = await login(old, 'ed');
    } finally {
      await stopClean(old);
    }
    const r = await adminGet(srv, sess, '/admin/');
    assert.equal(r.status, ok ? 200 : 303, `signed in ${ago} s ago`);
    if (!ok) assert.match(r.headers.get('location'), /^\/login\?next=/);
  }
});
