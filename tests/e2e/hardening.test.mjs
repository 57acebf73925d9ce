// Issue 13, an attacker's read of a demo site: each attack, reproduced.
//
// - Open redirect: `/login?next=/%09/evil.example/` answered
//   `Location: /\t/evil.example/`, which Chromium reads as
//   `//evil.example/` — for a signed-in reader at once, and for a victim
//   who follows the link and signs in through the form's hidden field.
//   Both are driven in Chromium; requests to evil.example are caught by the
//   browser context, so nothing leaves loopback.
// - /media/ followed directory symlinks: with SITE/media/lnk -> /,
//   `GET /media/lnk/etc/passwd` served the file.
// - The site's files were world-readable: the folder 0755 and gazette.db
//   with its -wal and -shm 0644; `serve` now warns about such a site.
//   (Post-password guessing is in protected.test.mjs, the security headers
//   of every route in headers.test.mjs.)
import { test, describe, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  mkdirSync, writeFileSync, symlinkSync, renameSync, readFileSync, unlinkSync, statSync, chmodSync, existsSync,
  readdirSync,
} from 'node:fs';
import path from 'node:path';
import {
  newSite, startServer, run, get, cleanup, stopClean, reportOnFailure, tempDir, ON_PG,
} from './lib/gazette.mjs';
import { PASSWORD, addUser, login, loginToken } from './lib/admin.mjs';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, collectErrors } from './lib/browser.mjs';

let site;
let srv;
let boss;
const extra = []; // servers a test starts beside srv

before(async () => {
  site = await newSite();
  await addUser(site.dir, 'boss', 'admin');
  srv = await startServer(site.dir);
  boss = await login(srv, 'boss');
});

after(async () => {
  for (const s of extra) await stopClean(s);
  await stopClean(srv);
  await cleanup();
});
afterEach((t) => reportOnFailure(t, srv, ...extra));

const mode = (p) => statSync(p).mode & 0o777;
const octal = (m) => `0${m.toString(8)}`;
// What a file created with `want` gets under this process's umask (the
// server may only narrow what it asks for).
const masked = (want) => want & ~process.umask();

