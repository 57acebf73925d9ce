// Backups and restores (issue 17, part 2): `gazette backup --output FILE`
// beside a running server that is taking comments, `--media` as one tar
// archive, `gazette restore FILE` into an empty site, a hostile archive
// refused whole, and the copy the migrations make before they change an
// existing database.
//
// The copy is read back with Debian's sqlite3: PRAGMA integrity_check, and
// every comment the server acknowledged (201) before the backup began must
// be in it.
//
// backup and restore are SQLite's alone (the online backup API, a file):
// on PostgreSQL (make e2e-pg) they refuse, naming the tools that do it
// there, and the last test does what they name: pg_dump of a site's
// database, pg_restore into a new one, and gazette serving that.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  newSite, startServer, run, get, tempDir, cleanup, stopClean, ON_PG, siteDbUrl,
} from './lib/gazette.mjs';
import { SQLITE3, absent } from './lib/needs.mjs';

after(cleanup);

const noSqlite = absent(SQLITE3);
const SQLITE_ONLY = ON_PG && 'SQLite\'s alone (its online backup API, a file): on PostgreSQL backup refuses, tested below';

function sql(db, query) {
  return execFileSync(SQLITE3, [db, query], { encoding: 'utf8' }).trim();
}

async function cli(args) {
  const r = await run(args);
  assert.equal(r.code, 0, `gazette ${args.join(' ')}: ${r.stderr}`);
  return r;
}

async function addPost(dir) {
  const md = path.join(await tempDir('gazette-e2e-md-'), 'p.md');
  writeFileSync(md, '---\ntitle: Backed up\nstatus: published\ndate: 2022-04-27 09:00\n---\nBody.\n');
  const r = await cli(['post', 'add', md, '--site', dir]);
  return Number(r.stdout.split('\t')[0]);
}

test('a backup taken while comments are posted holds every one acknowledged before it began',
  { skip: SQLITE_ONLY || noSqlite, timeout: 120000 }, async () => {
    const site = await newSite();
    await cli(['settings', 'set', 'comments_rate_minute', '0', '--site', site.dir]);
    await cli(['settings', 'set', 'comments_rate_hour', '0', '--site', site.dir]);
    const postId = await addPost(site.dir);
    const srv = await startServer(site.dir);
    try {
      const acked = []; // ids, in the order the server acknowledged them
      let n = 0;
      let stop = false;
      const poster = async () => {
        while (!stop) {
          const i = n++;
          const r = await get(`${srv.url}/api/v1/comments`, {
            method: 'POST',
            headers: {
              'Content-Type': 'application/json',
              Origin: srv.url,
              'X-Forwarded-For': `198.51.${100 + Math.floor(i / 250) % 100}.${(i % 250) + 1}`,
            },
            body: JSON.stringify({
              post_id: postId, author: `Reader ${i}`, email: `r${i}@example.org`,
              body: `Comment ${i} under load, ${i * 7919} words of its own.`,
            }),
          });
          assert.equal(r.status, 201, r.text);
          acked.push(JSON.parse(r.text).id);
        }
      };
      const posters = [poster(), poster(), poster(), poster()];
      // Some comments in before the backup starts, more while it runs.
      while (acked.length < 40) await new Promise((r) => setTimeout(r, 20));
      const before = [...acked];
      const out = path.join(await tempDir('gazette-e2e-bak-'), 'site.db');
      const bak = await run(['backup', '--output', out, '--site', site.dir]);
      const during = acked.length - before.length;
      stop = true;
      await Promise.all(posters);
      assert.equal(bak.code, 0, bak.stderr);
      assert.match(bak.stderr, /backed up the database to/);
      assert.ok(during > 0, 'the server kept acknowledging comments while the backup ran');
      assert.equal(sql(out, 'PRAGMA integrity_check'), 'ok');
      const have = new Set(sql(out, 'SELECT id FROM comments').split('\n').map(Number));
      for (const id of before) assert.ok(have.has(id), `comment ${id} acknowledged before the backup is missing`);
      // The copy is one file: no -wal needed beside it.
      assert.equal(sql(out, 'PRAGMA journal_mode'), 'delete');
      assert.ok(!existsSync(`${out}.partial`));

      // Restored into an empty site, it serves.
      const dir2 = path.join(await tempDir(), 'restored');
      await cli(['restore', out, '--site', dir2]);
      assert.equal(sql(path.join(dir2, 'gazette.db'), 'PRAGMA integrity_check'), 'ok');
      const srv2 = await startServer(dir2);
      try {
        const r = await get(`${srv2.url}/healthz`);
        assert.equal(r.status, 200);
      } finally {
        await stopClean(srv2);
      }
    } finally {
      await stopClean(srv);
    }
  });

test('backup refuses to overwrite a file and needs a name', async () => {
  const site = await newSite();
  const dir = await tempDir('gazette-e2e-bak-');
  const out = path.join(dir, 'a.db');
  writeFileSync(out, 'precious');
  let r = await run(['backup', '--output', out, '--site', site.dir]);
  assert.equal(r.code, 2);
  // On PostgreSQL there is no copy to make: refused before the name.
  assert.match(r.stderr, ON_PG ? /pg_dump/ : /exists/);
  assert.equal(readFileSync(out, 'utf8'), 'precious');
  r = await run(['backup', '--site', site.dir]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /usage: gazette backup/);
});

