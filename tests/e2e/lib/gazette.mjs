// Driving the gazette binary through its public interface (DESIGN.md §3):
// the CLI, and `gazette serve` on a free loopback port.
//
//   const site = await newSite();                 // gazette init --site TMP
//   const srv = await startServer(site.dir);      // gazette serve --listen 127.0.0.1:0
//   const res = await fetch(srv.url + '/');
//   await srv.stop();                             // SIGTERM, resolves with the exit code
//   await cleanup();                              // kills leftovers, removes temp dirs
import { spawn, spawnSync } from 'node:child_process';
import { after, afterEach } from 'node:test';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './limits.mjs';
import { SQLITE_LOAD } from './needs.mjs';

export { REPO_ROOT };
export const bin = process.env.GAZETTE_BIN
  ? path.resolve(process.env.GAZETTE_BIN)
  : path.join(REPO_ROOT, 'build', 'gazette');

// The environment the binary runs in: the caller's, minus the gazette
// variables a developer may have exported (they would change what a test
// means), plus whatever the test passes.
function childEnv(extra = {}) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('GAZETTE_') && k !== 'GAZETTE_BIN') delete env[k];
  delete env.GAZETTE_BIN;
  return { ...env, ...extra };
}

const tempDirs = new Set();
const servers = new Set();
let scratch; // default working directory of the CLI: a command that forgets
// --site must not create ./site inside the repository.

