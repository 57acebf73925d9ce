// A password-protected post keeps its comments behind the password, as
// WordPress does (comments_template(), wp-comments-post.php's
// "comment_on_password_protected", the comment feeds): a small WXR written
// here holds such a post with a thread, and an open post with one comment
// to show the same paths do serve comments.  Every way to read them is
// tried — the page, its comment pages, the JSON API, the post's and the
// site's comment feeds, the "recent comments" sidebar block — and every way
// to add one: without the password nothing is stored.
//
// Guessing (issue 13, item 5: 4,000 guesses a second, and the comment API
// checked the password before its rate limit): wrong guesses at a post's
// password are throttled per post and address and per post
// (LIM_POST_PASSWORD_FREE, LIM_POST_PASSWORD_FREE_POST), through the page
// and the comment form and API alike, and a comment counts against the
// comment rate limit before its password is looked at.  Two more posts
// of their own take those guesses.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { run, newSite, startServer, cleanup, get, stopClean, siteSql } from './lib/gazette.mjs';
import { LIMITS } from './lib/limits.mjs';

const PASSWORD = 's3cret <&> "pass"';
const GUARDED = 'guarded one'; // posts 503 and 504, for the guessing tests
// What must never show without the password: the comments' text and
// their authors' names.
const HIDDEN = ['Secret thread opener', 'Secret thread reply', 'Pat Protected', 'Quinn Hidden'];
const OPEN_TEXT = 'Plain open comment';

let site;
let srv;
let locked; // the protected post's path
let open; // the open post's path
let guarded; // posts 503 and 504's paths
let ipCounter = 0;

const cdata = (s) => `<![CDATA[${s}]]>`;
const comment = (id, parent, author, text) => `
    <wp:comment>
      <wp:comment_id>${id}</wp:comment_id>
      <wp:comment_author>${cdata(author)}</wp:comment_author>
      <wp:comment_author_email>${author.split(' ')[0].toLowerCase()}@example.org</wp:comment_author_email>
      <wp:comment_author_url></wp:comment_author_url>
      <wp:comment_author_IP></wp:comment_author_IP>
      <wp:comment_date>2021-03-05 10:0${id % 10}:00</wp:comment_date>
      <wp:comment_date_gmt>2021-03-05 10:0${id % 10}:00</wp:comment_date_gmt>
      <wp:comment_content>${cdata(text)}</wp:comment_content>
      <wp:comment_approved>1</wp:comment_approved>
      <wp:comment_type></wp:comment_type>
      <wp:comment_parent>${parent}</wp:comment_parent>
      <wp:comment_user_id>0</wp:comment_user_id>
    </wp:comment>`;
const item = (id, slug, title, password, body, comments) => `
  <item>
    <title>${cdata(title)}</title>
    <link>https://old.example.org/?p=${id}</link>
    <pubDate>Thu, 04 Mar 2021 12:00:00 +0000</pubDate>
    <dc:creator>${cdata('admin')}</dc:creator>
    <guid isPermaLink="false">https://old.example.org/?p=${id}</guid>
    <description></description>
    <content:encoded>${cdata(body)}</content:encoded>
    <excerpt:encoded>${cdata('')}</excerpt:encoded>
    <wp:post_id>${id}</wp:post_id>
    <wp:post_date>${cdata('2021-03-04 12:00:00')}</wp:post_date>
    <wp:post_date_gmt>${cdata('2021-03-04 12:00:00')}</wp:post_date_gmt>
    <wp:comment_status>${cdata('open')}</wp:comment_status>
    <wp:ping_status>${cdata('open')}</wp:ping_status>
    <wp:post_name>${cdata(slug)}</wp:post_name>
    <wp:status>${cdata('publish')}</wp:status>
    <wp:post_parent>0</wp:post_parent>
    <wp:menu_order>0</wp:menu_order>
    <wp:post_type>${cdata('post')}</wp:post_type>
    <wp:post_password>${cdata(password)}</wp:post_password>
    <wp:is_sticky>0</wp:is_sticky>${comments.join('')}
  </item>`;
