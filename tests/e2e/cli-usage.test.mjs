// The command line tells the truth (issue 14, item 4): --version, help for
// each command, --flag=value for every flag, unknown flags named, error
// messages that name FILE:LINE once and are not garbled.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run, newSite, cleanup, tempDir, REPO_ROOT } from './lib/gazette.mjs';

// Every command of the table in src/cli/cli.c.
const COMMANDS = ['init', 'serve', 'demo', 'post', 'user', 'comments', 'settings', 'submissions', 'search',
  'import', 'export'];

let site;
let md;

before(async () => {
  site = await newSite();
  md = await tempDir('gazette-e2e-md-');
});

after(cleanup);

describe('--version and help', () => {
  test('--version prints meson.build\'s version and exits 0', async () => {
    const want = /^\s*version: '([^']+)'/m.exec(readFileSync(path.join(REPO_ROOT, 'meson.build'), 'utf8'))[1];
    for (const args of [['--version'], ['version']]) {
      const r = await run(args);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `gazette ${want}\n`);
      assert.equal(r.stderr, '');
    }
  });

  test('gazette help lists every command on stdout, exit 0', async () => {
    const r = await run(['help']);
    assert.equal(r.code, 0, r.stderr);
    for (const c of COMMANDS) assert.match(r.stdout, new RegExp(`^\\s+gazette ${c}\\b`, 'm'), c);
  });

  test('help COMMAND and COMMAND --help print the same usage of that command alone', async () => {
    for (const c of COMMANDS) {
      const a = await run(['help', c]);
      assert.equal(a.code, 0, `help ${c}: ${a.stderr}`);
      assert.match(a.stdout, new RegExp(`^usage: gazette ${c}\\b`), `help ${c}`);
      for (const other of COMMANDS.filter((o) => o !== c)) {
        assert.doesNotMatch(a.stdout, new RegExp(`gazette ${other}\\b`), `help ${c} shows only ${c}`);
      }
      for (const flag of ['--help', '-h']) {
        const b = await run([c, flag]);
        assert.equal(b.code, 0, `${c} ${flag}: ${b.stderr}`);
        assert.equal(b.stdout, a.stdout, `${c} ${flag} is help ${c}`);
      }
    }
  });

  test('a subcommand\'s --help shows its own form', async () => {
    const r = await run(['user', 'add', '--help', '--site', site.dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^usage: gazette user add LOGIN --role ROLE\n/);
    assert.doesNotMatch(r.stdout, /user passwd/);
    const h = await run(['help', 'user', 'add']);
    assert.equal(h.code, 0, h.stderr);
    assert.equal(h.stdout, r.stdout, 'help user add is user add --help');
  });

  test('help for an unknown command exits 2 with one line on stderr', async () => {
    const r = await run(['help', 'frobnicate']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^gazette: help: no command 'frobnicate'.*\n$/);
  });
});

