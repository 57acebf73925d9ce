// A throw-away PostgreSQL cluster per test file (issue 18), through the
// same script the unit tests use (tests/pg/cluster): initdb as the postgres
// user into a temporary folder, a Unix socket in it and no TCP port, stopped
// and removed after the file's tests, also when the process exits early or
// is interrupted.
//
//   import { PG_ABSENT, startCluster } from './lib/pg.mjs';
//   let pg;
//   before(async () => { if (!PG_ABSENT) pg = await startCluster(); });
//   after(() => pg?.stop());
//   test('on PostgreSQL', { skip: PG_ABSENT }, () => { ... pg.url ... });
//
// Without postgresql-15 the tests that need it are skipped (needs.mjs's
// absent(): failed under CI=true).  Starting takes about 1.5 s.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './limits.mjs';
import { absent } from './needs.mjs';

export const PG_BIN = '/usr/lib/postgresql/15/bin';
export const PSQL = '/usr/bin/psql'; // postgresql-client-15, with postgresql-15
export const CLUSTER = path.join(REPO_ROOT, 'tests', 'pg', 'cluster');
export const PG_ABSENT = absent(path.join(PG_BIN, 'initdb'));

const running = new Set();

function stopSync(dir) {
  if (!running.delete(dir)) return;
  spawnSync(CLUSTER, ['stop', dir], { stdio: 'ignore' });
  rmSync(path.dirname(dir), { recursive: true, force: true });
}

// A process that ends without after() (an uncaught error, a signal) still
// leaves no server behind.
process.on('exit', () => { for (const d of [...running]) stopSync(d); });
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    for (const d of [...running]) stopSync(d);
    process.exit(128 + (sig === 'SIGINT' ? 2 : 15));
  });
}

// { url, dir, stop() }: a running cluster; url is a libpq connection URI
// (postgresql:///postgres?host=DIR&user=postgres).
export async function startCluster() {
  // The postgres user must get into the folder's parent (as root, the
  // cluster is theirs: initdb refuses root).
  const parent = mkdtempSync(path.join(tmpdir(), 'gazette-pg-'));
  chmodSync(parent, 0o755);
  const dir = path.join(parent, 'db');
  running.add(dir);
  let out;
  try {
    out = await promisify(execFile)(CLUSTER, ['start', dir]);
  } catch (err) {
    stopSync(dir);
    throw new Error(`cluster start ${dir} failed: ${err.stderr || err.message}`);
  }
  const url = out.stdout.trim();
  return { url, dir, stop: () => stopSync(dir) };
}

// psql's unaligned, tuples-only output of sql on the cluster at url.
export async function psql(url, sql) {
  const { stdout } = await promisify(execFile)(PSQL, ['-X', '-v', 'ON_ERROR_STOP=1', '-Atc', sql, url]);
  return stdout;
}

// The cluster whose socket folder the URL names (host=DIR) taken down as
// an operator's restart does (sessions ended, what was committed kept),
// and up again with the settings it had: for what a server does while
// PostgreSQL is away.
export async function clusterDown(url) {
  await promisify(execFile)(CLUSTER, ['down', new URL(url).searchParams.get('host')]);
}
export async function clusterUp(url) {
  await promisify(execFile)(CLUSTER, ['up', new URL(url).searchParams.get('host')]);
}
