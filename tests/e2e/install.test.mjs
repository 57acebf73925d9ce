// Installing it (issue 17, parts 1 and 8): `make install` with DESTDIR and
// PREFIX lays out the binary, the man page, the systemd unit, bash
// completion and the licence; systemd-analyze accepts the unit; the man
// page is mandoc-lint clean and names every command, every setting and
// every gazette.conf key; the completion completes commands.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { bin, REPO_ROOT, newSite, run, tempDir, cleanup } from './lib/gazette.mjs';
import { absent } from './lib/needs.mjs';

after(cleanup);

const BUILD = path.dirname(bin);
const ANALYZE = '/usr/bin/systemd-analyze';
const MANDOC = '/usr/bin/mandoc';

function make(args) {
  const r = spawnSync('make', ['-s', '-C', REPO_ROOT, `BUILD=${BUILD}`, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, `make ${args.join(' ')}: ${r.stderr}`);
  return r;
}

test('make install DESTDIR=... PREFIX=/usr lays out the files', async () => {
  const dest = await tempDir('gazette-e2e-destdir-');
  make(['install', `DESTDIR=${dest}`, 'PREFIX=/usr']);
  const want = {
    'usr/bin/gazette': 0o755,
    'usr/share/man/man1/gazette.1': 0o644,
    'usr/lib/systemd/system/gazette.service': 0o644,
    'usr/share/bash-completion/completions/gazette': 0o644,
    'usr/share/doc/gazette/LICENSE': 0o644,
    'usr/lib/gazette/gazette_stem.so': 0o644,
  };
  for (const [f, mode] of Object.entries(want)) {
    const p = path.join(dest, f);
    assert.ok(existsSync(p), `${f} installed`);
    assert.equal(statSync(p).mode & 0o777, mode, `${f} mode`);
  }
  const unit = readFileSync(path.join(dest, 'usr/lib/systemd/system/gazette.service'), 'utf8');
  assert.match(unit, /^ExecStart=\/usr\/bin\/gazette serve$/m, 'ExecStart names the installed binary, not DESTDIR');
  assert.doesNotMatch(unit, new RegExp(dest));
  for (const line of ['Type=notify', 'NoNewPrivileges=yes', 'ProtectSystem=strict', 'ReadWritePaths=/var/lib/gazette',
    'PrivateTmp=yes', 'ExecReload=/bin/kill -HUP $MAINPID', 'User=gazette']) {
    assert.ok(unit.includes(`${line}\n`), `the unit has ${line}`);
  }
  const v = execFileSync(path.join(dest, 'usr/bin/gazette'), ['--version'], { encoding: 'utf8' });
  assert.match(v, /^gazette \d/);
  assert.match(readFileSync(path.join(dest, 'usr/share/doc/gazette/LICENSE'), 'utf8'), /Permission to use, copy, modify, and\/or distribute|Permission to use, copy, modify, and distribute/);
});

test('systemd-analyze verify accepts the installed unit', { skip: absent(ANALYZE) }, async () => {
  // Installed for real under a temporary prefix, so the unit's ExecStart
  // is a binary that exists (verify checks it).
  const prefix = path.join(await tempDir('gazette-e2e-prefix-'), 'usr');
  make(['install', `PREFIX=${prefix}`]);
  const unit = path.join(prefix, 'lib/systemd/system/gazette.service');
  const r = spawnSync(ANALYZE, ['verify', '--man=no', unit], { encoding: 'utf8' });
  assert.equal(r.status, 0, `systemd-analyze verify: ${r.stdout}${r.stderr}`);
  assert.equal(r.stderr.trim(), '', r.stderr);
});

test('the man page is lint clean and names every command, setting and gazette.conf key', { skip: absent(MANDOC) }, async () => {
  const page = path.join(REPO_ROOT, 'man', 'gazette.1');
  const lint = spawnSync(MANDOC, ['-T', 'lint', '-W', 'warning', page], { encoding: 'utf8' });
  assert.equal(lint.status, 0, lint.stdout + lint.stderr);
  assert.equal(lint.stdout + lint.stderr, '');
  const text = readFileSync(page, 'utf8');

  const help = await run(['help']);
  const forms = help.stdout.split('\n').map((l) => /gazette (?!help|--)([a-z]+)(?: ([a-z][a-z-|]*))?/.exec(l)).filter(Boolean);
  assert.ok(forms.length > 20);
  for (const [, cmd, sub] of forms) {
    const re = sub && !sub.includes('|') && !/^[A-Z]/.test(sub)
      ? new RegExp(`^\\.It Cm ${cmd} ${sub.split('|')[0]}`, 'm')
      : new RegExp(`^\\.It Cm ${cmd}\\b`, 'm');
    assert.match(text, re, `the man page has "gazette ${cmd}${sub ? ` ${sub}` : ''}"`);
  }

  const site = await newSite();
  const keys = (await run(['settings', 'list', '--site', site.dir])).stdout.trim().split('\n').map((l) => l.split('\t')[0]);
  assert.ok(keys.length > 10);
  for (const k of keys) assert.match(text, new RegExp(`^\\.It Cm ${k}$`, 'm'), `setting ${k}`);

  const cli = readFileSync(path.join(REPO_ROOT, 'src', 'cli', 'cli.c'), 'utf8');
  const confKeys = [...cli.matchAll(/strcmp\(name, "([a-z_]+)"\) == 0/g)].map((m) => m[1]);
  assert.ok(confKeys.includes('access_log') && confKeys.includes('user'));
  for (const k of confKeys) assert.match(text, new RegExp(`^\\.It Cm ${k}$`, 'm'), `gazette.conf key ${k}`);
  for (const f of ['gazette.db', 'gazette.conf', 'media/', 'templates/']) assert.ok(text.includes(`SITE/${f}`), f);
});

test('bash completion completes commands and their words', async () => {
  const script = path.join(REPO_ROOT, 'dist', 'gazette.bash-completion');
  const complete = (words) => execFileSync('bash', ['-c', `source "$0"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _gazette; echo "\${COMPREPLY[*]}"`, script], { encoding: 'utf8' }).trim().split(/\s+/);
  assert.deepEqual(complete(['gazette', 'ba']), ['backup']);
  assert.deepEqual(complete(['gazette', 'me']), ['media']);
  assert.ok(complete(['gazette', 'episode', '--']).includes('--audio'));
  assert.ok(complete(['gazette', 'backup', '--']).includes('--media'));
  assert.deepEqual(complete(['gazette', 'secrets', '']).filter((w) => !w.startsWith('--')), ['rotate']);
  assert.ok(complete(['gazette', '--site', 'x', 'se']).includes('serve'));
});
