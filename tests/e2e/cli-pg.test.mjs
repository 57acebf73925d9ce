// A site's database on PostgreSQL (issue 18, decision 095): `--db URL` on
// any command and `db = URL` in gazette.conf name it instead of
// SITE/gazette.db. init makes the site in an existing database and refuses
// a second time; commands whose store files are on the driver work on it;
// a database without a site, a value that is not a postgresql:// URL,
// backup and restore are refused with a reason; serve serves it; the URL,
// which may carry a password, is never printed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  run, tempDir, cleanup, parseCredentials, startServer, stopClean, get,
} from './lib/gazette.mjs';
import { PG_ABSENT, startCluster, psql } from './lib/pg.mjs';

let pg;
let n = 0;

// A new empty database of the cluster and its URL.
async function database() {
  const name = `cli_${++n}`;
  await psql(pg.url, `CREATE DATABASE ${name}`);
  return `${pg.url}&dbname=${name}`;
}

before(async () => {
  if (!PG_ABSENT) pg = await startCluster();
});
after(async () => {
  pg?.stop();
  await cleanup();
});

test('init --db makes the site in the database, and the next commands find it there', { skip: PG_ABSENT }, async () => {
  const db = await database();
  const dir = await tempDir();
  let r = await run(['init', '--site', dir, '--db', db, '--title', 'Ink']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(parseCredentials(r.stdout).password);
  assert.equal(existsSync(path.join(dir, 'gazette.db')), false);
  assert.ok(existsSync(path.join(dir, 'media')));
  // SQLite's history, by the same numbers, in PostgreSQL.
  assert.match(await psql(db, 'SELECT name FROM schema_migrations ORDER BY version LIMIT 1'), /^001-init\.sql$/m);

  r = await run(['init', '--site', dir, `--db=${db}`]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /a site already exists in the PostgreSQL database/);

  r = await run(['settings', 'get', 'title', '--site', dir, '--db', db]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'Ink\n');
  r = await run(['sections', 'list', '--db', db, '--site', dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^1\tnews\t/);

  // gazette.conf's db, with no flag; the flag wins over it.
  writeFileSync(path.join(dir, 'gazette.conf'), `db = ${db}\n`);
  r = await run(['settings', 'set', 'tagline', 'Daily', '--site', dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await psql(db, "SELECT value FROM settings WHERE key = 'tagline'")).trim(), 'Daily');
  r = await run(['user', 'add', 'maria', '--role', 'editor', '--site', dir], { input: 'correct horse battery staple\n' });
  assert.equal(r.code, 0, r.stderr);
  r = await run(['user', 'list', '--site', dir]);
  assert.match(r.stdout, /^maria\teditor\t/m);
  const other = await database();
  r = await run(['settings', 'get', 'title', '--site', dir, '--db', other]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /no site in the PostgreSQL database \(create one with 'gazette init'\)/);
  assert.equal((await psql(other, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).trim(), '0');

  // What SQLite alone does, or what is not on PostgreSQL yet, says so.
  r = await run(['backup', '--output', path.join(dir, 'copy.db'), '--site', dir]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /pg_dump/);
  r = await run(['restore', path.join(dir, 'copy.db'), '--site', dir]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /pg_restore/);
  // Every store file is on the driver now: the rest works there.
  r = await run(['comments', 'list', '--site', dir]);
  assert.equal(r.code, 0, r.stderr);
  const srv = await startServer(dir);
  try {
    const h = await get(`${srv.url}/healthz`);
    assert.equal(h.status, 200, h.text);
    assert.equal((await get(`${srv.url}/`)).status, 200);
  } finally {
    await stopClean(srv);
  }
});

test('--db and db take a postgresql:// URL only', async () => {
  const dir = await tempDir();
  let r = await run(['init', '--site', dir, '--db', path.join(dir, 'other.db')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--db: not a postgresql:\/\/ or postgres:\/\/ URL/);
  r = await run(['init', '--site', dir, '--db']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--db needs a postgresql:\/\/ URL/);
  writeFileSync(path.join(dir, 'gazette.conf'), `db = ${path.join(dir, 'other.db')}\n`);
  r = await run(['init', '--site', dir]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /gazette\.conf:1: unknown key or bad value .*db \(a postgresql:\/\/ URL\)/);
  assert.equal(existsSync(path.join(dir, 'other.db')), false);
});

test('a URL that fails names the database, never the URL or its password', { skip: PG_ABSENT }, async () => {
  const dir = await tempDir();
  const url = `${pg.url}&dbname=nosuch&password=hunter2-secret`;
  const r = await run(['settings', 'get', 'title', '--site', dir, '--db', url]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /PostgreSQL database "nosuch"/);
  assert.doesNotMatch(r.stderr, /hunter2/);
  assert.doesNotMatch(r.stderr, /host=/);
});
