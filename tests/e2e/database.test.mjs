// The database out of the server's hands while it writes: another process
// holding SQLite's write lock (an import, a backup, sqlite3 by hand), and
// the files turning read-only (a full or failing disk, made here with
// chattr +i, which root needs). A comment is acknowledged only once it is
// committed: while the lock is held a little while it waits and goes in;
// held past the busy timeout, or with the files read-only, it is refused
// with a JSON error and is not there afterwards; readers are served all
// along; and once the database is back, writing works again without a
// restart.
//
// On PostgreSQL (make e2e-pg) the same two, with PostgreSQL's means:
// another session holding a lock on comments that writers wait for
// (LOCK TABLE … IN EXCLUSIVE MODE, which readers pass), past the driver's
// lock_timeout, which is SQLite's busy timeout; and the server made
// read-only by its operator (ALTER SYSTEM SET default_transaction_read_only
// and a reload: the sessions already open turn read-only too), then
// writable again.  The database's own check is amcheck's there.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  newSite, startServer, run, get, tempDir, stopClean, cleanup, reportOnFailure, eventually, ON_PG, siteDbUrl, siteSql, siteIntegrity } from './lib/gazette.mjs';
import { absent, SQLITE3 } from './lib/needs.mjs';

const NO_SQLITE3 = !ON_PG && absent(SQLITE3);
const PSQL = '/usr/bin/psql';
let site;
let srv;
let postPath;
let ip = 0;

const sql = (query) => siteSql(site.dir, query);
// The cluster's own database, for what is said to the server as a whole.
const clusterUrl = () => siteDbUrl(site.dir).replace(/^postgresql:\/\/\/[^?]+\?/, 'postgresql:///postgres?');

async function comment(body) {
  ip += 1;
  const started = Date.now();
  const r = await get(`${srv.url}/api/v1/comments`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: srv.url, 'X-Forwarded-For': `10.7.0.${ip}` },
    body: JSON.stringify({ post_id: 1, author: 'Reader', body }),
    timeout: 60000,
  });
  return { status: r.status, json: JSON.parse(r.text), ms: Date.now() - started };
}

const stored = (body) => Number(sql(`SELECT count(*) FROM comments WHERE body_src = '${body}'`));

