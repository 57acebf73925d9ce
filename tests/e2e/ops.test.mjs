// Running it for real (issue 17, parts 3-5): /healthz reads the database
// and fails without it; /metrics in Prometheus' text format, for loopback
// or a token only; the access log in the combined format, reopened on
// SIGHUP; and nothing secret in the logs of a run that signs in, follows
// token links and has SMTP credentials set.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  chmodSync, chownSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync,
} from 'node:fs';
import path from 'node:path';
import {
  newSite, startServer, run, get, cleanup, stopClean, eventually, tempDir, REPO_ROOT, ON_PG, siteDbUrl,
} from './lib/gazette.mjs';
import { login } from './lib/admin.mjs';
import { RawConn } from './lib/raw.mjs';

after(cleanup);

const TOKEN = 'metrics-token-0123456789abcdef';

// The combined log format (Apache's "combined", nginx's default), as
// goaccess's COMBINED and fail2ban's apache/nginx filters read it.
const COMBINED = /^(\S+) (\S+) (\S+) \[(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})\] "(\S+) (\S+) (HTTP\/\d\.\d)" (\d{3}) (\d+|-) "((?:[^"\\]|\\x[0-9A-F]{2})*)" "((?:[^"\\]|\\x[0-9A-F]{2})*)"$/;

async function cli(args, opts) {
  const r = await run(args, opts);
  assert.equal(r.code, 0, `gazette ${args.join(' ')}: ${r.stderr}`);
  return r;
}

test('/healthz reads the database: 200 and never cached; 503 while the file is gone', { skip: ON_PG && 'SQLite\'s file alone: on PostgreSQL the next test stops the server instead' }, async () => {
  const site = await newSite();
  const srv = await startServer(site.dir);
  try {
    let r = await get(`${srv.url}/healthz`);
    assert.equal(r.status, 200);
    assert.match(r.text, /^ok/);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    const db = path.join(site.dir, 'gazette.db');
    renameSync(db, `${db}.away`);
    try {
      r = await get(`${srv.url}/healthz`);
      assert.equal(r.status, 503);
      assert.equal(r.headers.get('cache-control'), 'no-store');
    } finally {
      renameSync(`${db}.away`, db);
    }
    r = await get(`${srv.url}/healthz`);
    assert.equal(r.status, 200, 'healthy again once the file is back');
    assert.match(srv.stderr(), /Z gazette: error: healthz: cannot/, 'the failure is logged with a time and a level');
  } finally {
    await stopClean(srv);
  }
});

// A load balancer in front of nodes on one PostgreSQL server must see the
// database going away (a restart, a failover) and coming back, without
// the node being restarted: the node's sessions are made again.
test('/healthz on PostgreSQL: 200, 503 while the PostgreSQL server is down, 200 once it is back', { skip: !ON_PG && 'PostgreSQL\'s alone: on SQLite the test above moves the file away' }, async () => {
  const site = await newSite();
  const srv = await startServer(site.dir);
  const url = siteDbUrl(site.dir);
  const { clusterDown, clusterUp } = await import('./lib/pg.mjs');
  try {
    let r = await get(`${srv.url}/healthz`);
    assert.equal(r.status, 200);
    assert.match(r.text, /^ok schema \d+/);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    await clusterDown(url);
    try {
      for (let i = 0; i < 2; i++) { // the session found ended, then none to be made
        r = await get(`${srv.url}/healthz`);
        assert.equal(r.status, 503, r.text);
        assert.equal(r.headers.get('cache-control'), 'no-store');
        assert.equal(r.text, 'database unreadable\n');
      }
    } finally {
      await clusterUp(url);
    }
    r = await get(`${srv.url}/healthz`);
    assert.equal(r.status, 200, 'healthy again once PostgreSQL is back, with no restart of gazette');
    assert.match(r.text, /^ok schema \d+/);
    assert.match(srv.stderr(), /Z gazette: error: healthz: .*connection to the database/,
      'the failure is logged with a time and a level, and says what failed');
    // The pages read through the same sessions again too.
    assert.equal((await get(`${srv.url}/`)).status, 200);
  } finally {
    await stopClean(srv);
  }
});

test('/metrics: Prometheus text from loopback; refused to a forwarded outside address without the token', async () => {
  const site = await newSite();
  writeFileSync(path.join(site.dir, 'gazette.conf'), `metrics_token = ${TOKEN}\n`);
  const srv = await startServer(site.dir);
  try {
    await get(`${srv.url}/`);
    await get(`${srv.url}/`);
    await get(`${srv.url}/no-such-page/`);
    let r = await get(`${srv.url}/metrics`);
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    const value = (name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(r.text)?.[1]);
    assert.ok(value('gazette_http_requests_total\\{route="page",status="200"\\}') >= 2, r.text);
    assert.ok(value('gazette_http_requests_total\\{route="page",status="404"\\}') >= 1, r.text);
    assert.ok(value('gazette_page_cache_hits_total') >= 1, r.text);
    assert.ok(value('gazette_page_cache_misses_total') >= 1, r.text);
    assert.ok(value('gazette_http_request_duration_seconds_count') >= 3, r.text);
    assert.equal(value('gazette_http_request_duration_seconds_bucket\\{le="\\+Inf"\\}'),
      value('gazette_http_request_duration_seconds_count'));
    assert.ok(value('gazette_database_bytes') > 0, r.text);
    assert.equal(value('gazette_comments\\{status="approved"\\}'), 0);
    for (const name of ['gazette_page_cache_evictions_total', 'gazette_views_counted_total',
      'gazette_views_flushed_total', 'gazette_feed_fetch_errors_total', 'gazette_outbox_waiting']) {
      assert.ok(Number.isFinite(value(name)), `${name} in ${r.text}`);
    }
    // Every line is a comment or "name{labels} value".
    for (const line of r.text.trim().split('\n')) {
      assert.match(line, /^(# (HELP|TYPE) \S+ .+|[a-z_]+(\{[a-z]+="[^"]*"(,[a-z]+="[^"]*")*\})? -?[0-9.e+]+)$/, line);
    }

    // Through the proxy on loopback, for a reader outside: refused.
    const outside = { 'X-Forwarded-For': '203.0.113.7' };
    r = await get(`${srv.url}/metrics`, { headers: outside });
    assert.equal(r.status, 403);
    assert.doesNotMatch(r.text, /gazette_/);
    r = await get(`${srv.url}/metrics`, { headers: { ...outside, Authorization: 'Bearer wrong-token-0123456789' } });
    assert.equal(r.status, 403);
    r = await get(`${srv.url}/metrics`, { headers: { ...outside, Authorization: `Bearer ${TOKEN}` } });
    assert.equal(r.status, 200);
    assert.match(r.text, /gazette_http_requests_total/);
  } finally {
    await stopClean(srv);
  }
});

test('the access log: off by default, combined format when on, a new file after SIGHUP', async () => {
  const site = await newSite();
  let srv = await startServer(site.dir);
  await get(`${srv.url}/`);
  await stopClean(srv);
  assert.doesNotMatch(srv.stderr(), /"GET \/ HTTP/, 'no access log unless asked');

  const log = path.join(site.dir, 'access.log');
  writeFileSync(path.join(site.dir, 'gazette.conf'), `access_log = ${log}\n`);
  srv = await startServer(site.dir);
  try {
    await get(`${srv.url}/?s=hello%20world`, { headers: { 'User-Agent': 'Agent "quoted" \\ back', Referer: 'https://example.org/from?x=1' } });
    await get(`${srv.url}/no-such-page/`);
    await get(`${srv.url}/unsubscribe?c=12&t=sekrit-token-value`);
    await get(`${srv.url}/`, { method: 'HEAD' });
    const lines = await eventually(() => {
      const text = existsSync(log) ? readFileSync(log, 'utf8') : '';
      const l = text.split('\n').filter(Boolean);
      return l.length >= 4 ? l : null;
    });
    for (const line of lines) assert.match(line, COMBINED, line);
    const fields = lines.map((l) => COMBINED.exec(l));
    const [first, missing, unsub, head] = fields;
    assert.equal(first[1], '127.0.0.1');
    assert.equal(first[3], '-', 'no user name is logged');
    assert.equal(first[11], 'GET');
    assert.equal(first[12], '/?s=hello%20world');
    assert.equal(first[14], '200');
    assert.ok(Number(first[15]) > 0);
    assert.equal(first[16], 'https://example.org/from?x=1');
    assert.equal(first[17], 'Agent \\x22quoted\\x22 \\x5C back');
    assert.equal(missing[14], '404');
    assert.equal(unsub[12], '/unsubscribe?c=12&t=REDACTED');
    assert.equal(head[11], 'HEAD');
    assert.equal(head[15], '-', 'HEAD sends no body');

    // logrotate: move the file, SIGHUP, and the next lines go to a new one.
    renameSync(log, `${log}.1`);
    srv.proc.kill('SIGHUP');
    await eventually(() => /reloaded gazette\.conf/.test(srv.stderr()));
    await get(`${srv.url}/healthz`);
    const fresh = await eventually(() => (existsSync(log) ? readFileSync(log, 'utf8') : null));
    assert.match(fresh, /"GET \/healthz HTTP\/1\.1" 200/);
    assert.doesNotMatch(readFileSync(`${log}.1`, 'utf8'), /healthz/);
  } finally {
    await stopClean(srv);
  }
});

test('nothing secret in the logs of a run: password, session cookie, CSRF and link tokens, SMTP credentials', async () => {
  const site = await newSite();
  const smtpUser = 'smtp-user-5f0c2a';
  const smtpPassword = 'smtp-pass-9d81e7c4b2';
  await cli(['settings', 'set', 'smtp_url', 'smtps://127.0.0.1:1', '--site', site.dir]);
  await cli(['settings', 'set', 'smtp_user', smtpUser, '--site', site.dir]);
  await cli(['settings', 'set', 'smtp_password', smtpPassword, '--site', site.dir]);
  const listed = await cli(['settings', 'list', '--site', site.dir]);
  assert.doesNotMatch(listed.stdout, new RegExp(smtpPassword));
  assert.doesNotMatch(listed.stdout, /secret_/);
  const got = await run(['settings', 'get', 'smtp_password', '--site', site.dir]);
  assert.equal(got.code, 2, 'settings get refuses a secret');
  assert.doesNotMatch(got.stdout + got.stderr, new RegExp(smtpPassword));

  const log = path.join(site.dir, 'access.log');
  writeFileSync(path.join(site.dir, 'gazette.conf'), `access_log = ${log}\n`);
  const srv = await startServer(site.dir);
  let sess;
  try {
    sess = await login(srv, site.login, site.password);
    await get(`${srv.url}/admin/`, { headers: { Cookie: sess.cookie } });
    await get(`${srv.url}/admin/settings/`, { headers: { Cookie: sess.cookie } });
    await get(`${srv.url}/unsubscribe?c=1&t=unsub-token-77aa`);
    await get(`${srv.url}/invite?token=invite-token-88bb`, { headers: { Referer: `${srv.url}/x?csrf=${sess.csrf}` } });
    const wrong = new URLSearchParams({ login: 'admin', password: 'wrong-password-31337', csrf: 'x' });
    await get(`${srv.url}/login`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: srv.url }, body: wrong.toString(),
    });
  } finally {
    await stopClean(srv);
  }
  const logs = srv.stderr() + srv.stdout() + readFileSync(log, 'utf8');
  assert.match(logs, /POST \/login/, 'the log has the run in it');
  const cookieValue = sess.cookie.split('=')[1];
  for (const secret of [site.password, 'wrong-password-31337', cookieValue, sess.csrf,
    'unsub-token-77aa', 'invite-token-88bb', smtpUser, smtpPassword]) {
    assert.ok(!logs.includes(secret), `the logs hold a secret: ${secret}`);
  }
});

test('secrets rotate: new keys, everyone signed out at once', async () => {
  const site = await newSite();
  const srv = await startServer(site.dir);
  try {
    const sess = await login(srv, site.login, site.password);
    let r = await get(`${srv.url}/admin/`, { headers: { Cookie: sess.cookie } });
    assert.equal(r.status, 200);
    const out = await cli(['secrets', 'rotate', '--site', site.dir]);
    assert.match(out.stderr, /keys replaced and everyone signed out/);
    r = await get(`${srv.url}/admin/`, { headers: { Cookie: sess.cookie } });
    assert.notEqual(r.status, 200, 'the old session no longer opens the admin');
  } finally {
    await stopClean(srv);
  }
});

test('SIGHUP: a changed template shows, and a kept-alive connection stays open through it', async () => {
  const site = await newSite();
  const srv = await startServer(site.dir);
  try {
    const c = await RawConn.open(srv.port);
    try {
      c.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      let r = await c.readResponse();
      assert.equal(r.status, 200);
      assert.doesNotMatch(r.body.toString(), /reloaded-footer-7e1/);
      const foot = readFileSync(path.join(REPO_ROOT, 'templates', 'foot.html'), 'utf8');
      mkdirSync(path.join(site.dir, 'templates'), { recursive: true });
      writeFileSync(path.join(site.dir, 'templates', 'foot.html'), foot.replace('powered by gazette', 'reloaded-footer-7e1'));
      srv.proc.kill('SIGHUP');
      await eventually(() => /reloaded gazette\.conf and the templates/.test(srv.stderr()));
      // The same connection, after the reload: answered, with the new footer.
      c.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      r = await c.readResponse();
      assert.equal(r.status, 200);
      assert.match(r.body.toString(), /reloaded-footer-7e1/);
      // A template that does not compile keeps the set in force.
      writeFileSync(path.join(site.dir, 'templates', 'foot.html'), '{{#open}} never closed');
      srv.proc.kill('SIGHUP');
      await eventually(() => /the templates in force stay/.test(srv.stderr()));
      const again = await get(`${srv.url}/`);
      assert.equal(again.status, 200);
      assert.match(again.text, /reloaded-footer-7e1/);
    } finally {
      c.destroy();
    }
  } finally {
    await stopClean(srv);
  }
});

test('started as root with user = NAME, serve runs as that user; without one it warns', { skip: process.getuid() !== 0 ? 'needs root' : false }, async () => {
  const site = await newSite();
  let srv = await startServer(site.dir);
  await stopClean(srv);
  assert.match(srv.stderr(), /Z gazette: warning: running as root/);

  // nobody owns the site, as a service user would (on PostgreSQL there is
  // no gazette.db: the database is the PostgreSQL server's).
  const { uid, gid } = { uid: 65534, gid: 65534 };
  for (const f of ['', 'gazette.db', 'media']) {
    if (!ON_PG || f !== 'gazette.db') chownSync(path.join(site.dir, f), uid, gid);
  }
  // On PostgreSQL the service user connects after giving up root: it must
  // reach the server's socket, as everyone reaches /var/run/postgresql.
  // The test cluster keeps its socket in its data folder (0700, the
  // postgres user's); let others through it while the server runs.
  const pgDir = ON_PG ? new URL(siteDbUrl(site.dir)).searchParams.get('host') : null;
  if (pgDir) chmodSync(pgDir, 0o711);
  const log = path.join(site.dir, 'access.log');
  writeFileSync(path.join(site.dir, 'gazette.conf'), `user = nobody\naccess_log = ${log}\n`);
  srv = await startServer(site.dir);
  try {
    const status = readFileSync(`/proc/${srv.proc.pid}/status`, 'utf8');
    assert.match(status, /^Uid:\s+65534\s+65534\s+65534\s+65534$/m, status);
    assert.match(status, /^Gid:\s+65534\s+65534\s+65534\s+65534$/m, status);
    assert.doesNotMatch(srv.stderr(), /running as root/);
    const r = await get(`${srv.url}/`);
    assert.equal(r.status, 200);
    assert.equal(statSync(log).uid, uid, 'the access log is the user\'s, so a reload can reopen it');
  } finally {
    await stopClean(srv);
    if (pgDir) chmodSync(pgDir, 0o700);
  }

  writeFileSync(path.join(site.dir, 'gazette.conf'), 'user = no-such-user-here\n');
  const bad = await run(['serve', '--site', site.dir, '--listen', '127.0.0.1:0']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /no such user/);
});

test('Type=notify: READY=1 on NOTIFY_SOCKET once listening, STOPPING=1 at the end', async () => {
  const site = await newSite();
  const dir = await tempDir('gazette-e2e-notify-');
  const sock = path.join(dir, 'notify.sock');
  // A datagram socket as systemd's, printing each message on a line.
  const listener = spawn('python3', ['-u', '-c', `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("bound", flush=True)
while True:
    print(s.recv(4096).decode().replace("\\n", " "), flush=True)
`, sock], { stdio: ['ignore', 'pipe', 'inherit'] });
  let heard = '';
  listener.stdout.on('data', (d) => { heard += d; });
  try {
    await eventually(() => heard.includes('bound'));
    const srv = await startServer(site.dir, { env: { NOTIFY_SOCKET: sock } });
    await eventually(() => /READY=1/.test(heard));
    srv.proc.kill('SIGHUP');
    await eventually(() => /RELOADING=1/.test(heard));
    await stopClean(srv);
    await eventually(() => /STOPPING=1/.test(heard));
    assert.match(heard, /READY=1[\s\S]*RELOADING=1[\s\S]*READY=1[\s\S]*STOPPING=1/);
  } finally {
    listener.kill();
  }
});
