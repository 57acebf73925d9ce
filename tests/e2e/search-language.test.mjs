// Search follows the site's language (issue 17, decision 088): words are
// stemmed by the language's Snowball stemmer, so "sanction" finds
// "sanctions" on an English site and "санкциями" finds "санкции" once the
// language setting is ru; Ё is Е; the reader's last word stays a prefix
// of the words as written ("electi" finds "election", "election" does not
// find "electricity"); the snippets mark the words as written, never the
// stems; `settings set language` makes the index again at once, and an
// unknown language only folds.
import { test, describe, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { run, newSite, startServer, cleanup, get, stopClean, reportOnFailure, eventually } from './lib/gazette.mjs';

let site;
let srv;
const urls = {};

async function addPost(name, title, body) {
  const file = path.join(site.dir, `${name}.md`);
  writeFileSync(file, `---\nstatus: published\ntitle: ${title}\ndate: 2024-03-10\n---\n${body}\n`);
  const r = await run(['post', 'add', file, '--site', site.dir]);
  assert.equal(r.code, 0, r.stderr);
  urls[name] = new URL(r.stdout.trim().split('\t')[1]).pathname;
}

// The links of a search that a test made before the setting changed: its
// page may still be in the server's cache until the server's watcher sees
// the CLI's commit (STORE_WATCH_MS, 50 ms; longer on a loaded machine),
// so the test waits for that, with a deadline, rather than racing it.
async function linksOnceSeen(q, want) {
  let last;
  await eventually(async () => {
    last = (await search(q)).links;
    return JSON.stringify(last) === JSON.stringify(want);
  });
  return last;
}

async function setting(key, value) {
  const r = await run(['settings', 'set', key, value, '--site', site.dir]);
  assert.equal(r.code, 0, r.stderr);
}

function main(html) {
  return html.slice(html.indexOf('<main'), html.indexOf('</main>'));
}

// The result links of /search?q=q, and the page's <main>.
async function search(q) {
  const r = await get(`${srv.url}/search?q=${encodeURIComponent(q)}`);
  assert.equal(r.status, 200, r.text);
  const m = main(r.text);
  const links = [...m.matchAll(/<article class="summary search-result">\s*<h2><a href="([^"]+)"/g)].map((x) => x[1]);
  return { links, main: m };
}

before(async () => {
  site = await newSite();
  await setting('search_rate_per_minute', '0');
  await addPost('sanctions', 'Council acts', 'The council announced new sanctions against the regime.');
  await addPost('election', 'Vote counted', 'The election results came late.');
  await addPost('power', 'Power bills', 'Electricity prices rose again.');
  await addPost('ru', 'Новые санкции', 'Совет ввёл санкции. Ёлка стоит на площади.');
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

describe('search in the site language', () => {
  test('English (the default): other forms of a word, snippets with the words as written', async () => {
    const r = await search('sanction regime');
    assert.deepEqual(r.links, [urls.sanctions]);
    assert.match(r.main, /new <mark>sanctions<\/mark> against the <mark>regime<\/mark>/);
    assert.doesNotMatch(r.main, /<mark>sanction<\/mark>/);
    // A whole word that is not the last is stemmed too.
    assert.deepEqual((await search('announce council')).links, [urls.sanctions]);
    assert.deepEqual((await search('"sanction against"')).links, [urls.sanctions]);
  });

  test('the last word is a prefix of the words as written, and its own forms', async () => {
    assert.deepEqual((await search('electi')).links, [urls.election]);
    assert.deepEqual((await search('election')).links, [urls.election]);
    assert.deepEqual((await search('elections')).links, [urls.election]);
    assert.deepEqual((await search('electricity')).links, [urls.power]);
  });

  test('English stems leave Russian words as they are; Ё is Е all the same', async () => {
    assert.deepEqual((await search('санкциями')).links, []);
    const r = await search('елка');
    assert.deepEqual(r.links, [urls.ru]);
    assert.match(r.main, /<mark>Ёлка<\/mark> стоит/);
  });

  test('language ru: Russian forms find each other, at once and after a restart', async () => {
    await setting('language', 'ru');
    let r = await search('санкциями совета');
    assert.deepEqual(r.links, [urls.ru]);
    assert.match(r.main, /<mark>Совет<\/mark> ввёл <mark>санкции<\/mark>/);
    assert.match(r.main, /Новые <mark>санкции<\/mark>/);
    // The English stemmer is gone: only the word as written, and its
    // prefix, still find it.
    assert.deepEqual(await linksOnceSeen('sanction regime', []), []);
    assert.deepEqual((await search('sanctions regime')).links, [urls.sanctions]);
    const ri = await run(['search', 'reindex', '--site', site.dir]);
    assert.equal(ri.code, 0, ri.stderr);
    assert.match(ri.stdout, /^indexed 4 posts$/m);
    await stopClean(srv);
    srv = await startServer(site.dir);
    r = await search('санкциям');
    assert.deepEqual(r.links, [urls.ru]);
    const api = await get(`${srv.url}/api/v1/search?q=${encodeURIComponent('ЁЛКОЙ')}`);
    assert.equal(api.status, 200);
    assert.equal(JSON.parse(api.text).total, 1);
  });

  // The setting takes only the languages the site ships (en, ru): one
  // without a stemmer (zh) is test_search_stem's, through the store.
  test('back to English: English stems again, Russian forms no longer', async () => {
    await setting('language', 'en');
    assert.deepEqual((await search('санкциями')).links, []);
    assert.deepEqual((await search('санкции совет')).links, [urls.ru]);
    assert.deepEqual(await linksOnceSeen('sanction regime', [urls.sanctions]), [urls.sanctions]);
  });
});
