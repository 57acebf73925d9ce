// Moving a site between engines (issue 18): `gazette migrate --to URL`
// copies the site's database into a new one, every table counted on both
// sides.  Here SQLite to SQLite (a new file), compared table by table with
// Debian's sqlite3, then served: the copy must be a working site (pages,
// search, new rows after the copied ids, the triggers that keep counts).
// The refusals: a target that exists, an in-memory one, no --to; and the
// round trip through PostgreSQL (a throw-away cluster).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  newSite, startServer, run, get, tempDir, cleanup, stopClean,
} from './lib/gazette.mjs';
import { SQLITE3, absent } from './lib/needs.mjs';
import { PG_ABSENT, psql, startCluster } from './lib/pg.mjs';

after(cleanup);

const noSqlite = absent(SQLITE3);

function sql(db, query) {
  return execFileSync(SQLITE3, [db, query], { encoding: 'utf8' }).trim();
}

// The tables that hold the site's data (not the search index, which is made
// again, nor the migrations' history, which each database writes itself).
function dataTables(db) {
  return sql(db, "SELECT name FROM sqlite_schema WHERE type = 'table' "
    + "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE 'posts\\_fts%' ESCAPE '\\' "
    + "AND name <> 'schema_migrations' ORDER BY name").split('\n');
}

// Rows of table in a but not in b, and in b but not in a.
function differences(a, b, table) {
  return Number(sql(a, `ATTACH '${b}' AS o; SELECT `
    + `(SELECT count(*) FROM (SELECT * FROM main.${table} EXCEPT SELECT * FROM o.${table})) + `
    + `(SELECT count(*) FROM (SELECT * FROM o.${table} EXCEPT SELECT * FROM main.${table}))`));
}

async function searchLinks(url, q) {
  const r = await get(`${url}/search?q=${encodeURIComponent(q)}`);
  assert.equal(r.status, 200);
  const html = r.text;
  return [...html.matchAll(/<article class="summary search-result">\s*<h2><a href="([^"]+)"/g)].map((m) => m[1]).sort();
}

test('a site copied to a new SQLite file is equal table by table and serves the same site',
  { skip: noSqlite, timeout: 240000 }, async () => {
    // More posts than COPY_BATCH (1,000, store_copy.c): the posts are read
    // in more than one batch.
    const site = await newSite({ demo: true, demoArgs: ['--posts', '1100', '--comments', '400'] });
    const from = path.join(site.dir, 'gazette.db');
    // Rows that need the second pass, which a demo site lacks (its first
    // six comments moved onto one post for them): a featured
    // image (posts and media name each other), replies (a key to the same
    // table), one to a comment with a higher id than its own, and a
    // section under another.
    sql(from, 'UPDATE comments SET post_id = (SELECT post_id FROM comments ORDER BY id LIMIT 1) '
      + 'WHERE id IN (SELECT id FROM comments ORDER BY id LIMIT 6); '
      + 'UPDATE posts SET featured_media_id = (SELECT min(id) FROM media) '
      + "WHERE id = (SELECT min(id) FROM posts WHERE type = 'post'); "
      + 'UPDATE media SET post_id = (SELECT max(id) FROM posts) WHERE id = (SELECT max(id) FROM media); '
      + 'UPDATE comments SET parent_id = (SELECT max(c.id) FROM comments c WHERE c.post_id = comments.post_id '
      + 'AND c.id < comments.id) WHERE id % 3 = 0; '
      + 'UPDATE comments SET parent_id = (SELECT max(c.id) FROM comments c WHERE c.post_id = comments.post_id '
      + 'AND c.id > comments.id) WHERE id = (SELECT min(c1.id) FROM comments c1 WHERE EXISTS '
      + '(SELECT 1 FROM comments c2 WHERE c2.post_id = c1.post_id AND c2.id > c1.id)); '
      + 'UPDATE sections SET parent_id = (SELECT min(id) FROM sections) WHERE id = (SELECT max(id) FROM sections)');
    const dir = await tempDir('gazette-e2e-migrate-');
    chmodSync(dir, 0o700);
    const to = path.join(dir, 'gazette.db');

    const r = await run(['migrate', '--site', site.dir, '--to', `sqlite:${to}`], { timeout: 120000 });
    assert.equal(r.code, 0, r.stderr);
    const listed = Object.fromEntries(r.stdout.trim().split('\n').map((l) => {
      const [t, n] = l.split('\t');
      return [t, Number(n)];
    }));
    assert.match(r.stderr, /copied \d+ tables, \d+ rows, each table counted on both sides/);

    const tables = dataTables(from);
    assert.deepEqual(dataTables(to), tables);
    assert.deepEqual(Object.keys(listed).sort(), [...tables].sort(),
      'every data table is listed once, with its rows');
    for (const t of tables) {
      assert.equal(Number(sql(from, `SELECT count(*) FROM ${t}`)), listed[t], `${t}: rows listed`);
      assert.equal(differences(from, to, t), 0, `${t}: rows differ`);
    }
    assert.ok(Number(sql(to, 'SELECT count(*) FROM comments WHERE parent_id > id')) > 0);
    assert.ok(Number(sql(to, 'SELECT count(*) FROM comments WHERE parent_id < id')) > 0);
    assert.equal(sql(to, 'SELECT count(*) FROM posts WHERE featured_media_id IS NOT NULL'), '1');
    assert.equal(sql(to, 'SELECT count(*) FROM media WHERE post_id IS NOT NULL'), '1');
    assert.equal(sql(to, 'SELECT count(*) FROM sections WHERE parent_id IS NOT NULL'), '1');
    assert.ok(listed.posts > 1000 && listed.comments > 100 && listed.post_views > 0, "a demo site's rows");
    // The triggers are back, the same ones.
    const triggers = (db) => sql(db, "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY name");
    assert.equal(triggers(to), triggers(from));
    assert.equal(sql(to, 'PRAGMA integrity_check'), 'ok');
    assert.equal(sql(to, 'PRAGMA foreign_key_check'), '');

    // The copy is a site: the same front page and search results.
    const a = await startServer(site.dir);
    const b = await startServer(dir);
    try {
      for (const q of ['council', 'the']) {
        const la = await searchLinks(a.url, q);
        assert.ok(la.length > 0, `a search for "${q}" finds posts`);
        assert.deepEqual(await searchLinks(b.url, q), la, `search for "${q}"`);
      }
      const fa = (await get(`${a.url}/`)).text;
      const fb = (await get(`${b.url}/`)).text;
      const heads = (h) => [...h.matchAll(/<a href="(\/\d{4}\/[^"]+)"/g)].map((m) => m[1]);
      assert.deepEqual(heads(fb), heads(fa));
    } finally {
      await stopClean(a);
      await stopClean(b);
    }

    // New rows go after the copied ids, and the triggers count them.
    const maxId = Number(sql(to, 'SELECT max(id) FROM posts'));
    const md = path.join(dir, 'new.md');
    writeFileSync(md, '---\ntitle: After the move\nstatus: published\n---\nBody.\n');
    const counted = () => Number(sql(to, 'SELECT coalesce(sum(n), 0) FROM post_counts'));
    const before = counted();
    const add = await run(['post', 'add', md, '--site', dir]);
    assert.equal(add.code, 0, add.stderr);
    assert.ok(Number(add.stdout.split('\t')[0]) > maxId, 'a new post gets a new id');
    assert.ok(counted() > before, 'the count triggers counted the new post');
  });

