// Issue 17 part 6, the language: a site whose setting `language` is `ru`
// shows no English on the reader's pages. Tested against the catalog, as
// the issue asks: every msgid of po/ru.po has a Russian msgstr, and none
// of the English msgids' texts is on the front page, an article page (its
// comments, its comment form), the second page of the front, a comment
// form's error page, the search page, an archive, a tag's page, the
// bookshelf, a book, the submission form or the 404 page. The site's own
// content is Russian here, so a stricter check holds too: no Latin word at all is left in what a reader
// reads, beyond names (gazette, RSS, Atom, EPUB, PDF, Markdown, OR).
// Then the setting goes back to `en` while the server runs: the same
// pages are English again (templates translated anew, cached pages gone).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { newSite, startServer, stopClean, get, run, tempDir, pathOf, REPO_ROOT, eventually, siteSql } from './lib/gazette.mjs';
import { LIMITS } from './lib/limits.mjs';
import { launch, collectErrors, CHROMIUM } from './lib/browser.mjs';
import { absent } from './lib/needs.mjs';

const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) '
  + 'Chrome/120.0.0.0 Safari/537.36';

// po/ru.po's entries: [{ctx, id, plural, strs: [...]}], header left out.
function readPo(file) {
  const entries = [];
  let cur = null;
  let field = null;
  const unq = (s) => JSON.parse(s.replace(/\\(?!["\\nt])/g, '\\\\'));
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('#~')) continue; // obsolete
    let m = /^(msgctxt|msgid|msgid_plural|msgstr(?:\[(\d)\])?) (".*")$/.exec(line);
    if (m) {
      if (m[1] === 'msgctxt' || (m[1] === 'msgid' && cur?.field !== 'msgctxt')) {
        if (cur) entries.push(cur);
        cur = { ctx: null, id: '', plural: null, strs: [] };
      }
      field = m[1].startsWith('msgstr') ? `msgstr${m[2] ?? 0}` : m[1];
      cur.field = field;
      const v = unq(m[3]);
      if (field === 'msgctxt') cur.ctx = v;
      else if (field === 'msgid') cur.id = v;
      else if (field === 'msgid_plural') cur.plural = v;
      else cur.strs[Number(field.slice(6))] = v;
      continue;
    }
    m = /^(".*")$/.exec(line);
    if (m && cur) {
      const v = unq(m[1]);
      if (field === 'msgctxt') cur.ctx += v;
      else if (field === 'msgid') cur.id += v;
      else if (field === 'msgid_plural') cur.plural += v;
      else cur.strs[Number(field.slice(6))] += v;
    }
  }
  if (cur) entries.push(cur);
  return entries.filter((e) => e.id !== '');
}

const catalog = readPo(path.join(REPO_ROOT, 'po', 'ru.po'));

// The English texts of a msgid a reader could see: what is left between
// its placeholders ({{x}}, %d, %s, {month}) and HTML tags, trimmed of
// punctuation, when it holds a Latin letter.
function englishTexts(id) {
  return id.split(/\{\{[^}]*\}\}|\{[a-z]+\}|%[ds]|<[^>]*>/)
    .map((s) => s.replace(/^[\s.,:;!?()“”"'←→…–-]+|[\s.,:;!?()“”"'←→…–-]+$/g, ''))
    .filter((s) => /[A-Za-z]/.test(s));
}

const ALLOWED = new Set(['gazette', 'RSS', 'Atom', 'EPUB', 'PDF', 'Markdown', 'OR']);

// What a reader reads of a page: its text and the attributes shown or
// spoken (title, alt, placeholder, aria-label, value of buttons), with
// scripts, styles and the <head>'s machine parts left out.
function readerText(html) {
  const attrs = [];
  for (const m of html.matchAll(/\s(?:alt|placeholder|aria-label|title|label|data-msg-[a-z-]+)="([^"]*)"/g)) attrs.push(m[1]);
  // views.js's forms of "N Views": "one:%d просмотр|few:…", what it writes.
  for (const m of html.matchAll(/\sdata-forms="([^"]*)"/g)) {
    for (const f of m[1].split('|')) attrs.push(f.slice(f.indexOf(':') + 1).replace('%d', '1'));
  }
  const title = /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? '';
  const body = html.slice(html.indexOf('<body'))
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]+>/g, ' ');
  const text = [title, body, ...attrs].join('\n');
  return text.replace(/&amp;/g, '&').replace(/&quot;|&#34;/g, '"').replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

let site;
let srv;
const pages = {};

async function gz(...args) {
  const r = await run([...args, '--site', site.dir]);
  assert.equal(r.code, 0, `gazette ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

before(async () => {
  site = await newSite({ initArgs: ['--title', 'Вестник'] });
  await gz('settings', 'set', 'language', 'ru');
  await gz('settings', 'set', 'tagline', 'Новости и мнения');
  await gz('settings', 'set', 'comments_hold', 'none');
  await gz('settings', 'set', 'comments_rate_minute', '0');
  await gz('settings', 'set', 'comments_min_seconds', '0');
  await gz('settings', 'set', 'site_message', 'Новый устав прихода');
  await gz('settings', 'set', 'support_url', 'https://example.org/donate');
  await gz('sections', 'add', 'vesti', '--name', 'Вести');
  const dir = await tempDir('gazette-e2e-i18n-');
  const n = LIMITS.LIM_FRONT_POSTS + 3;
  for (let i = 0; i < n; i++) {
    const file = path.join(dir, `p${i}.md`);
    writeFileSync(file, `---\ntitle: Новость номер ${i}\nslug: novost-${i}\nsection: vesti\ntags: храм, приход\n` +
      `status: published\ndate: 2022-04-${String(10 + i).padStart(2, '0')} 09:00\n---\n` +
      `Текст новости **номер ${i}**. Крестный ход прошёл по улицам города.\n`);
    const out = await gz('post', 'add', file);
    if (i === n - 1) pages.article = pathOf(out.trim().split('\t')[1]);
  }
  const book = path.join(dir, 'book.md');
  writeFileSync(book, '---\ntitle: Жития святых\ntype: book\nstatus: published\n---\nКнига о святых.\n');
  await gz('post', 'add', book);
  // The sidebar a reader sees: every kind of block whose words are ours.
  // init's section is named in English: the site's content, renamed.
  siteSql(site.dir, "UPDATE sections SET name = 'Новости' WHERE slug = 'news'");
  const blocks = [['support', {}], ['search', {}], ['archives', {}], ['books', {}],
    ['popular', { days: 90, limit: 5 }], ['recent_comments', { limit: 5 }]];
  for (const [i, [kind, cfg]] of blocks.entries()) {
    siteSql(site.dir, `INSERT INTO blocks(area, position, kind, config) VALUES ('sidebar', ${i}, '${kind}', '${JSON.stringify(cfg)}')`);
  }
  srv = await startServer(site.dir);
  // Comments in Russian, through the form as a reader without a script.
  const html = (await get(srv.url + pages.article)).text;
  const id = /data-post-id="(\d+)"/.exec(html)[1];
  const stamp = /name="stamp" value="([^"]+)"/.exec(html)[1];
  for (const body of ['Спаси Господи за новость.', 'Слава Богу!']) {
    const r = await fetch(`${srv.url}/comments`, {
      method: 'POST', redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: srv.url },
      body: new URLSearchParams({ post_id: id, author: 'Иван', body, stamp }).toString(),
    });
    assert.equal(r.status, 303, await r.text());
  }
  pages.postId = id;
  pages.stamp = stamp;
});
after(async () => stopClean(srv));

test('every msgid of po/ru.po has a Russian msgstr, every plural form', () => {
  assert.ok(catalog.length > 150, `${catalog.length} messages`);
  for (const e of catalog) {
    const want = e.plural ? 3 : 1;
    assert.equal(e.strs.length, want, `${e.id}: ${e.strs.length} forms`);
    for (const s of e.strs) assert.ok(s && s.trim() !== '', `${e.id}: untranslated`);
  }
});

// The pages a reader of the Russian site meets.
async function readerPages() {
  const front = await get(`${srv.url}/`);
  const second = await get(`${srv.url}/page/2/`);
  const article = await get(srv.url + pages.article);
  const missing = await get(`${srv.url}/no-such-page-here/`);
  const search = await get(`${srv.url}/search?q=${encodeURIComponent('новость')}`);
  const searchEmpty = await get(`${srv.url}/search`);
  const archive = await get(`${srv.url}/2022/04/`);
  const tag = await get(`${srv.url}/tag/${encodeURIComponent('храм')}/`);
  const books = await get(`${srv.url}/books/`);
  const bookPath = /<h2><a href="(\/books\/[^"]+\/)">/.exec(books.text)?.[1];
  assert.ok(bookPath, 'the bookshelf links its book');
  const book = await get(srv.url + bookPath);
  const submit = await get(`${srv.url}/submit/`);
  // A comment the form refuses: no name.
  const refused = await fetch(`${srv.url}/comments`, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: srv.url },
    body: new URLSearchParams({ post_id: pages.postId, author: '', body: 'Без имени', stamp: pages.stamp }).toString(),
  });
  const formError = { status: refused.status, text: await refused.text() };
  // A name past LIM_AUTHOR_BYTES: the API's "author: longer than …".
  const long = await fetch(`${srv.url}/comments`, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: srv.url },
    body: new URLSearchParams({ post_id: pages.postId, author: 'я'.repeat(LIMITS.LIM_AUTHOR_BYTES), body: 'Длинное имя', stamp: pages.stamp }).toString(),
  });
  const formTooLong = { status: long.status, text: await long.text() };
  return { front, second, article, missing, search, searchEmpty, archive, tag, books, book, submit, formError, formTooLong };
}

test('the reader\'s pages show no English text of the catalog and no other English word', async () => {
  const got = await readerPages();
  assert.equal(got.front.status, 200);
  assert.equal(got.second.status, 200);
  assert.equal(got.article.status, 200);
  assert.equal(got.missing.status, 404);
  assert.equal(got.formError.status, 400);
  assert.equal(got.search.status, 200);
  assert.equal(got.archive.status, 200);
  assert.equal(got.tag.status, 200);
  assert.equal(got.book.status, 200);
  assert.equal(got.submit.status, 200);
  // What the issue names is on them, in Russian.
  assert.match(got.article.text, /<html lang="ru">/);
  assert.match(got.article.text, /<h2>2 комментария<\/h2>/);
  assert.match(got.article.text, /<span class="views" data-forms="one:%d просмотр\|few:%d просмотра\|many:%d просмотров\|other:%d просмотров">/);
  assert.match(got.article.text, /апреля 2022 г\./);
  assert.match(got.front.text, /Страница 1 из 2/);
  assert.match(got.front.text, /Старше →/);
  assert.match(got.missing.text, /Страница не найдена/);
  assert.match(got.formError.text, /Пожалуйста, укажите своё имя\./);
  assert.ok(got.formTooLong.status >= 400, `${got.formTooLong.status}`);
  assert.match(got.formTooLong.text, /Текст слишком длинный\./);
  assert.match(got.search.text, /результат/);
  assert.match(got.archive.text, /Архив: Апрель 2022/);
  const texts = new Map();
  for (const e of catalog) for (const t of englishTexts(e.id)) texts.set(t, e.id);
  for (const [name, res] of Object.entries(got)) {
    const text = readerText(res.text);
    for (const [t, id] of texts) {
      const re = new RegExp(`(^|[^A-Za-z])${t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z])`);
      assert.doesNotMatch(text, re, `${name}: "${t}" (msgid ${JSON.stringify(id)}) is on the page`);
    }
    const words = [...new Set((text.replace(/https?:\/\/\S+/g, ' ').match(/[A-Za-z][A-Za-z'-]*/g) ?? []))]
      .filter((w) => !ALLOWED.has(w));
    assert.deepEqual(words, [], `${name}: English words left`);
  }
});

test('the feeds say the site\'s language', async () => {
  const rss = await get(`${srv.url}/feed/`);
  assert.match(rss.text, /<language>ru<\/language>/);
  const atom = await get(`${srv.url}/feed/atom/`);
  assert.match(atom.text, /<feed xmlns="http:\/\/www\.w3\.org\/2005\/Atom" xml:lang="ru">/);
});

test('in Chromium, the view count the script writes takes the Russian form of its number', { skip: absent(CHROMIUM) }, async () => {
  const browser = await launch();
  try {
    const context = await browser.newContext({ userAgent: BROWSER_UA });
    const page = await context.newPage();
    const errors = collectErrors(page);
    const beacon = page.waitForResponse((res) => res.url().endsWith(`/api/v1/views/${pages.postId}`)
      && res.request().method() === 'POST');
    await page.goto(srv.url + pages.article, { waitUntil: 'load' });
    const { views } = await (await beacon).json();
    const form = views % 10 === 1 && views % 100 !== 11 ? 'просмотр'
      : views % 10 >= 2 && views % 10 <= 4 && (views % 100 < 10 || views % 100 >= 20) ? 'просмотра' : 'просмотров';
    await page.waitForFunction((n) => document.querySelector('[data-views]')?.textContent === String(n), views);
    assert.equal(await page.locator('.views').innerText(), `${views} ${form}`);
    assert.deepEqual(errors, [], 'no console errors');
    await context.close();
  } finally {
    await browser.close();
  }
});

test('a language not shipped is refused; going back to en makes the running site English again', async () => {
  const bad = await run(['settings', 'set', 'language', 'de', '--site', site.dir]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /language/);
  await gz('settings', 'set', 'language', 'en');
  await eventually(async () => {
    const r = await get(srv.url + pages.article);
    return /<html lang="en">/.test(r.text) && /<h2>2 Comments<\/h2>/.test(r.text) && /April \d+, 2022/.test(r.text);
  });
  const front = await get(`${srv.url}/`);
  assert.match(front.text, /Page 1 of 2/);
  assert.doesNotMatch(front.text, /Страница 1 из 2/);
  assert.match((await get(`${srv.url}/feed/`)).text, /<language>en<\/language>/);
});