// sqlite3 holding the write lock (BEGIN IMMEDIATE) until release(); on
// PostgreSQL psql holding a lock on comments no INSERT gets past.
async function holdLock() {
  const p = ON_PG
    ? spawn(PSQL, ['-X', '-q', '-A', '-t', siteDbUrl(site.dir)], { stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(SQLITE3, [path.join(site.dir, 'gazette.db')], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  await new Promise((resolve, reject) => {
    p.stdout.on('data', (d) => {
      out += d;
      if (out.includes('locked')) resolve();
    });
    p.on('exit', (code) => reject(new Error(`${ON_PG ? 'psql' : 'sqlite3'} exited ${code} before taking the lock`)));
    p.stdin.write(ON_PG ? "BEGIN;\nLOCK TABLE comments IN EXCLUSIVE MODE;\nSELECT 'locked';\n"
      : "BEGIN IMMEDIATE;\nSELECT 'locked';\n");
  });
  return {
    release: () => new Promise((resolve) => {
      p.removeAllListeners('exit');
      p.on('exit', resolve);
      p.stdin.end('COMMIT;\n');
    }),
  };
}

before(async () => {
  if (NO_SQLITE3) return;
  site = await newSite();
  const md = await tempDir('gazette-e2e-md-');
  const f = path.join(md, 'p.md');
  writeFileSync(f, '---\ntitle: Locked out\nstatus: published\ndate: 2022-01-01\n---\nText.\n');
  const r = await run(['post', 'add', f, '--site', site.dir]);
  assert.equal(r.code, 0, r.stderr);
  postPath = new URL(r.stdout.split('\t')[1].trim()).pathname;
  for (const [k, v] of [['comments_hold', 'none'], ['comments_rate_minute', '100']]) {
    const s = await run(['settings', 'set', k, v, '--site', site.dir]);
    assert.equal(s.code, 0, s.stderr);
  }
  srv = await startServer(site.dir);
});
afterEach((t) => reportOnFailure(t, srv));
after(async () => {
  try {
    await stopClean(srv);
  } finally {
    await cleanup();
  }
});

test('another process holding the write lock: a comment waits for a short hold, is refused past a long one', { skip: NO_SQLITE3 }, async () => {
  // a short hold: the busy timeout waits it out, and the comment goes in
  let lock = await holdLock();
  const waiting = comment('after a short lock');
  await new Promise((r) => setTimeout(r, 1000));
  await lock.release();
  const short = await waiting;
  assert.equal(short.status, 201, JSON.stringify(short.json));
  assert.equal(stored('after a short lock'), 1);

  // a long hold: refused, not stored; readers are served meanwhile
  lock = await holdLock();
  let r;
  try {
    const refused = comment('during a long lock');
    const page = await get(srv.url + postPath);
    assert.equal(page.status, 200, 'a reader is served while the lock is held');
    r = await refused;
  } finally {
    await lock.release();
  }
  assert.equal(r.status, 500, JSON.stringify(r.json));
  assert.match(r.json.error, ON_PG ? /^adding comment: canceling statement due to lock timeout$/ : /database is locked/);
  assert.ok(r.ms < 30000, `refused after ${r.ms} ms`);
  assert.equal(stored('during a long lock'), 0, 'an unacknowledged comment is not stored');
  assert.match(srv.stderr(),
    ON_PG ? /Z gazette: error: comment: adding comment: canceling statement due to lock timeout/ : /comment: database: database is locked/,
    'the refusal is logged');

  const again = await comment('once the lock is gone');
  assert.equal(again.status, 201, JSON.stringify(again.json));
  assert.equal(siteIntegrity(site.dir), 'ok');
});

// The files made immutable, or on PostgreSQL the server made read-only by
// its operator (every session, those already open included, after the
// reload), and back.
async function readOnly(on) {
  if (!ON_PG) {
    const files = ['gazette.db', 'gazette.db-wal'].map((f) => path.join(site.dir, f));
    return spawnSync('chattr', [on ? '+i' : '-i', ...files], { encoding: 'utf8' });
  }
  const set = on ? 'ALTER SYSTEM SET default_transaction_read_only = on' : 'ALTER SYSTEM RESET default_transaction_read_only';
  // Its own session writable whatever the server's default.
  const r = spawnSync(PSQL, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', set, '-c', 'SELECT pg_reload_conf()', clusterUrl()],
    { encoding: 'utf8', env: { ...process.env, PGOPTIONS: '-c default_transaction_read_only=off' } });
  if (r.status === 0) {
    // The postmaster has reloaded once a new session starts with it; its
    // signal to the open sessions is on its way by then.
    const want = on ? 'on' : 'off';
    const seen = await eventually(() => sql('SHOW default_transaction_read_only') === want);
    assert.ok(seen, `the server's default_transaction_read_only is ${want}`);
    await new Promise((res) => setTimeout(res, 200));
  }
  return r;
}

test('the database files turned read-only: a comment is refused, reads go on, writing resumes after', { skip: NO_SQLITE3 }, async (t) => {
  const before = Number(sql('SELECT comment_count FROM posts WHERE id = 1'));
  const ro = await readOnly(true);
  if (ro.status !== 0) {
    t.skip(`chattr +i is not permitted here (root with CAP_LINUX_IMMUTABLE): ${ro.stderr.trim()}`);
    return;
  }
  let r;
  try {
    r = await comment('on a read-only disk');
    assert.equal((await get(srv.url + postPath)).status, 200, 'a reader is served');
  } finally {
    assert.equal((await readOnly(false)).status, 0, 'the database writable again');
  }
  assert.equal(r.status, 500, JSON.stringify(r.json));
  assert.match(r.json.error, ON_PG ? /^adding comment: cannot execute INSERT in a read-only transaction$/ : /^database: /);
  assert.equal(stored('on a read-only disk'), 0);
  assert.equal(Number(sql('SELECT comment_count FROM posts WHERE id = 1')), before, 'the count is unchanged');
  const again = await comment('on a writable disk again');
  assert.equal(again.status, 201, JSON.stringify(again.json));
  assert.equal(Number(sql('SELECT comment_count FROM posts WHERE id = 1')), before + 1);
  assert.equal(siteIntegrity(site.dir), 'ok');
});