test('migrate refuses a target that exists, an in-memory one, and no --to',
  { skip: noSqlite, timeout: 60000 }, async () => {
    const site = await newSite();
    const dir = await tempDir('gazette-e2e-migrate-');
    const existing = path.join(dir, 'taken.db');
    writeFileSync(existing, 'not a database, and not to be overwritten');
    const size = statSync(existing).size;

    let r = await run(['migrate', '--site', site.dir, '--to', `sqlite:${existing}`]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /exists already: the copy goes into a new file/);
    assert.equal(statSync(existing).size, size);

    r = await run(['migrate', '--site', site.dir, '--to', existing]);
    assert.equal(r.code, 2, r.stderr);

    r = await run(['migrate', '--site', site.dir, '--to', ':memory:']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /needs a PostgreSQL URL or sqlite:PATH of a new file/);

    r = await run(['migrate', '--site', site.dir]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /usage: gazette migrate --to URL/);

    const nested = path.join(dir, 'no', 'such', 'folder', 'x.db');
    r = await run(['migrate', '--site', site.dir, '--to', `sqlite:${nested}`]);
    assert.notEqual(r.code, 0);
    assert.equal(existsSync(nested), false);
  });

// The round trip: SQLite -> PostgreSQL -> SQLite leaves every table
// equal.  The site on PostgreSQL is a site folder whose gazette.conf says
// `db = …`; migrate copies from whatever database the site uses.
test('SQLite to PostgreSQL and back leaves every table equal',
  { skip: noSqlite || PG_ABSENT, timeout: 300000 }, async () => {
    const pg = await startCluster();
    try {
      const site = await newSite({ demo: true, demoArgs: ['--posts', '60', '--comments', '80'] });
      const from = path.join(site.dir, 'gazette.db');
      sql(from, 'UPDATE posts SET featured_media_id = (SELECT min(id) FROM media) '
        + "WHERE id = (SELECT min(id) FROM posts WHERE type = 'post'); "
        + 'UPDATE comments SET parent_id = (SELECT max(c.id) FROM comments c WHERE c.post_id = comments.post_id '
        + 'AND c.id < comments.id) WHERE id % 3 = 0');
      let r = await run(['migrate', '--site', site.dir, '--to', pg.url], { timeout: 120000 });
      assert.equal(r.code, 0, r.stderr);
      const listed = r.stdout;
      // The planner has the moved tables' statistics at once (decision
      // 100): without them a reader's page cost PostgreSQL three times
      // the CPU until autovacuum came round to them.
      const analyzed = await psql(pg.url, "SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_stat_user_tables "
        + "WHERE relname IN ('posts', 'comments', 'post_tags') AND last_analyze IS NOT NULL");
      assert.equal(analyzed.trim(), 'comments,post_tags,posts');

      // Not into a database that has tables now.
      r = await run(['migrate', '--site', site.dir, '--to', pg.url], { timeout: 60000 });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /has \d+ tables already: the copy goes into an empty one/);

      const onPg = await tempDir('gazette-e2e-migrate-');
      chmodSync(onPg, 0o700);
      writeFileSync(path.join(onPg, 'gazette.conf'), `db = ${pg.url}\n`);
      const back = path.join(await tempDir('gazette-e2e-migrate-'), 'back.db');
      r = await run(['migrate', '--site', onPg, '--to', `sqlite:${back}`], { timeout: 120000 });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.stdout.split('\n').sort(), listed.split('\n').sort(), 'the same tables and rows each way');
      const tables = dataTables(from);
      assert.deepEqual(dataTables(back), tables);
      for (const t of tables) assert.equal(differences(from, back, t), 0, `${t}: rows differ after the round trip`);
      assert.equal(sql(back, 'PRAGMA foreign_key_check'), '');
    } finally {
      pg.stop();
    }
  });
