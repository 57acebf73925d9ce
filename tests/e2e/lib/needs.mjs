// What a test file needs from outside the repository: the shared fixtures
// (GAZETTE_FIXTURES, else ../shared/fixtures next to the repository) and
// the tools scripts/deps installs (sqlite3, xmllint). Without one, the
// tests that need it are skipped (the runner reports them as skipped,
// never as passed); with CI=true, where everything must be there, a
// missing one fails the run instead, through a test of its own.
//
//   const skip = absent(fixture('wxr'));          // false, or why it skips
//   test('imports', { skip }, async () => { ... });
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './limits.mjs';

export const FIXTURES = process.env.GAZETTE_FIXTURES
  ? path.resolve(process.env.GAZETTE_FIXTURES)
  : path.join(REPO_ROOT, '..', 'shared', 'fixtures');

export const SQLITE3 = '/usr/bin/sqlite3'; // Debian sqlite3
export const XMLLINT = '/usr/bin/xmllint'; // Debian libxml2-utils

// The search index's tokenizer as a SQLite extension (decision 088):
// posts_fts names it, so a sqlite3 that writes posts, tags or users (whose
// triggers index them) loads it first.  `make e2e` names the plain build's.
export const SQLITE_EXT = process.env.GAZETTE_SQLITE_EXT
  ? path.resolve(process.env.GAZETTE_SQLITE_EXT)
  : path.join(REPO_ROOT, 'build', 'src', 'gazette_stem');
export const SQLITE_LOAD = ['-cmd', `.load ${SQLITE_EXT}`];

// A path inside the fixtures.
export const fixture = (...parts) => path.join(FIXTURES, ...parts);

const failing = new Set();

// false when p exists; else the reason the tests needing it are skipped.
// Under CI=true a test that fails for it is added (once per path).
export function absent(p) {
  if (existsSync(p)) return false;
  const why = p.startsWith(FIXTURES)
    ? `no fixtures at ${p} (GAZETTE_FIXTURES names them)`
    : `${p} is absent (sh scripts/deps installs it)`;
  if (process.env.CI === 'true' && !failing.has(p)) {
    failing.add(p);
    test(`present under CI=true: ${p}`, () => assert.fail(why));
  }
  return why;
}
