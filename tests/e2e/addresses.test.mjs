// Addresses people already have (issue 17 part 7): without `url` in
// gazette.conf links name the address the server listens on, and it says
// it is guessing; WordPress's feed and query addresses answer 301 with ours;
// a path one of our routes has with a final slash redirects there.
import { test, describe, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { run, newSite, startServer, cleanup, get, stopClean, reportOnFailure, pathOf, tempDir, siteSql, ON_PG } from './lib/gazette.mjs';
import { SQLITE3, absent } from './lib/needs.mjs';

let site;
let srv;

before(async () => {
  site = await newSite();
  const r = await run(['sections', 'add', 'café-society', '--name', 'Café Society', '--site', site.dir]);
  assert.equal(r.code, 0, r.stderr);
  srv = await startServer(site.dir);
});
afterEach((t) => reportOnFailure(t, srv));
after(async () => {
  try {
    await stopClean(srv);
  } finally {
    await cleanup();
  }
});

async function redirect(from) {
  const r = await get(`${srv.url}${from}`);
  assert.equal(r.status, 301, `${from}: ${r.status}`);
  return r.headers.get('location');
}

describe('addresses', () => {
  test('without url in gazette.conf, links name the address served, and the log says it guesses', async () => {
    assert.notEqual(srv.port, 8080);
    const home = await get(`${srv.url}/`);
    assert.ok(home.text.includes(`<link rel="alternate" type="application/rss+xml" title="gazette (RSS)" href="${srv.url}/feed/">`), 'feed link');
    assert.ok(!home.text.includes('127.0.0.1:8080'), 'no link names the default port');
    assert.match(srv.stderr(), /gazette\.conf has no url: links name http:\/\/127\.0\.0\.1:\d+, the address served, a guess/);
    assert.equal(await redirect('/feed/rss2/'), `${srv.url}/feed/`, 'a redirect names it too');
  });

  test('with url in gazette.conf, links name it and nothing is guessed', async () => {
    const other = await newSite();
    writeFileSync(path.join(other.dir, 'gazette.conf'), 'url = https://news.example.org\n');
    const s2 = await startServer(other.dir);
    try {
      const home = await get(`${s2.url}/`);
      assert.ok(home.text.includes('href="https://news.example.org/feed/"'));
      assert.doesNotMatch(s2.stderr(), /a guess/);
    } finally {
      await stopClean(s2);
    }
  });

  test("WordPress's feed addresses answer 301 with ours", async () => {
    for (const [from, to] of [
      ['/?feed=rss2', '/feed/'], ['/?feed=rss', '/feed/'], ['/?feed=rdf', '/feed/'], ['/?feed=atom', '/feed/atom/'],
      ['/?feed=comments-rss2', '/comments/feed/'], ['/feed/rss2/', '/feed/'], ['/feed/rdf/', '/feed/'], ['/feed/rss/', '/feed/'],
      ['/?tag=news', '/tag/news/'], ['/?tag=caf%C3%A9', '/tag/caf%C3%A9/'], ['/?tag=news&feed=rss2', '/tag/news/feed/'],
    ]) assert.equal(pathOf(await redirect(from)), to, from);
    assert.equal((await get(`${srv.url}/feed/atom/`)).status, 200);
    assert.equal((await get(`${srv.url}/?feed=nonsense`)).status, 404);
  });

  test('/?cat=ID: the category of that id, its feed too; an unknown id is 404', async () => {
    const list = await run(['sections', 'list', '--site', site.dir]);
    const line = list.stdout.split('\n').find((l) => l.includes('café-society'));
    assert.ok(line, list.stdout);
    const id = /^(\d+)/.exec(line)[1];
    assert.equal(pathOf(await redirect(`/?cat=${id}`)), '/category/caf%C3%A9-society/');
    assert.equal(pathOf(await redirect(`/?cat=${id}&feed=atom`)), '/category/caf%C3%A9-society/feed/atom/');
    assert.equal((await get(`${srv.url}/?cat=99999`)).status, 404);
    assert.equal((await get(`${srv.url}/?cat=x`)).status, 404);
  });

  test('a path our routes have with a final slash redirects there, query kept; others stay 404', async () => {
    assert.equal(pathOf(await redirect('/admin/posts')), '/admin/posts/');
    assert.equal(await redirect('/admin/posts?status=draft'), `${srv.url}/admin/posts/?status=draft`);
    assert.equal(pathOf(await redirect('/feed')), '/feed/');
    assert.equal(pathOf(await redirect('/books')), '/books/');
    assert.equal((await get(`${srv.url}/no-such-thing`)).status, 404);
    const post = await get(`${srv.url}/admin/posts`, { method: 'POST', body: '' });
    assert.notEqual(post.status, 301, 'only GET and HEAD are redirected');
  });

  test('slugs as WordPress makes them: lower case, Latin accents removed; slugs already stored keep their URLs', { skip: !ON_PG && absent(SQLITE3) }, async () => {
    const dir = await tempDir('gazette-e2e-slug-');
    const add = async (name, head) => {
      const file = path.join(dir, `${name}.md`);
      writeFileSync(file, `---\n${head}status: published\ndate: 2026-03-01T12:00:00Z\n---\nText.\n`);
      const r = await run(['post', 'add', file, '--site', site.dir]);
      assert.equal(r.code, 0, r.stderr);
      return pathOf(r.stdout.trim().split('\t')[1]);
    };
    assert.equal(await add('a', 'title: Café Über\n'), '/2026/03/01/cafe-uber/');
    assert.equal(await add('b', 'title: Straße nach Łódź\n'), '/2026/03/01/strasse-nach-lodz/');
    assert.equal(await add('c', 'title: Привет Мир\n'), `/2026/03/01/${encodeURIComponent('привет-мир')}/`);
    // a slug made before (an import, an older gazette) is served as it is
    const kept = await add('d', 'title: Old one\nslug: café-über-alles\n');
    assert.equal(kept, '/2026/03/01/caf%C3%A9-%C3%BCber-alles/');
    assert.equal((await get(`${srv.url}${kept}`)).status, 200);
    // a tag stored with its old slug keeps it when a new post names it
    siteSql(site.dir, "INSERT INTO tags(slug, name) VALUES ('café', 'Café')");
    const tagged = await add('e', 'title: Tagged\ntags: Café, Über\n');
    const page = await get(`${srv.url}${tagged}`);
    assert.match(page.text, /href="\/tag\/caf%C3%A9\/"/, 'the stored slug');
    assert.match(page.text, /href="\/tag\/uber\/"/, 'a new tag folds');
    assert.equal((await get(`${srv.url}/tag/caf%C3%A9/`)).status, 200);
  });
});
