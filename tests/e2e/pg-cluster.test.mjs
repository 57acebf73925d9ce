// The tests' throw-away PostgreSQL clusters (lib/pg.mjs over tests/pg/cluster):
// each is a server of its own, reachable only through its folder's socket,
// and gone, folder and process, once stopped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PG_ABSENT, startCluster, psql } from './lib/pg.mjs';

// A process that has ended is gone or a zombie (a container's init may never
// reap the orphaned postmaster).
function alive(pid) {
  if (!existsSync(`/proc/${pid}/stat`)) return false;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
}

test('two clusters run side by side and leave nothing once stopped', { skip: PG_ABSENT }, async () => {
  const [a, b] = await Promise.all([startCluster(), startCluster()]);
  try {
    assert.match(a.url, /^postgresql:\/\/\/postgres\?host=\/.+&user=postgres$/);
    assert.notEqual(a.url, b.url);
    await psql(a.url, 'CREATE TABLE only_in_a (x int)');
    assert.equal((await psql(a.url, "SELECT to_regclass('only_in_a') IS NOT NULL")).trim(), 't');
    assert.equal((await psql(b.url, "SELECT to_regclass('only_in_a') IS NOT NULL")).trim(), 'f');
    assert.equal((await psql(a.url, 'SHOW server_encoding')).trim(), 'UTF8');
    // No TCP: the socket in the folder is the only way in.
    assert.equal((await psql(a.url, 'SHOW listen_addresses')).trim(), '');
    const pid = readFileSync(path.join(a.dir, 'postmaster.pid'), 'utf8').split('\n')[0];
    a.stop();
    assert.equal(existsSync(a.dir), false);
    assert.equal(alive(pid), false, `postmaster ${pid} still runs`);
    await assert.rejects(psql(a.url, 'SELECT 1'));
    assert.equal((await psql(b.url, 'SELECT 1')).trim(), '1');
  } finally {
    a.stop();
    b.stop();
  }
});