// A fresh empty directory under the OS temp dir, removed by cleanup().
export async function tempDir(prefix = 'gazette-e2e-') {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

// Run the CLI. Resolves (never rejects on a nonzero exit) with
// {code, signal, stdout, stderr, timedOut}. `input` is written to stdin (stdin
// is closed either way so nothing waits on a terminal). Bounded by `timeout`
// milliseconds, after which the process is killed and timedOut is true.
// onSpawn(child) gets the process, for a test that signals it.
export async function run(args, { input, env, cwd, timeout = 30000, onSpawn } = {}) {
  args = withDb(args);
  if (!cwd) {
    if (!scratch || !existsSync(scratch)) scratch = await tempDir('gazette-e2e-cwd-');
    cwd = scratch;
  }
  return new Promise((resolve, reject) => {
    let child;
    try {
      child = spawn(bin, args, { env: childEnv(env), cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (err) {
      reject(err);
      return;
    }
    const out = [];
    const err = [];
    let timedOut = false;
    if (onSpawn) onSpawn(child);
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.stdin.on('error', () => {}); // the binary may exit before reading stdin
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeout);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${bin}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString('utf8');
      if (SANITIZER_RE.test(stderr)) {
        reject(new Error(`sanitizer report from gazette ${args.join(' ')}:\n${stderr}`));
        return;
      }
      resolve({
        code,
        signal,
        timedOut,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr,
      });
    });
  });
}

// A report from a sanitizer build (build-asan/): always a failure, even when
// the exit status happens to be the one a test expects (ASan exits 1).
export const SANITIZER_RE = /ERROR: (?:AddressSanitizer|LeakSanitizer)|runtime error: |WARNING: ThreadSanitizer/;

// Parse the `login: …` / `password: …` lines that init and demo print.
export function parseCredentials(stdout) {
  const login = /^login: (.+)$/m.exec(stdout)?.[1];
  const password = /^password: (.+)$/m.exec(stdout)?.[1];
  return { login, password };
}

// GAZETTE_E2E_DB=pg (make e2e-pg, issue 18): the sites newSite() makes
// keep their database on PostgreSQL — a throw-away cluster of this test
// file's own (tests/e2e/lib/pg.mjs), a new database per site, named by
// `db =` in the site's gazette.conf, and --db on every command and server
// on its folder — so the same tests run on both engines.  Tests read and
// write a site's database through siteSql(); a subtest of what one engine
// alone has says so in its skip on the other.
export const ON_PG = process.env.GAZETTE_E2E_DB === 'pg';
let pgCluster;
let pgDatabases = 0;
// The PostgreSQL database of each site newSite() made, by folder: every
// command and server on that folder is given it as --db too, so that a
// test writing its own gazette.conf keeps the site where it is.
const pgSites = new Map();
function withDb(args) {
  if (!ON_PG || args.some((a) => a === '--db' || a.startsWith('--db='))) return args;
  const i = args.findIndex((a) => a === '--site');
  const dir = i >= 0 ? args[i + 1] : args.find((a) => a.startsWith('--site='))?.slice(7);
  const url = dir && pgSites.get(path.resolve(dir));
  return url ? [...args, '--db', url] : args;
}
async function pgDatabase() {
  const { startCluster, psql } = await import('./pg.mjs');
  if (!pgCluster) pgCluster = await startCluster();
  const name = `e2e_${++pgDatabases}`;
  await psql(pgCluster.url, `CREATE DATABASE ${name}`);
  return pgCluster.url.replace('postgresql:///postgres?', `postgresql:///${name}?`);
}

// The PostgreSQL URL of the site newSite() made in dir (GAZETTE_E2E_DB=pg),
// or undefined on SQLite.
export function siteDbUrl(dir) {
  return pgSites.get(path.resolve(dir));
}

// SQL on the database of the site in dir, whichever engine it is on:
// Debian's sqlite3 on DIR/gazette.db (with the search index's tokenizer
// loaded, for writes its triggers index; waiting up to 5 s for a running
// server's own write, as its views' flush), or psql on the site's PostgreSQL
// database (GAZETTE_E2E_DB=pg); the rows as both print them unaligned
// ('|' between columns, a line a row), trimmed.  A write on PostgreSQL is
// followed by the notification a node's own commit sends (decision 098),
// since the server hears other processes' changes that way (SQLite's
// watcher reads the file's data_version instead).
export function siteSql(dir, query) {
  const url = pgSites.get(path.resolve(dir));
  const argv = url
    ? ['/usr/bin/psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', query, url]]
    : ['/usr/bin/sqlite3', ['-cmd', '.timeout 5000', ...SQLITE_LOAD, path.join(dir, 'gazette.db'), query]];
  const r = spawnSync(argv[0], argv[1], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${path.basename(argv[0])}: ${query}: ${r.stderr}`);
  if (url && /^\s*(BEGIN|INSERT|UPDATE|DELETE)\b/i.test(query)) {
    const n = spawnSync('/usr/bin/psql', ['-X', '-q', '-c', "SELECT pg_notify('gazette_changes', 'e2e g')", url],
      { encoding: 'utf8' });
    if (n.status !== 0) throw new Error(`psql: notify: ${n.stderr}`);
  }
  return r.stdout.trim();
}

// The database's own check of itself, 'ok' when it finds nothing:
// SQLite's integrity_check, or on PostgreSQL amcheck's of every B-tree
// index of the site's tables against their rows (heapallindexed: each row
// is in each index), which must have checked more than ten of them.
export function siteIntegrity(dir) {
  if (!pgSites.has(path.resolve(dir))) return siteSql(dir, 'PRAGMA integrity_check');
  siteSql(dir, 'CREATE EXTENSION IF NOT EXISTS amcheck');
  const checked = siteSql(dir, `SELECT count(bt_index_check(c.oid, true)) FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE a.amname = 'btree' AND n.nspname = 'public'`);
  return Number(checked) > 10 ? 'ok' : `amcheck checked only ${checked} indexes`;
}

// A new site in a fresh temp dir: `gazette init --site DIR`, or with
// {demo: true} `gazette demo --site DIR ...demoArgs`. Returns
// {dir, login, password, result} and throws if the command fails.
export async function newSite({ demo = false, demoArgs = [], initArgs = [], env, timeout = 120000 } = {}) {
  const dir = await tempDir();
  if (ON_PG) {
    const url = await pgDatabase();
    pgSites.set(path.resolve(dir), url);
    await fs.writeFile(path.join(dir, 'gazette.conf'), `db = ${url}\n`, { mode: 0o600 });
  }
  const args = demo ? ['demo', '--site', dir, ...demoArgs] : ['init', '--site', dir, ...initArgs];
  const result = await run(args, { env, timeout });
  if (result.code !== 0) {
    throw new Error(`gazette ${args.join(' ')} exited ${result.code ?? result.signal}` +
      `${result.timedOut ? ' (timed out)' : ''}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
  return { dir, ...parseCredentials(result.stdout), result };
}

// Start `gazette serve --site DIR --listen 127.0.0.1:0` (no --listen when
// listen is null: the site's gazette.conf decides) and wait (at most
// `timeout` ms) for `listening on http://127.0.0.1:PORT` on stdout. Returns
// {url, port, proc, stop(), stderr(), stdout(), exited}. stop() sends SIGTERM
// and resolves with the exit code (SIGKILL after 10 s; then the code is null
// and proc.signalCode says why).
export function startServer(dir, { env, args = [], listen = '127.0.0.1:0', timeout = 20000 } = {}) {
  return new Promise((resolve, reject) => {
    const argv = withDb(['serve', '--site', dir, ...(listen ? ['--listen', listen] : []), ...args]);
    const proc = spawn(bin, argv, { env: childEnv(env), cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    let outText = '';
    let settled = false;
    let exitCode;
    const exited = new Promise((res) => {
      proc.on('exit', (code) => {
        exitCode = code;
        res(code);
      });
    });
    const srv = {
      proc,
      url: undefined,
      port: undefined,
      exited,
      stdout: () => Buffer.concat(out).toString('utf8'),
      stderr: () => Buffer.concat(err).toString('utf8'),
      get running() {
        return proc.exitCode === null && proc.signalCode === null;
      },
      async stop({ signal = 'SIGTERM', grace = 10000 } = {}) {
        if (srv.running) {
          proc.kill(signal);
          const t = setTimeout(() => {
            if (srv.running) proc.kill('SIGKILL');
          }, grace);
          await exited;
          clearTimeout(t);
        } else {
          await exited;
        }
        servers.delete(srv);
        return exitCode;
      },
    };
    const fail = (why) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (srv.running) proc.kill('SIGKILL');
      reject(new Error(`gazette ${argv.join(' ')}: ${why}\nstdout: ${srv.stdout()}\nstderr: ${srv.stderr()}`));
    };
    const timer = setTimeout(() => fail(`no "listening on" line within ${timeout} ms`), timeout);
    proc.stdout.on('data', (d) => {
      out.push(d);
      if (settled) return;
      outText += d.toString('utf8');
      const m = /^listening on (http:\/\/127\.0\.0\.1:(\d+))\s*$/m.exec(outText);
      if (m) {
        settled = true;
        clearTimeout(timer);
        srv.url = m[1];
        srv.port = Number(m[2]);
        servers.add(srv);
        resolve(srv);
      }
    });
    proc.stderr.on('data', (d) => err.push(d));
    proc.on('error', (e) => fail(`cannot start: ${e.message}`));
    proc.on('exit', (code, sig) => fail(`exited (${code ?? sig}) before listening`));
  });
}

// For after(): stop the server and require a clean exit — status 0 after
// SIGTERM and no sanitizer report on its stderr.
export async function stopClean(srv) {
  if (!srv) return;
  const code = await srv.stop();
  const stderr = srv.stderr();
  if (SANITIZER_RE.test(stderr)) throw new Error(`sanitizer report from gazette serve:\n${stderr}`);
  if (code !== 0) {
    throw new Error(`gazette serve exited ${code ?? srv.proc.signalCode} after SIGTERM; stderr tail:\n${stderr.split('\n').slice(-20).join('\n')}`);
  }
}

// Stop every server still running and remove every temp dir made here.
export async function cleanup() {
  await Promise.all([...servers].map((s) => s.stop().catch(() => {})));
  await Promise.all([...tempDirs].map((d) => fs.rm(d, { recursive: true, force: true })));
  tempDirs.clear();
}

// For afterEach((t) => reportOnFailure(t, srv)): print the tail of the
// server's stderr when a test failed, so the reason is in the test output.
export function reportOnFailure(t, ...srvs) {
  if (t.passed !== false) return;
  for (const s of srvs) {
    if (!s) continue;
    const tail = s.stderr().split('\n').slice(-40).join('\n');
    console.error(`--- gazette serve stderr (last 40 lines) after "${t.name}" ---\n${tail}\n---`);
  }
}

// For a file whose tests share one server, called at its top level with a
// function giving that server: the server's stderr after each failed test,
// and after them all a clean stop and the temp dirs removed.
export function shareServer(srvOf) {
  afterEach((t) => reportOnFailure(t, srvOf()));
  after(async () => {
    try {
      await stopClean(srvOf());
    } finally {
      await cleanup();
    }
  });
}

// fetch() with a bounded wait; redirects are not followed unless asked.
export async function get(url, { method = 'GET', headers, body, redirect = 'manual', timeout = 10000 } = {}) {
  const res = await fetch(url, { method, headers, body, redirect, signal: AbortSignal.timeout(timeout) });
  const text = method === 'HEAD' ? '' : await res.text();
  return { status: res.status, headers: res.headers, text, res };
}

export function sha256File(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

export function has(file) {
  return existsSync(file);
}

// The path of a URL printed by the CLI (`http://127.0.0.1:8080/2022/04/27/x/`).
export function pathOf(url) {
  return new URL(url).pathname;
}

// Escape a string for use inside a RegExp.
export function reEscape(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// Matches a post permalink path /YYYY/MM/DD/slug/.
export const PERMALINK_RE = /^\/\d{4}\/\d{2}\/\d{2}\/[^/?#]+\/$/;

// Call fn (it may be async) every `every` ms until it returns something
// truthy or `timeout` ms have passed; its last value, for the caller to
// assert on. For what changes without a request (the server sees another
// process's commit within 50 ms; its scheduler runs every half second):
// a slow machine gets the whole timeout, a fast one does not wait, and a
// wrong build still fails on the value.
export async function eventually(fn, { timeout = 10000, every = 50 } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v || Date.now() >= end) return v;
    await new Promise((r) => setTimeout(r, every));
  }
}