describe('open redirect (issue 13, item 1)', () => {
  // Targets a browser would take off the site, raw and encoded.
  const HOSTILE = [
    '/\t/evil.example/', '/\r\n/evil.example/', '/\n/evil.example/', '/\x0b/evil.example/', '/\x7f/evil.example/',
    '/%09/evil.example/', '/%0d%0a/evil.example/', '/%00/evil.example/', '//evil.example', '/\\evil.example',
    '\\\\evil.example', '/%2F/evil.example', '/%5Cevil.example', 'https://evil.example/', 'http:/evil.example',
    'javascript:alert(1)', ' /evil.example', '\t//evil.example',
  ];

  async function loginNext(next, ip) {
    const body = new URLSearchParams({ login: 'boss', password: PASSWORD, csrf: await loginToken(srv), next });
    return get(`${srv.url}/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: srv.url, 'X-Forwarded-For': ip },
      body: body.toString(),
    });
  }

  test('a hostile next is replaced by /admin/: signed in, after the form, and in the form\'s hidden field', async () => {
    let n = 0;
    for (const next of HOSTILE) {
      const q = encodeURIComponent(next);
      const signed = await get(`${srv.url}/login?next=${q}`, { headers: { Cookie: boss.cookie } });
      assert.equal(signed.status, 303, JSON.stringify(next));
      assert.equal(signed.headers.get('location'), '/admin/', JSON.stringify(next));
      const form = await get(`${srv.url}/login?next=${q}`);
      assert.match(form.text, /<input type="hidden" name="next" value="\/admin\/">/, JSON.stringify(next));
      const posted = await loginNext(next, `203.0.113.${++n}`);
      assert.equal(posted.status, 303, JSON.stringify(next));
      assert.equal(posted.headers.get('location'), '/admin/', JSON.stringify(next));
    }
    // Paths on the site still work, query and all.
    const ok = await get(`${srv.url}/login?next=${encodeURIComponent('/admin/posts/?type=page')}`,
      { headers: { Cookie: boss.cookie } });
    assert.equal(ok.headers.get('location'), '/admin/posts/?type=page');
  });

  // Chromium, recording every request it makes off the site (redirects
  // included); its resolver knows no host but loopback, so nothing is
  // looked up.
  async function withBrowser(fn) {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
      timeout: 30000,
    });
    try {
      const ctx = await browser.newContext();
      ctx.setDefaultTimeout(15000);
      const offsite = [];
      ctx.on('request', (req) => {
        const u = new URL(req.url());
        if (u.hostname !== '127.0.0.1') offsite.push(u.href);
      });
      const page = await ctx.newPage();
      await fn(page, offsite);
    } finally {
      await browser.close();
    }
  }

  test('in Chromium: a signed-in reader following /login?next=/%09/evil.example/ stays on the site', async () => {
    await withBrowser(async (page, offsite) => {
      await page.goto(`${srv.url}/login`);
      await page.fill('#login', 'boss');
      await page.fill('#password', PASSWORD);
      await Promise.all([page.waitForURL(/\/admin\//), page.click('button[type=submit]')]);
      const errors = collectErrors(page);
      // Before the fix Chromium went to http://evil.example/ (and, with
      // no such host here, failed to load it).
      const nav = await page.goto(`${srv.url}/login?next=/%09/evil.example/`).catch((e) => e);
      assert.deepEqual(offsite, [], 'Chromium was sent off the site');
      assert.ok(!(nav instanceof Error), String(nav));
      assert.equal(new URL(page.url()).origin, srv.url);
      assert.equal(new URL(page.url()).pathname, '/admin/');
      assert.deepEqual(errors, []);
    });
  });

  test('in Chromium: a victim who opens the link and signs in through the form stays on the site', async () => {
    await withBrowser(async (page, offsite) => {
      await page.goto(`${srv.url}/login?next=/%09/evil.example/`);
      const errors = collectErrors(page);
      await page.fill('#login', 'boss');
      await page.fill('#password', PASSWORD);
      const nav = await Promise.all([page.waitForNavigation({ url: (u) => u.pathname !== '/login' }),
        page.click('button[type=submit]')]).catch((e) => e);
      assert.deepEqual(offsite, [], 'Chromium was sent off the site');
      assert.ok(!(nav instanceof Error), String(nav));
      assert.equal(new URL(page.url()).origin, srv.url);
      assert.equal(new URL(page.url()).pathname, '/admin/');
      assert.deepEqual(errors, []);
    });
  });
});

describe('/media/ and symlinks (issue 13, item 3)', () => {
  let media;
  before(() => {
    media = path.join(site.dir, 'media');
    mkdirSync(path.join(media, 'sub'), { recursive: true });
    writeFileSync(path.join(media, 'sub', 'ok.txt'), 'public file\n');
    symlinkSync('/', path.join(media, 'lnk')); // the link
    symlinkSync(site.dir, path.join(media, 'up')); // to the site folder
    symlinkSync('sub', path.join(media, 'alias')); // even within media/
    symlinkSync('../gazette.db', path.join(media, 'db.txt')); // a file link
    symlinkSync('ok.txt', path.join(media, 'sub', 'same.txt'));
  });

  test('a directory symlink anywhere under media/ is not followed', async () => {
    assert.ok(readFileSync('/etc/passwd', 'utf8').includes('root:'), 'the file the attack reads');
    for (const p of ['/media/lnk/etc/passwd', '/media/up/gazette.db', '/media/alias/ok.txt',
      '/media/lnk/etc/hostname', '/media/sub/../lnk/etc/passwd']) {
      const r = await get(srv.url + p);
      assert.equal(r.status, 404, p);
      assert.ok(!r.text.includes('root:'), `${p} served /etc/passwd`);
      assert.ok(!r.text.startsWith('SQLite format 3'), `${p} served the database`);
    }
  });

  test('nor is a file symlink, nor "..", raw or encoded', async () => {
    for (const p of ['/media/db.txt', '/media/sub/same.txt', '/media/../gazette.db', '/media/%2e%2e/gazette.db',
      '/media/sub/%2e%2e/%2e%2e/gazette.db', '/media/sub%2f..%2f..%2fgazette.db']) {
      const r = await get(srv.url + p);
      assert.equal(r.status, 404, p);
      assert.ok(!r.text.startsWith('SQLite format 3'), `${p} served the database`);
    }
  });

  test('plain files are served, and media/ itself may be a link the operator made', async () => {
    const r = await get(`${srv.url}/media/sub/ok.txt`);
    assert.equal(r.status, 200);
    assert.equal(r.text, 'public file\n');
    const real = path.join(site.dir, 'media-disk');
    renameSync(media, real);
    symlinkSync(real, media);
    try {
      const again = await get(`${srv.url}/media/sub/ok.txt`);
      assert.equal(again.status, 200);
      assert.equal((await get(`${srv.url}/media/lnk/etc/passwd`)).status, 404);
    } finally {
      unlinkSync(media);
      renameSync(real, media);
    }
  });
});

describe('file modes (issue 13, item 4)', () => {
  test('gazette init: the site folder 0700, gazette.db 0600, media/ 0755; -wal and -shm 0600 while serving', async () => {
    const root = await tempDir();
    const dir = path.join(root, 'new', 'site');
    const r = await run(['init', '--site', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(octal(mode(dir)), octal(masked(0o700)), 'the site folder');
    assert.equal(octal(mode(path.join(dir, 'gazette.db'))), octal(masked(0o600)), 'gazette.db');
    assert.equal(octal(mode(path.join(dir, 'media'))), octal(masked(0o755)), 'media/');
    const s = await startServer(dir);
    extra.push(s);
    assert.equal((await get(`${s.url}/`)).status, 200);
    for (const f of ['gazette.db-wal', 'gazette.db-shm']) {
      assert.equal(octal(mode(path.join(dir, f))), octal(masked(0o600)), f);
    }
    assert.doesNotMatch(s.stderr(), /readable by others/, 'no warning for a site made by init');
  });

  test('gazette demo: book files 0644 in a 0755 tree', async () => {
    const root = await tempDir();
    const dir = path.join(root, 'demo');
    const r = await run(['demo', '--site', dir, '--posts', '5', '--comments', '5'], { timeout: 120000 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(octal(mode(dir)), octal(masked(0o700)));
    assert.equal(octal(mode(path.join(dir, 'gazette.db'))), octal(masked(0o600)));
    const books = path.join(dir, 'media', 'books');
    assert.equal(octal(mode(books)), octal(masked(0o755)));
    const files = readdirSync(books);
    assert.ok(files.length > 0);
    for (const f of files) assert.equal(octal(mode(path.join(books, f))), octal(masked(0o644)), f);
  });

  // On PostgreSQL the database is no file of the site's (its server keeps
  // it); the folder still holds gazette.conf, which names it.
  test('serve warns when the database or the site folder is readable by others', async () => {
    const old = await newSite();
    chmodSync(old.dir, 0o755);
    if (!ON_PG) chmodSync(path.join(old.dir, 'gazette.db'), 0o644);
    // On PostgreSQL gazette.conf names the database, password and all.
    else chmodSync(path.join(old.dir, 'gazette.conf'), 0o644);
    const s = await startServer(old.dir);
    extra.push(s);
    assert.equal((await get(`${s.url}/healthz`)).status, 200);
    const err = s.stderr();
    if (ON_PG) {
      assert.ok(!existsSync(path.join(old.dir, 'gazette.db')), 'no database file in the site folder');
      assert.doesNotMatch(err, /gazette\.db\S* is readable by others/, 'no warning about a database file there is not');
      assert.match(err, /gazette\.conf is readable by others \(mode 0644\); chmod 600 it: it holds the database's address/);
      assert.match(err, /site folder .* is open to others \(mode 0755\); chmod 700 it: it holds gazette\.conf/);
    } else {
      assert.match(err, /gazette\.db is readable by others \(mode 0644\)/);
      assert.match(err, /gazette\.db-wal is readable by others \(mode 0644\)/, 'SQLite gives the WAL the database\'s mode');
    }
    assert.match(err, /site folder .* is open to others \(mode 0755\)/);
    // Fixed as the warning says, the next start is quiet.
    await s.stop();
    chmodSync(old.dir, 0o700);
    for (const f of ['gazette.db', 'gazette.db-wal', 'gazette.db-shm', 'gazette.conf']) {
      if (existsSync(path.join(old.dir, f))) chmodSync(path.join(old.dir, f), 0o600);
    }
    const quiet = await startServer(old.dir);
    extra.push(quiet);
    assert.equal((await get(`${quiet.url}/healthz`)).status, 200);
    assert.doesNotMatch(quiet.stderr(), /readable by others|open to others/);
  });
});