const WXR = `<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Old site</title>
  <link>https://old.example.org</link>
  <description></description>
  <language>en-US</language>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>https://old.example.org</wp:base_site_url>
  <wp:base_blog_url>https://old.example.org</wp:base_blog_url>
  <wp:author>
    <wp:author_id>1</wp:author_id>
    <wp:author_login>${cdata('admin')}</wp:author_login>
    <wp:author_email>${cdata('admin@example.org')}</wp:author_email>
    <wp:author_display_name>${cdata('admin')}</wp:author_display_name>
  </wp:author>
${item(501, 'open-post', 'An open post', '', 'Anyone may read this.', [comment(911, 0, 'Olive Open', OPEN_TEXT)])}
${item(502, 'locked-post', 'A locked post', PASSWORD, 'The body behind the password.', [
    comment(921, 0, 'Pat Protected', 'Secret thread opener'),
    comment(922, 921, 'Quinn Hidden', 'Secret thread reply'),
  ])}
${item(503, 'guarded-post', 'A guarded post', GUARDED, 'Guarded body 503.', [])}
${item(504, 'guarded-too', 'Another guarded post', GUARDED, 'Guarded body 504.', [])}
</channel>
</rss>
`;

// On the site's own engine (SQLite, or PostgreSQL under make e2e-pg).
const sql = (query) => siteSql(site.dir, query);
const stored = (post) => Number(sql(`SELECT count(*) FROM comments WHERE post_id = ${post}`));

// Each post comes from its own address (the server trusts X-Forwarded-For
// from loopback), so the rate limits never decide a test.
const newIp = () => `10.7.0.${++ipCounter}`;

function assertLocked(text, where) {
  for (const s of HIDDEN) assert.ok(!text.includes(s), `${where} shows "${s}"`);
}

async function unlock(p, password = PASSWORD, origin = srv.url, ip = undefined) {
  return get(srv.url + p, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin, ...(ip ? { 'x-forwarded-for': ip } : {}) },
    body: new URLSearchParams({ post_password: password }).toString(),
  });
}