describe('a new site', () => {
  test('has one section, news, that a post can name at once and an import takes over while empty', async () => {
    const dir = path.join(await tempDir(), 'fresh');
    let r = await run(['init', '--site', dir]);
    assert.equal(r.code, 0, r.stderr);
    r = await run(['sections', 'list', '--site', dir]);
    assert.equal(r.stdout, '1\tnews\tposts\tNews\n');
    r = await run(['sections', 'add', 'watch', '--name=Watch', '--kind=video', '--site', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '2\twatch\n');
    r = await run(['sections', 'add', 'page', '--name', 'Page', '--site', dir]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /reserved/);
    // a WordPress category 'news' with its own name: the empty default
    // section becomes it
    const wxr = path.join(dir, 'cat.xml');
    writeFileSync(wxr, `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:category><wp:term_id>7</wp:term_id><wp:category_nicename>news</wp:category_nicename>
<wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[Harbour News]]></wp:cat_name></wp:category>
</channel></rss>
`);
    r = await run(['import', 'wxr', wxr, '--site', dir]);
    assert.equal(r.code, 0, r.stderr);
    r = await run(['sections', 'list', '--site', dir]);
    assert.equal(r.stdout, '1\tnews\tposts\tHarbour News\n2\twatch\tvideo\tWatch\n');
    const post = path.join(dir, 'first.md');
    writeFileSync(post, '---\ntitle: First\nsection: news\nstatus: published\n---\nHello.\n');
    r = await run(['post', 'add', post, '--site', dir]);
    assert.equal(r.code, 0, r.stderr);
  });
});

describe('flags', () => {
  test('--flag=value works like --flag value', async () => {
    const dir = path.join(await tempDir(), 'eq');
    let r = await run(['init', `--site=${dir}`, '--title=The Equals Paper']);
    assert.equal(r.code, 0, r.stderr);
    r = await run(['settings', 'get', 'title', '--site', dir]);
    assert.equal(r.stdout, 'The Equals Paper\n');

    r = await run(['user', 'add', 'eve', '--role=author', `--site=${dir}`], { input: 'correct horse battery staple\n' });
    assert.equal(r.code, 0, r.stderr);
    r = await run(['user', 'list', '--site', dir]);
    assert.match(r.stdout, /^eve\tauthor\t/m);
    r = await run(['user', 'sessions', 'eve', '--revoke', '--site', dir]);
    assert.equal(r.code, 0, r.stderr);

    r = await run(['comments', 'list', '--status=approved', '--limit=5', '--site', dir]);
    assert.equal(r.code, 0, r.stderr);
    r = await run(['submissions', 'list', '--status=trash', '--site', dir]);
    assert.equal(r.code, 0, r.stderr);

    const out = path.join(dir, 'out.xml');
    r = await run(['export', 'wxr', `--output=${out}`, '--site', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(readFileSync(out, 'utf8'), /<wp:wxr_version>1\.2</);

    r = await run(['serve', '--site', dir, '--listen=127.0.0.1:0', '--threads=0']);
    assert.equal(r.code, 2, 'serve --threads=0 is checked like --threads 0');
    assert.match(r.stderr, /--threads takes 1 to/);
  });

  test('an unknown flag, a missing value, a value to a switch: exit 2, one line naming it', async () => {
    const cases = [
      [['init', '--colour', 'blue'], /unknown flag '--colour'/],
      [['post', 'add', 'x.md', '--bogus=1'], /unknown flag '--bogus'/],
      [['user', 'sessions', 'admin', '--revoke=yes'], /--revoke takes no value/],
      [['user', 'add', 'zed', '--role'], /--role needs a value/],
      [['comments', 'list', '--limit'], /--limit needs a value/],
      [['export', 'wxr', '--out', 'x.xml'], /unknown flag '--out'/],
      [['serve', '--listen'], /--listen needs a value/],
    ];
    for (const [args, re] of cases) {
      const r = await run([...args, '--site', site.dir]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '', args.join(' '));
      assert.match(r.stderr, /^gazette: [^\n]*\n$/, `${args.join(' ')}: one line`);
      assert.match(r.stderr, re, args.join(' '));
    }
  });
});

describe('post add errors are clean', () => {
  // The two cases of the issue: `bad3.md:3: bad3.md:3:  'colour' …` and
  // `bad6.md:2: ey: value', got …` were printed before.
  test('an unknown key: FILE:LINE: once, then the whole message', async () => {
    const f = path.join(md, 'bad3.md');
    writeFileSync(f, '---\ntitle: Colours\ncolour: blue\n---\nBody.\n');
    const r = await run(['post', 'add', f, '--site', site.dir]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `gazette: ${f}:3: unknown key 'colour' (known: title, slug, section, tags, source, ` +
      'date, status, type, audio, transcript, chapters, video, poster, image, order, cover, epub, pdf)\n');
  });

  test('a line without a colon: FILE:LINE: once, then the whole message', async () => {
    const f = path.join(md, 'bad6.md');
    writeFileSync(f, '---\nthis line is not a key\ntitle: Lines\n---\nBody.\n');
    const r = await run(['post', 'add', f, '--site', site.dir]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `gazette: ${f}:2: expected 'key: value', got 'this line is not a key'\n`);
  });
});

