// The command line asks the same rules as the admin (core/): `settings set`
// refuses what the settings screen refuses (exit 2, naming the allowed
// values or range), `settings list` shows every key with its value and
// default, and `sections add` refuses the slugs the site's routes take.
// A section added here shows in the public navigation. `post add` applies
// the editor's rules.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { run, newSite, startServer, stopClean, cleanup, get, tempDir } from './lib/gazette.mjs';

let site;

const gz = (...args) => run([...args, '--site', site.dir]);

before(async () => {
  site = await newSite();
});
after(cleanup);

describe('settings set checks the value as the admin does', () => {
  const refused = [
    ['comments_hold', 'sometimes', /one of first, all or none/],
    ['comments_max_links', '-5', /from 0 to 1000/],
    ['comments_max_links', '1001', /from 0 to 1000/],
    ['comments_spam_threshold', '2', /above 0 and at most 1/],
    ['support_url', 'javascript:alert(1)', /http:\/\/ or https:\/\//],
    ['smtp_from', 'not an address', /email address/],
    ['title', '', /cannot be empty/],
    ['no_such_setting', 'x', /unknown setting 'no_such_setting'/],
    ['site_url', 'http://example.org', /gazette\.conf/],
  ];
  for (const [key, value, why] of refused) {
    test(`${key}=${JSON.stringify(value)} is exit 2 and changes nothing`, async () => {
      const before_ = await gz('settings', 'get', key);
      const r = await gz('settings', 'set', key, value);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, why);
      assert.equal(r.stderr.trim().split('\n').length, 1);
      const after_ = await gz('settings', 'get', key);
      assert.deepEqual([after_.code, after_.stdout], [before_.code, before_.stdout]);
    });
  }

  test('an accepted value is stored as the admin stores it', async () => {
    let r = await gz('settings', 'set', 'comments_max_links', ' 007 ');
    assert.equal(r.code, 0, r.stderr);
    r = await gz('settings', 'get', 'comments_max_links');
    assert.equal(r.stdout, '7\n');
    r = await gz('settings', 'set', 'comments_hold', 'all');
    assert.equal(r.code, 0, r.stderr);
    // an empty value forgets the key: its default applies again
    r = await gz('settings', 'set', 'comments_hold', '');
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await gz('settings', 'get', 'comments_hold')).code, 1);
  });

  test('settings list: every key, its value and its default', async () => {
    await gz('settings', 'set', 'tagline', 'Daily news');
    const r = await gz('settings', 'list');
    assert.equal(r.code, 0, r.stderr);
    const rows = Object.fromEntries(r.stdout.trim().split('\n').map((l) => {
      const [k, v, d] = l.split('\t');
      return [k, { v, d }];
    }));
    assert.deepEqual(rows.tagline, { v: 'Daily news', d: '-' });
    assert.deepEqual(rows.comments_hold, { v: '-', d: 'first' });
    assert.deepEqual(rows.comments_max_links, { v: '7', d: '2' });
    assert.deepEqual(rows.search_rate_per_minute, { v: '-', d: '60' });
    for (const k of ['title', 'comments_blocked_words', 'smtp_url', 'smtp_password', 'smtp_retry_seconds']) {
      assert.ok(rows[k], `${k} listed`);
    }
  });
});

describe('sections', () => {
  test('add: reserved slugs, bad kinds and taken slugs are exit 2', async () => {
    for (const slug of ['admin', 'api', 'feed', 'login', 'search', 'sitemap-1.xml', '2024', 'media', 'category']) {
      const r = await gz('sections', 'add', slug, '--name', 'Reserved');
      assert.equal(r.code, 2, `${slug}: ${r.stderr}`);
      assert.match(r.stderr, /reserved for the site's own addresses/, slug);
    }
    let r = await gz('sections', 'add', 'clips', '--name', 'Clips', '--kind', 'cinema');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /kind is one of posts, video/);
    r = await gz('sections', 'add', 'clips', '--name', '');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /name/);
    r = await gz('sections', 'add', 'clips');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /usage/);
  });

  test('add then list; the section is in the public navigation', async () => {
    let r = await gz('sections', 'add', 'clips', '--name', 'Clips & Reels', '--kind', 'video');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\d+\tclips\n$/);
    r = await gz('sections', 'add', 'clips', '--name', 'Again');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /taken/);
    r = await gz('sections', 'list');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\d+\tclips\tvideo\tClips & Reels$/m);
    const srv = await startServer(site.dir);
    try {
      const home = await get(`${srv.url}/`);
      assert.match(home.text, /href="\/category\/clips\/"/);
      assert.match(home.text, /Clips &amp; Reels/);
    } finally {
      await stopClean(srv);
    }
  });
});

describe('post add applies the editor\'s rules', () => {
  async function add(name, lines) {
    const dir = await tempDir('gazette-e2e-rules-');
    const f = path.join(dir, name);
    writeFileSync(f, ['---', ...lines, '---', 'Body.', ''].join('\n'));
    return gz('post', 'add', f);
  }

  test('scheduled for a time that has passed: exit 2 naming the date line', async () => {
    const r = await add('late.md', ['title: Too late', 'status: scheduled', 'date: 2001-01-01T00:00:00Z']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /late\.md:4: date: That time has passed/);
  });

  test('a source that is not http(s): exit 2 naming its line', async () => {
    const r = await add('src.md', ['title: Sourced', 'source: javascript:alert(1)']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /src\.md:3: source_url: /);
  });

  test('a title whose slug is taken gets the next free slug, as in the editor', async () => {
    let r = await add('one.md', ['title: Same Title', 'status: published', 'date: 2020-01-02T00:00:00Z']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\/same-title\/\n$/);
    r = await add('two.md', ['title: Same Title', 'status: published', 'date: 2020-01-02T00:00:00Z']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\/same-title-2\/\n$/);
    r = await add('three.md', ['title: Other', 'slug: same-title']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /three\.md:3: slug: 'same-title' is already the slug of the post "Same Title"/);
  });
});