test('backup --media makes one archive that restore puts back, files and all', { skip: SQLITE_ONLY || noSqlite }, async () => {
  const site = await newSite();
  mkdirSync(path.join(site.dir, 'media', '2024', '05'), { recursive: true });
  const photo = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0, 255]);
  writeFileSync(path.join(site.dir, 'media', '2024', '05', 'photo.jpg'), photo);
  writeFileSync(path.join(site.dir, 'media', 'notes.txt'), 'hello\n');
  const out = path.join(await tempDir('gazette-e2e-bak-'), 'site.tar.gz');
  const r = await cli(['backup', '--output', out, '--media', '--site', site.dir]);
  assert.match(r.stderr, /2 media files/);
  const list = execFileSync('tar', ['tzf', out], { encoding: 'utf8' }).split('\n');
  assert.ok(list.includes('gazette.db'), list.join(','));
  assert.ok(list.includes('media/2024/05/photo.jpg'), list.join(','));

  const dir2 = path.join(await tempDir(), 'restored');
  await cli(['restore', out, '--site', dir2]);
  assert.deepEqual(readFileSync(path.join(dir2, 'media', '2024', '05', 'photo.jpg')), photo);
  assert.equal(readFileSync(path.join(dir2, 'media', 'notes.txt'), 'utf8'), 'hello\n');
  assert.equal(sql(path.join(dir2, 'gazette.db'), 'PRAGMA integrity_check'), 'ok');
  assert.deepEqual(readdirSync(dir2).sort(), ['gazette.db', 'media']);
  // The login works on the restored site: the same users.
  const users = await cli(['user', 'list', '--site', dir2]);
  assert.match(users.stdout, /admin/);

  // Not over a site that has a database.
  const again = await run(['restore', out, '--site', dir2]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /has a database already/);
});

test('restore refuses an archive with a name outside the site, and writes nothing', async () => {
  const dir = await tempDir('gazette-e2e-evil-');
  const evil = path.join(dir, 'evil.tar');
  // Python's tarfile writes what tar(1) would refuse to make.
  execFileSync('python3', ['-c', `
import io, tarfile, sys
with tarfile.open(sys.argv[1], 'w') as t:
    for name, data in (('media/ok.txt', b'ok'), ('media/../../escaped.txt', b'bad')):
        i = tarfile.TarInfo(name); i.size = len(data); t.addfile(i, io.BytesIO(data))
`, evil]);
  const target = path.join(dir, 'site');
  const r = await run(['restore', evil, '--site', target]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /not a gazette backup/);
  assert.ok(!existsSync(path.join(dir, 'escaped.txt')));
  assert.ok(!existsSync(path.join(target, 'gazette.db')));
  assert.deepEqual(readdirSync(target), []);

  // Not a backup at all.
  writeFileSync(path.join(dir, 'junk'), 'x'.repeat(100));
  const j = await run(['restore', path.join(dir, 'junk'), '--site', path.join(dir, 'site2')]);
  assert.equal(j.code, 2, j.stderr);
});

test('on PostgreSQL: backup and restore refuse, naming pg_dump and pg_restore, which do it',
  { skip: !ON_PG && 'PostgreSQL\'s alone: on SQLite backup and restore are tested above', timeout: 120000 }, async () => {
    const site = await newSite();
    const postId = await addPost(site.dir);
    const dir = await tempDir('gazette-e2e-bak-');
    for (const [name, media] of [['site.db', []], ['site.tar.gz', ['--media']]]) {
      const out = path.join(dir, name);
      const r = await run(['backup', '--output', out, ...media, '--site', site.dir]);
      assert.equal(r.code, 2, `backup ${media}: ${r.stderr}`);
      assert.match(r.stderr, /^gazette: .*back a PostgreSQL database up with pg_dump/m, `backup ${media}`);
    }
    assert.deepEqual(readdirSync(dir), [], 'no copy, archive or partial file written');
    writeFileSync(path.join(dir, 'copy.db'), 'SQLite format 3\0');
    const r = await run(['restore', path.join(dir, 'copy.db'), '--site', site.dir]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^gazette: .*PostgreSQL; restore it with pg_restore/m);

    // What they name: the site's database dumped, restored into a new one,
    // and served from there with its post, its search and new writes.
    const url = siteDbUrl(site.dir);
    const dump = path.join(dir, 'site.dump');
    execFileSync('/usr/bin/pg_dump', ['-Fc', '-f', dump, url]);
    const { psql } = await import('./lib/pg.mjs');
    await psql(url, 'CREATE DATABASE bak_restored');
    const url2 = url.replace(/^postgresql:\/\/\/[^?]+\?/, 'postgresql:///bak_restored?');
    execFileSync('/usr/bin/pg_restore', ['--no-owner', '--exit-on-error', '-d', url2, dump]);
    const dir2 = await tempDir();
    const srv = await startServer(dir2, { args: ['--db', url2] });
    try {
      assert.equal((await get(`${srv.url}/healthz`)).status, 200);
      const feed = (await get(`${srv.url}/feed/`)).text;
      assert.match(feed, new RegExp(`\\?p=${postId}</guid>`), 'the post is served from the restored database');
      const found = await get(`${srv.url}/search?q=backed`);
      assert.match(found.text, /<p class="search-count">1 result\.<\/p>/, 'the search finds it there');
      assert.match(found.text, /<a href="\/2022\/04\/27\/backed-up\/"><mark>Backed<\/mark> up<\/a>/);
      const md = path.join(await tempDir('gazette-e2e-md-'), 'q.md');
      writeFileSync(md, '---\ntitle: After the restore\nstatus: published\ndate: 2022-04-28 09:00\n---\nBody.\n');
      const added = await run(['post', 'add', md, '--site', dir2, '--db', url2]);
      assert.equal(added.code, 0, added.stderr);
      assert.ok(Number(added.stdout.split('\t')[0]) > postId, 'ids go on after the restored ones');
      const users = await cli(['user', 'list', '--site', dir2, '--db', url2]);
      assert.match(users.stdout, /^admin\t/m, 'the same users');
    } finally {
      await stopClean(srv);
    }
  });