async function apiComment(body, ip = newIp()) {
  const res = await get(`${srv.url}/api/v1/comments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: srv.url, 'x-forwarded-for': ip },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: JSON.parse(res.text) };
}

async function formComment(fields, ip = newIp()) {
  return get(`${srv.url}/comments`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: srv.url, 'x-forwarded-for': ip },
    body: new URLSearchParams(fields).toString(),
  });
}

before(async () => {
  site = await newSite();
  const file = path.join(site.dir, 'protected.xml');
  writeFileSync(file, WXR);
  const r = await run(['import', 'wxr', file, '--site', site.dir], { timeout: 60000 });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(sql('SELECT password FROM posts WHERE id = 502'), PASSWORD);
  assert.equal(stored(502), 2);
  sql(`INSERT INTO blocks(area, position, kind, config) VALUES ('sidebar', 0, 'recent_comments', '{"limit":10}')`);
  // A form sent at once is not taken for a bot's here.
  sql("INSERT INTO settings(key, value) VALUES ('comments_min_seconds', '0')");
  srv = await startServer(site.dir);
  const where = async (id) => new URL((await get(`${srv.url}/?p=${id}`)).headers.get('location'), srv.url).pathname;
  open = await where(501);
  locked = await where(502);
  guarded = { 503: await where(503), 504: await where(504) };
});

after(async () => {
  try {
    await stopClean(srv);
  } finally {
    await cleanup();
  }
});

test('without the password the page shows a notice, no comments, no form and no count', async () => {
  const res = await get(srv.url + locked);
  assert.equal(res.status, 200);
  assert.match(res.text, /This post is password protected\. Enter the password to view comments\./);
  assertLocked(res.text, 'the locked page');
  assert.doesNotMatch(res.text, /class="comment-list"/);
  assert.doesNotMatch(res.text, /id="respond"/);
  assert.doesNotMatch(res.text, /href="#comments"/, 'the comment count link in the header');
  assert.doesNotMatch(res.text, /<section[^>]* data-post-id=/, 'comments.js has nothing to enhance');
  // the same page for everyone: cacheable, and the next one is the same
  assert.notEqual(res.headers.get('cache-control'), 'private, no-store');
  assertLocked((await get(srv.url + locked)).text, 'the locked page, cached');
  // ?replytocom= and ?moderation= change nothing
  assertLocked((await get(`${srv.url}${locked}?replytocom=921`)).text, '?replytocom');
  // the open post, by the same template, shows its comment
  const o = await get(srv.url + open);
  assert.ok(o.text.includes(OPEN_TEXT));
  assert.match(o.text, /href="#comments"/);
  assert.match(o.text, /<section[^>]* data-post-id="501"/);
});

test('a wrong password, or the right one from another site, shows nothing more', async () => {
  const wrong = await unlock(locked, 'nope');
  assert.equal(wrong.status, 200);
  assert.match(wrong.text, /That password is not right/);
  assertLocked(wrong.text, 'a wrong password');
  const foreign = await unlock(locked, PASSWORD, 'https://evil.example');
  assertLocked(foreign.text, 'a foreign form');
});

test('the right password shows the thread and a form that carries the password, never cached', async () => {
  const res = await unlock(locked);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('cache-control'), 'private, no-store');
  for (const s of HIDDEN) assert.ok(res.text.includes(s), `"${s}" after the password`);
  assert.ok(res.text.includes('The body behind the password.'));
  assert.match(res.text, /<li class="comment depth-1" id="comment-922"/);
  assert.match(res.text, /href="#comments">2 Comments<\/a>/);
  assert.match(res.text, /<form id="respond"/);
  assert.doesNotMatch(res.text, /Enter the password to view comments/);
  // the template escapes it like any value
  assert.ok(res.text.includes('<input type="hidden" name="post_password" value="s3cret &lt;&amp;&gt; &quot;pass&quot;">'),
    'the comment form carries the password back');
  // the open post's form never carries one
  assert.doesNotMatch((await get(srv.url + open)).text, /name="post_password"/);
  // and the next reader is locked out again
  assertLocked((await get(srv.url + locked)).text, 'the page after an unlock');
});

test('comment pages are locked too, and their form posts back to the same page', async () => {
  const res = await get(`${srv.url}${locked}comment-page-2/`);
  assert.equal(res.status, 200);
  assertLocked(res.text, 'comment-page-2');
  assert.match(res.text, /Enter the password to view comments/);
  assert.ok(res.text.includes(`action="${locked}comment-page-2/"`), 'the password form stays on the page');
  const canonical = /<link rel="canonical" href="([^"]+)">/.exec(res.text)[1];
  assert.equal(new URL(canonical).pathname, locked, 'a locked comment page is not a page of its own');
  // unlocked, a page past the last one is not found, as for any post
  assert.equal((await unlock(`${locked}comment-page-2/`)).status, 404);
  // an open post's comment pages still answer as before
  assert.equal((await get(`${srv.url}${open}comment-page-2/`)).status, 404);
});

test('the JSON API refuses the comments of a protected post with 403', async () => {
  const res = await get(`${srv.url}/api/v1/posts/502/comments`);
  assert.equal(res.status, 403);
  assert.match(res.headers.get('content-type'), /application\/json/);
  assert.match(JSON.parse(res.text).error, /password protected/);
  assertLocked(res.text, 'the API');
  assertLocked((await get(`${srv.url}/api/v1/posts/502/comments?page=2`)).text, 'the API, page 2');
  const o = await get(`${srv.url}/api/v1/posts/501/comments`);
  assert.equal(o.status, 200);
  assert.equal(JSON.parse(o.text).comments[0].author, 'Olive Open');
});

test('neither the post\'s comment feed nor the site\'s shows them', async () => {
  const post = await get(`${srv.url}${locked}feed/`);
  assert.equal(post.status, 200);
  assert.doesNotMatch(post.text, /<item>/, 'the protected post\'s feed has no items');
  assertLocked(post.text, 'the post\'s comment feed');
  const all = await get(`${srv.url}/comments/feed/`);
  assert.equal(all.status, 200);
  assert.ok(all.text.includes(OPEN_TEXT), 'the site\'s comment feed has the open comment');
  assertLocked(all.text, 'the site\'s comment feed');
  assert.ok((await get(`${srv.url}${open}feed/`)).text.includes(OPEN_TEXT));
});

test('the recent comments block leaves them out', async () => {
  const home = await get(`${srv.url}/`);
  assert.match(home.text, /<h2>Recent comments<\/h2>/);
  assert.ok(home.text.includes('Olive Open'), 'the block lists the open comment');
  assertLocked(home.text, 'the sidebar');
  assert.ok(!home.text.includes('A locked post'), 'the sidebar names the protected post');
});

test('a new comment without the password is refused with 403 and nothing is stored', async () => {
  const before = stored(502);
  const fields = { post_id: '502', author: 'Mallory', email: 'm@example.org', body: 'let me in' };
  for (const password of [undefined, '', 'nope', PASSWORD.toUpperCase()]) {
    const extra = password === undefined ? {} : { post_password: password };
    const api = await apiComment({ ...fields, post_id: 502, ...extra });
    assert.equal(api.status, 403, `API with ${JSON.stringify(password)}`);
    assert.match(api.json.error, /password protected/);
    const form = await formComment({ ...fields, ...extra });
    assert.equal(form.status, 403, `form with ${JSON.stringify(password)}`);
    assert.match(form.text, /password protected/);
    // a reply to a comment on it too
    const reply = await apiComment({ ...fields, post_id: 502, parent_id: 921, body: 'a reply', ...extra });
    assert.equal(reply.status, 403);
  }
  assert.equal(stored(502), before, 'nothing stored');
  assert.equal(Number(sql("SELECT count(*) FROM comments WHERE author_name = 'Mallory'")), 0);
});

test('with the password, the form and the API take a comment, as WordPress does after the password', async () => {
  const before = stored(502);
  const page = (await unlock(locked)).text;
  const stamp = /name="stamp" value="([^"]+)"/.exec(page)[1];
  const form = await formComment({
    post_id: '502', author: 'Reader One', email: 'one@example.org', body: 'Now that I may read it', stamp,
    post_password: PASSWORD,
  });
  assert.equal(form.status, 303, form.text);
  assert.ok(form.headers.get('location').startsWith(locked));
  const api = await apiComment({ post_id: 502, parent_id: 921, author: 'Reader Two', email: 'two@example.org',
    body: 'A reply with the password', post_password: PASSWORD });
  assert.equal(api.status, 201, JSON.stringify(api.json));
  assert.equal(stored(502), before + 2);
  // the open post needs no password, and ignores one
  const o = await apiComment({ post_id: 501, author: 'Reader Three', email: 'three@example.org',
    body: 'On the open post', post_password: 'whatever' });
  assert.equal(o.status, 201, JSON.stringify(o.json));
});

// A 429 that shows nothing of the post, with a wait to retry after.
function assertWaits(res, where) {
  assert.equal(res.status, 429, where);
  assert.ok(Number(res.headers.get('retry-after')) >= 1, `${where}: Retry-After ${res.headers.get('retry-after')}`);
  assert.ok(!res.text.includes('Guarded body'), `${where} shows the body`);
}

test(`after LIM_POST_PASSWORD_FREE (${LIMITS.LIM_POST_PASSWORD_FREE}) wrong guesses from one address, even the right password waits (429, Retry-After); other addresses do not`, async () => {
  const ip = newIp();
  for (let i = 0; i < LIMITS.LIM_POST_PASSWORD_FREE; i++) {
    const r = await unlock(guarded[503], `guess ${i}`, srv.url, ip);
    assert.equal(r.status, 200, `guess ${i}`);
    assert.match(r.text, /That password is not right/);
  }
  const right = await unlock(guarded[503], GUARDED, srv.url, ip);
  assertWaits(right, 'the right password, after the free guesses');
  assert.match(right.text, /Too many wrong passwords/);
  assert.doesNotMatch(right.text, /That password is not right/);
  // The comment API guesses through the same count.
  const api = await apiComment({ post_id: 503, author: 'Guesser', body: 'hello', post_password: GUARDED }, ip);
  assert.equal(api.status, 429, JSON.stringify(api.json));
  // Another address gets in with it.
  const other = await unlock(guarded[503], GUARDED, srv.url, newIp());
  assert.equal(other.status, 200);
  assert.ok(other.text.includes('Guarded body 503.'));
});

test(`after LIM_POST_PASSWORD_FREE_POST (${LIMITS.LIM_POST_PASSWORD_FREE_POST}) wrong guesses at one post from many addresses, every address waits for it`, async () => {
  for (let i = 0; i < LIMITS.LIM_POST_PASSWORD_FREE_POST; i++) {
    const r = await unlock(guarded[504], `spread ${i}`, srv.url, newIp());
    assert.equal(r.status, 200, `guess ${i}`);
  }
  assertWaits(await unlock(guarded[504], GUARDED, srv.url, newIp()), 'a fresh address, after the post\'s free guesses');
  // Another post is not affected.
  assert.equal((await unlock(guarded[503], GUARDED, srv.url, newIp())).status, 200);
});

// Set a comment rule and wait (bounded) until the server reads it: the
// same commit moves the tagline to a fresh mark, and the front page shows
// it once the server has seen the commit.
let settingMark = 0;
async function setting(key, value) {
  const mark = `settings-${++settingMark}`;
  const q = (k, v) => `INSERT INTO settings(key, value) VALUES ('${k}', '${v}')
       ON CONFLICT(key) DO UPDATE SET value = excluded.value;`;
  sql(`BEGIN; ${q(key, value)} ${q('tagline', mark)} COMMIT;`);
  const until = Date.now() + 5000;
  while (!(await get(`${srv.url}/`)).text.includes(`content="${mark}"`)) {
    assert.ok(Date.now() < until, `the server did not see ${key} = ${value} within 5 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('a comment counts against the rate limit before its password is checked, in the form and the API', async () => {
  await setting('comments_rate_minute', '2');
  try {
    const fields = { post_id: '502', author: 'Rater', email: 'r@example.org', body: 'rate me' };
    const viaApi = newIp();
    for (let i = 0; i < 2; i++) {
      const r = await apiComment({ ...fields, post_id: 502, post_password: `nope ${i}` }, viaApi);
      assert.equal(r.status, 403, JSON.stringify(r.json));
    }
    const api = await apiComment({ ...fields, post_id: 502, post_password: PASSWORD }, viaApi);
    assert.equal(api.status, 429, `the third comment of the minute, right password: ${JSON.stringify(api.json)}`);
    const viaForm = newIp();
    for (let i = 0; i < 2; i++) {
      assert.equal((await formComment({ ...fields, post_password: `nope ${i}` }, viaForm)).status, 403);
    }
    const form = await formComment({ ...fields, post_password: PASSWORD }, viaForm);
    assert.equal(form.status, 429);
    assert.ok(Number(form.headers.get('retry-after')) >= 1);
    assert.equal(Number(sql("SELECT count(*) FROM comments WHERE author_name = 'Rater'")), 0);
  } finally {
    await setting('comments_rate_minute', '3'); // the default
  }
});
