// The command line (DESIGN.md §3): init, GAZETTE_SITE, post add with its
// front matter, user add, exit statuses, refusing a newer database. The
// posts added here are then checked over HTTP on a server started afterwards.
// On PostgreSQL (make e2e-pg) the database is not a file of the site
// folder: "unchanged" is then the same pg_dump of it, byte for byte.
import { test, describe, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import {
  run, newSite, startServer, cleanup, tempDir, get, pathOf, sha256File, reportOnFailure, stopClean,
  ON_PG, siteDbUrl, siteSql,
} from './lib/gazette.mjs';
import { absent, SQLITE3 } from './lib/needs.mjs';

const NO_SQLITE3 = !ON_PG && absent(SQLITE3);

// What the site's database holds, as a hash: its files (a WAL left beside
// it included), or on PostgreSQL a plain pg_dump of it (schema, rows and
// sequences; the same dump for the same database but for the random key
// of its \restrict and \unrestrict lines, left out).
function dbState(dir) {
  if (ON_PG) {
    const dump = execFileSync('/usr/bin/pg_dump', [siteDbUrl(dir)], { encoding: 'utf8', maxBuffer: 64 << 20 });
    return createHash('sha256').update(dump.replace(/^\\(un)?restrict .*$/mg, '')).digest('hex');
  }
  return ['gazette.db', 'gazette.db-wal']
    .map((f) => path.join(dir, f))
    .map((f) => (existsSync(f) ? sha256File(f) : '-'))
    .join(' ');
}

const SITE_URL = 'http://127.0.0.1:8080'; // the default `url` of a site

// One line of text on stderr (a trailing newline allowed).
function assertOneLine(stderr, what) {
  const lines = stderr.replace(/\n$/, '').split('\n');
  assert.ok(stderr.trim().length > 0, `${what}: expected a message on stderr, got nothing`);
  assert.equal(lines.length, 1, `${what}: expected one line on stderr, got:\n${stderr}`);
}

// `ID<TAB>URL` on one line.
function parseAdded(r, file) {
  assert.equal(r.code, 0, `post add ${file} exited ${r.code}; stderr: ${r.stderr}`);
  const m = /^(\d+)\t(\S+)\n?$/.exec(r.stdout);
  assert.ok(m, `post add ${file}: expected "ID<TAB>URL", got ${JSON.stringify(r.stdout)}`);
  return { id: Number(m[1]), url: m[2] };
}

let site; // the site every test below shares
let md; // a temp dir for the Markdown files
const added = {}; // name -> {id, url}

function mdFile(name, text) {
  const f = path.join(md, name);
  writeFileSync(f, text);
  return f;
}

async function addPost(name, text, { env, site: useSite = true } = {}) {
  const f = mdFile(name, text);
  const args = ['post', 'add', f];
  if (useSite) args.push('--site', site.dir);
  return run(args, { env });
}

before(async () => {
  site = await newSite();
  md = await tempDir('gazette-e2e-md-');
});

after(cleanup);

describe('init', () => {
  test('prints exactly `login: admin` and a generated password, creates gazette.db', async () => {
    const lines = site.result.stdout.replace(/\n$/, '').split('\n');
    assert.equal(lines.length, 2, `expected two lines, got ${JSON.stringify(site.result.stdout)}`);
    assert.equal(lines[0], 'login: admin');
    assert.match(lines[1], /^password: \S{16,}$/, 'password line with >= 16 characters');
    if (ON_PG) {
      // The site is made in the PostgreSQL database gazette.conf names.
      assert.ok(!existsSync(path.join(site.dir, 'gazette.db')), 'no DIR/gazette.db beside a PostgreSQL site');
      assert.equal(siteSql(site.dir, "SELECT login || ' ' || role FROM users"), 'admin admin');
    } else {
      assert.ok(existsSync(path.join(site.dir, 'gazette.db')), 'DIR/gazette.db exists');
    }
  });

  test('two sites get different passwords', async () => {
    const other = await newSite();
    assert.notEqual(other.password, site.password);
  });

  test('init again on the same site exits 2 with one line on stderr and changes nothing', async () => {
    const before = dbState(site.dir);
    const listing = readdirSync(site.dir).sort();
    const r = await run(['init', '--site', site.dir]);
    assert.equal(r.code, 2, `exit status; stderr: ${r.stderr}`);
    assertOneLine(r.stderr, 'init again');
    assert.doesNotMatch(r.stdout, /password:/, 'no new password printed');
    assert.equal(dbState(site.dir), before, 'the database unchanged');
    assert.deepEqual(readdirSync(site.dir).sort(), listing, 'no files added or removed');
  });

  test('GAZETTE_SITE=DIR works like --site DIR', async () => {
    const dir = await tempDir();
    const r = await run(['init'], { env: { GAZETTE_SITE: dir } });
    assert.equal(r.code, 0, `stderr: ${r.stderr}`);
    assert.match(r.stdout, /^login: admin\npassword: \S{16,}\n?$/);
    assert.ok(existsSync(path.join(dir, 'gazette.db')), 'the site was created in $GAZETTE_SITE');
  });
});

describe('post add', () => {
  test('a published post prints ID<TAB>URL with the date in UTC', async () => {
    const r = await addPost('good.md', [
      '---',
      'title: Transcript of the April interview',
      'slug: april-interview',
      'tags: politics, interviews',
      'source: https://example.com/source/transcript',
      'date: 2022-04-27T12:00:00Z',
      'status: published',
      'type: post',
      '---',
      '**Speaker:** said some **bold** things.',
      '',
      '- first item',
      '- second item',
      '',
      '<script>x</script>',
      '',
      '<img src=x onerror=alert(1)>',
      '',
    ].join('\n'));
    added.good = parseAdded(r, 'good.md');
    assert.equal(added.good.url, `${SITE_URL}/2022/04/27/april-interview/`);
  });

  test('a date with an offset is placed on its UTC day; the slug defaults to the title', async () => {
    const r = await addPost('offset.md', [
      '---',
      'title: Late Night Offset',
      'date: 2022-04-27T23:30:00-02:00',
      'status: published',
      '---',
      'Filed after midnight UTC.',
      '',
    ].join('\n'));
    added.offset = parseAdded(r, 'offset.md');
    assert.equal(added.offset.url, `${SITE_URL}/2022/04/28/late-night-offset/`);
  });

  test('the slug defaults to the title, lower-case with dashes', async () => {
    const r = await addPost('default-slug.md', [
      '---',
      'title: Hello World Again',
      'date: 2022-04-22T08:00:00Z',
      'status: published',
      '---',
      'Hello.',
      '',
    ].join('\n'));
    added.defslug = parseAdded(r, 'default-slug.md');
    assert.equal(added.defslug.url, `${SITE_URL}/2022/04/22/hello-world-again/`);
  });

  test('a post without status is a draft (added, but not served)', async () => {
    const r = await addPost('draft.md', [
      '---',
      'title: Not Ready Yet',
      'slug: not-ready-yet',
      'date: 2022-04-23T08:00:00Z',
      '---',
      'Draft text.',
      '',
    ].join('\n'));
    added.draft = parseAdded(r, 'draft.md');
    assert.match(added.draft.url, /\/2022\/04\/23\/not-ready-yet\/$/);
  });

  test('a title with markup is accepted', async () => {
    const r = await addPost('xss-title.md', [
      '---',
      'title: <script>alert(1)</script>',
      'date: 2022-04-20T10:00:00Z',
      'status: published',
      '---',
      'The title is text, not markup.',
      '',
    ].join('\n'));
    added.xss = parseAdded(r, 'xss-title.md');
    assert.match(pathOf(added.xss.url), /^\/2022\/04\/20\/[^/]+\/$/);
  });

  test('GAZETTE_SITE=DIR works like --site DIR for post add', async () => {
    const r = await addPost('via-env.md', [
      '---',
      'title: Added Via The Environment',
      'slug: via-env',
      'date: 2022-04-21T10:00:00Z',
      'status: published',
      '---',
      'From $GAZETTE_SITE.',
      '',
    ].join('\n'), { env: { GAZETTE_SITE: site.dir }, site: false });
    added.env = parseAdded(r, 'via-env.md');
    assert.equal(added.env.url, `${SITE_URL}/2022/04/21/via-env/`);
  });
});

// Malformed front matter: exit 2, FILE:LINE on stderr, nothing written. Each
// would be the newest published post if it were written, so the served
// checks below would see it on the front page.
const BAD = [
  { name: 'no-colon', line: 3, fm: ['title: Bad case no-colon', 'this line has no colon', 'slug: bad-no-colon', 'status: published', 'date: 2023-06-01T10:00:00Z'] },
  { name: 'unknown-key', line: 5, fm: ['title: Bad case unknown-key', 'slug: bad-unknown-key', 'status: published', 'colour: blue', 'date: 2023-06-01T10:00:00Z'] },
  { name: 'bad-date', line: 3, fm: ['title: Bad case bad-date', 'date: 2022-13-45T99:00:00Z', 'slug: bad-bad-date', 'status: published'] },
  { name: 'bad-status', line: 4, fm: ['title: Bad case bad-status', 'slug: bad-bad-status', 'status: live', 'date: 2023-06-01T10:00:00Z'] },
  { name: 'bad-type', line: 5, fm: ['title: Bad case bad-type', 'slug: bad-bad-type', 'status: published', 'type: video', 'date: 2023-06-01T10:00:00Z'] },
  { name: 'missing-title', line: null, fm: ['slug: bad-missing-title', 'status: published', 'date: 2023-06-01T10:00:00Z'] },
  { name: 'unterminated', line: null, fm: ['title: Bad case unterminated', 'slug: bad-unterminated', 'status: published', 'date: 2023-06-01T10:00:00Z'], open: true },
];

describe('post add errors', () => {
  test('unknown command: exit 2, one line on stderr', async () => {
    const r = await run(['frobnicate', '--site', site.dir]);
    assert.equal(r.code, 2, `stderr: ${r.stderr}`);
    assertOneLine(r.stderr, 'unknown command');
  });

  test('a missing file: exit 2, stderr names the file', async () => {
    const f = path.join(md, 'does-not-exist.md');
    const r = await run(['post', 'add', f, '--site', site.dir]);
    assert.equal(r.code, 2, `stderr: ${r.stderr}`);
    assertOneLine(r.stderr, 'missing file');
    assert.match(r.stderr, /does-not-exist\.md/);
  });

  for (const b of BAD) {
    test(`malformed front matter (${b.name}): exit 2, FILE:LINE on stderr`, async () => {
      const file = `bad-${b.name}.md`;
      const text = ['---', ...b.fm, ...(b.open ? [] : ['---']), 'Body of a bad post.', ''].join('\n');
      const r = await addPost(file, text);
      assert.equal(r.code, 2, `exit status; stdout: ${r.stdout} stderr: ${r.stderr}`);
      assertOneLine(r.stderr, b.name);
      const where = b.line === null ? `${file}:\\d+` : `${file}:${b.line}\\b`;
      assert.match(r.stderr, new RegExp(where.replace(/\./g, '\\.')), `stderr names ${file}:${b.line ?? 'LINE'}`);
      assert.equal(r.stdout, '', 'nothing printed on stdout');
    });
  }
});

describe('user add', () => {
  test('user add bob --role editor with the password on stdin', async () => {
    const r = await run(['user', 'add', 'bob', '--role', 'editor', '--site', site.dir], { input: 'correct horse battery staple\n' });
    assert.equal(r.code, 0, `stderr: ${r.stderr}`);
  });

  test('a bad role: exit 2, one line', async () => {
    const r = await run(['user', 'add', 'carol', '--role', 'overlord', '--site', site.dir], { input: 'correct horse battery staple\n' });
    assert.equal(r.code, 2, `stderr: ${r.stderr}`);
    assertOneLine(r.stderr, 'bad role');
  });

  test('a duplicate login: exit 2 (bad input), one line', async () => {
    const r = await run(['user', 'add', 'bob', '--role', 'author', '--site', site.dir], { input: 'another long password\n' });
    assert.equal(r.code, 2, `stderr: ${r.stderr}`);
    assertOneLine(r.stderr, 'duplicate login');
  });
});

describe('served after the CLI wrote it', () => {
  let srv;
  before(async () => {
    srv = await startServer(site.dir);
  });
  afterEach((t) => reportOnFailure(t, srv));
  after(() => stopClean(srv));

  const page = async (key) => {
    assert.ok(added[key], `post "${key}" was not added (see the post add tests)`);
    return get(srv.url + pathOf(added[key].url));
  };

  test('the published post is served with its title, Markdown and source link', async () => {
    const r = await page('good');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
    assert.ok(r.text.includes('Transcript of the April interview'), 'title');
    assert.ok(r.text.includes('<strong>bold</strong>'), '**bold** rendered as <strong>');
    assert.match(r.text, /<li>\s*first item\s*<\/li>/, 'list rendered as <li>');
    assert.match(r.text, /href="https:\/\/example\.com\/source\/transcript"/, 'source link');
  });

  test('raw HTML in the Markdown body never comes back executable', async () => {
    const r = await page('good');
    assert.equal(r.status, 200);
    assert.ok(!r.text.includes('<script>x</script>'), 'no raw <script>x</script>');
    assert.doesNotMatch(r.text, /<script[^>]*>\s*x\s*<\/script>/i, 'no script element with body x');
    assert.doesNotMatch(r.text, /<img[^>]*\bonerror\s*=/i, 'no <img onerror=…>');
  });

  test('the UTC day of an offset date is the one served', async () => {
    const r = await page('offset');
    assert.equal(r.status, 200);
    assert.ok(r.text.includes('Late Night Offset'));
  });

  test('the default-slug post is served', async () => {
    const r = await page('defslug');
    assert.equal(r.status, 200);
    assert.ok(r.text.includes('Hello World Again'));
  });

  test('the post added through GAZETTE_SITE is served', async () => {
    const r = await page('env');
    assert.equal(r.status, 200);
    assert.ok(r.text.includes('Added Via The Environment'));
  });

  test('a draft is 404 at its URL', async () => {
    const r = await page('draft');
    assert.equal(r.status, 404);
    assert.ok(!r.text.includes('Draft text.'), 'draft body not shown');
  });

  test('a title with markup comes back escaped, on the post page and the front page', async () => {
    const r = await page('xss');
    assert.equal(r.status, 200);
    assert.ok(r.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'escaped title');
    assert.ok(!r.text.includes('<script>alert(1)'), 'no raw <script>alert(1) on the post page');
    const front = await get(srv.url + '/');
    assert.equal(front.status, 200);
    assert.ok(!front.text.includes('<script>alert(1)'), 'no raw <script>alert(1) on the front page');
  });

  test('nothing of the malformed files was written', async () => {
    const front = await get(srv.url + '/');
    assert.equal(front.status, 200);
    assert.ok(front.text.includes('Transcript of the April interview'), 'front page lists the good post');
    assert.ok(!front.text.includes('Bad case'), 'no malformed post on the front page');
    for (const b of BAD) {
      const r = await get(`${srv.url}/2023/06/01/bad-${b.name}/`);
      assert.equal(r.status, 404, `/2023/06/01/bad-${b.name}/ is not served`);
    }
  });
});

describe('a database from a newer gazette', () => {
  test('serve refuses it: exit 1, says "newer", file unchanged', async (t) => {
    if (NO_SQLITE3) {
      t.skip(NO_SQLITE3);
      return;
    }
    const s = await newSite();
    siteSql(s.dir, "INSERT INTO schema_migrations(version, name, applied_at) VALUES (9999, 'future', 0)");
    // sqlite3 checkpoints on close; dbState hashes the WAL too in case one is left.
    const state = () => dbState(s.dir);
    const before = state();
    const r = await run(['serve', '--site', s.dir, '--listen', '127.0.0.1:0'], { timeout: 15000 });
    assert.ok(!r.timedOut, `serve kept running on a newer database; stdout: ${r.stdout}`);
    assert.equal(r.code, 1, `exit status; stderr: ${r.stderr}`);
    assert.match(r.stderr, /newer/i);
    assert.equal(state(), before, 'the database unchanged');
  });
});
