// Threaded comments and the rules they pass through: the form without
// JavaScript (303 to the comment), the Origin rule, the JSON API, threading
// to the configured depth, "load more" pages, exact counts, each moderation
// and spam rule, the edit window, and limits crossed by one
// (LIM_COMMENT_DEPTH, LIM_RULE_BYTES, LIM_RESPONSE_BYTES, the field
// lengths).
import { test, describe, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  newSite, startServer, cleanup, get, stopClean, reportOnFailure, run, eventually, siteSql, ON_PG,
} from './lib/gazette.mjs';
import { LIMITS } from './lib/limits.mjs';

let site;
let srv;
let posts; // published post ids, newest first
let ipCounter = 0;

// On the site's own engine (SQLite, or PostgreSQL under make e2e-pg).
const sql = (query) => siteSql(site.dir, query);

// A setting written from another process, as `gazette settings set`
// does: the server reads settings from a snapshot it makes again once its
// watcher has seen a commit (within 50 ms). So the same commit sets the
// tagline to a fresh mark, and this waits (bounded) until a page shows
// the mark: from then on the server reads the new rules.
let settingMark = 0;
async function setting(key, value) {
  const mark = `settings-${++settingMark}`;
  const q = (k, v) => `INSERT INTO settings(key, value) VALUES ('${k}', '${String(v).replace(/'/g, "''")}')
       ON CONFLICT(key) DO UPDATE SET value = excluded.value;`;
  sql(`BEGIN; ${q(key, value)} ${q('tagline', mark)} COMMIT;`);
  if (!srv) return;
  const until = Date.now() + 5000;
  for (;;) {
    const home = await get(`${srv.url}/`);
    if (home.text.includes(`content="${mark}"`)) return;
    assert.ok(Date.now() < until, `the server did not see ${key} = ${value} within 5 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// Each test posts from its own address (the server trusts X-Forwarded-For
// from 127.0.0.1, its default trusted proxy, as from nginx in front), so
// rate limits stay apart.
function newIp() {
  ipCounter += 1;
  return `10.9.${Math.floor(ipCounter / 250)}.${ipCounter % 250 + 1}`;
}

async function apiComment(body, { ip = newIp(), origin = srv.url, headers = {} } = {}) {
  const res = await fetch(`${srv.url}/api/v1/comments`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: origin, 'X-Forwarded-For': ip, ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10000),
  });
  return { status: res.status, headers: res.headers, json: await res.json().catch(() => null) };
}

async function formComment(fields, { ip = newIp(), origin = srv.url } = {}) {
  const headers = { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-For': ip };
  if (origin) headers.Origin = origin;
  const res = await fetch(`${srv.url}/comments`, {
    method: 'POST', headers, body: new URLSearchParams(fields).toString(), redirect: 'manual',
    signal: AbortSignal.timeout(10000),
  });
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}

async function postPage(id) {
  const loc = (await get(`${srv.url}/?p=${id}`)).headers.get('location');
  return new URL(loc).pathname;
}

const approvedCount = (id) => Number(sql(`SELECT comment_count FROM posts WHERE id = ${id}`));
const statusOf = (id) => sql(`SELECT status FROM comments WHERE id = ${id}`);

before(async () => {
  site = await newSite({ demo: true, demoArgs: ['--posts', '12', '--comments', '0'] });
  posts = sql("SELECT id FROM posts WHERE type='post' AND status='published' ORDER BY published_at DESC").split('\n').map(Number);
  // The rules under test are switched on per test; these keep the others quiet.
  await setting('comments_hold', 'none');
  await setting('comments_min_seconds', '0');
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

describe('posting', () => {
  test('the form works without JavaScript: 303 to the comment, which is on the page, rendered safely', async () => {
    const id = posts[0];
    const before = approvedCount(id);
    const page = await postPage(id);
    const html = (await get(srv.url + page)).text;
    const stamp = /name="stamp" value="([^"]+)"/.exec(html)[1];
    const r = await formComment({ post_id: id, author: 'Form Reader', email: 'form@example.com',
      body: 'A **bold** point with [a link](https://example.org/x) and <script>alert(1)</script>', stamp });
    assert.equal(r.status, 303);
    const m = /^(\/[^#?]+)#comment-(\d+)$/.exec(r.location);
    assert.ok(m, r.location);
    assert.equal(m[1], page);
    const after = await get(srv.url + page);
    const li = after.text.slice(after.text.indexOf(`id="comment-${m[2]}"`));
    assert.match(li, /<strong>bold<\/strong>/);
    assert.match(li, /<a rel="nofollow ugc" href="https:\/\/example\.org\/x">a link<\/a>/);
    assert.doesNotMatch(li.slice(0, 2000), /<script>alert/);
    assert.equal(approvedCount(id), before + 1);
    assert.match(after.text, new RegExp(`<h2>${before + 1} Comments?</h2>`));
  });

  test('a form post without an Origin or Referer of the site is refused with 403 and a message', async () => {
    const none = await formComment({ post_id: posts[0], author: 'X', body: 'no origin' }, { origin: null });
    assert.equal(none.status, 403);
    assert.match(none.text, /Origin or Referer/);
    const evil = await formComment({ post_id: posts[0], author: 'X', body: 'cross site' }, { origin: 'https://evil.example' });
    assert.equal(evil.status, 403);
    const api = await apiComment({ post_id: posts[0], author: 'X', body: 'cross api' }, { origin: 'https://evil.example' });
    assert.equal(api.status, 403);
  });

  test('the JSON API needs application/json, answers 201 with a token, and lists approved comments', async () => {
    const wrong = await fetch(`${srv.url}/api/v1/comments`, { method: 'POST', headers: { 'Content-Type': 'text/plain', Origin: srv.url }, body: '{}' });
    assert.equal(wrong.status, 415);
    const r = await apiComment({ post_id: posts[1], author: 'Api Reader', body: 'Through the API.' });
    assert.equal(r.status, 201);
    assert.equal(r.json.status, 'approved');
    assert.match(r.json.token, /^[0-9a-f]{32}$/);
    const list = await (await fetch(`${srv.url}/api/v1/posts/${posts[1]}/comments`)).json();
    assert.ok(list.comments.some((c) => c.id === r.json.id && c.html.includes('Through the API.')));
    assert.equal(list.count, approvedCount(posts[1]));
    assert.equal((await fetch(`${srv.url}/api/v1/posts/999999/comments`)).status, 404);
  });

  test('bad fields get a clear 400; a closed post 403; an unknown post 404', async () => {
    for (const [body, re] of [
      [{ post_id: posts[2], author: '', body: 'x' }, /author: required/],
      [{ post_id: posts[2], author: 'A', body: '' }, /body: required/],
      [{ post_id: posts[2], author: 'A', email: 'not-an-email', body: 'x' }, /email/],
      [{ post_id: posts[2], author: 'A', url: 'javascript:alert(1)', body: 'x' }, /url/],
      [{ post_id: posts[2], author: 'a'.repeat(LIMITS.LIM_AUTHOR_BYTES + 1), body: 'x' }, /author: longer/],
      [{ post_id: posts[2], author: 'A', body: 'b'.repeat(LIMITS.LIM_COMMENT_BYTES + 1) }, /body: longer/],
      [{ post_id: posts[2], author: 'A', email: `${'e'.repeat(LIMITS.LIM_EMAIL_BYTES)}@x.org`, body: 'x' }, /email: longer/],
      [{ post_id: posts[2], author: 'A', url: `https://x.org/${'u'.repeat(LIMITS.LIM_AUTHOR_URL_BYTES)}`, body: 'x' }, /url: longer/],
    ]) {
      const r = await apiComment(body);
      assert.equal(r.status, 400, JSON.stringify(r.json));
      assert.match(r.json.error, re);
    }
    const ok = await apiComment({ post_id: posts[2], author: 'a'.repeat(LIMITS.LIM_AUTHOR_BYTES), body: 'b'.repeat(LIMITS.LIM_COMMENT_BYTES) });
    assert.equal(ok.status, 201, 'exactly at the limits is accepted');
    assert.equal((await apiComment({ post_id: 999999, author: 'A', body: 'x' })).status, 404);
    sql(`UPDATE posts SET comments_open = 0 WHERE id = ${posts[3]}`);
    // a comment reads the database itself; the page follows within 50 ms
    const closed = await apiComment({ post_id: posts[3], author: 'A', body: 'closed?' });
    assert.equal(closed.status, 403);
    assert.match(closed.json.error, /closed/);
    const page = await postPage(posts[3]);
    let html;
    await eventually(async () => /Comments are closed/.test(html = (await get(srv.url + page)).text));
    assert.match(html, /Comments are closed/);
  });

  test('a form with more than LIM_FORM_FIELDS fields is refused', async () => {
    const fields = { post_id: posts[0], author: 'F', body: 'many fields' };
    for (let i = 0; i < LIMITS.LIM_FORM_FIELDS; i++) fields[`x${i}`] = '1';
    const r = await formComment(fields);
    assert.equal(r.status, 400);
    assert.match(r.text, /more than \d+ fields/);
  });
});

describe('threads', () => {
  test('replies nest to comments_max_depth; deeper ones attach to the deepest allowed parent', async () => {
    await setting('comments_max_depth', '3');
    const pid = posts[4];
    let parent = 0;
    const ids = [];
    for (let i = 0; i < 5; i++) {
      const r = await apiComment({ post_id: pid, parent_id: parent, author: `Level ${i}`, body: `depth ${i}` });
      assert.equal(r.status, 201, JSON.stringify(r.json));
      ids.push(r.json.id);
      parent = r.json.id;
    }
    const depths = ids.map((id) => Number(sql(`SELECT depth FROM comments WHERE id = ${id}`)));
    assert.deepEqual(depths, [0, 1, 2, 2, 2]);
    const html = (await get(srv.url + await postPage(pid))).text;
    assert.match(html, new RegExp(`class="comment depth-2" id="comment-${ids[4]}"`));
    // Reading order: each comment followed by its replies.
    const order = [...html.matchAll(/id="comment-(\d+)"/g)].map((m) => Number(m[1]));
    assert.deepEqual(order, ids);
    await setting('comments_max_depth', '10');
  });

  test('comments_max_depth past LIM_COMMENT_DEPTH nests to LIM_COMMENT_DEPTH, and the page shows it all', async () => {
    // The admin and the CLI's validation keep the setting in range; a
    // value written to the database directly is clamped where it is read.
    await setting('comments_max_depth', String(LIMITS.LIM_COMMENT_DEPTH + 10));
    const pid = posts[4];
    const n = LIMITS.LIM_COMMENT_DEPTH + 3;
    let parent = 0;
    const ids = [];
    for (let i = 0; i < n; i++) {
      const r = await apiComment({ post_id: pid, parent_id: parent, author: `Deep ${i}`, body: `deep ${i}` });
      assert.equal(r.status, 201, JSON.stringify(r.json));
      ids.push(r.json.id);
      parent = r.json.id;
    }
    const deepest = LIMITS.LIM_COMMENT_DEPTH - 1;
    assert.deepEqual(ids.map((id) => Number(sql(`SELECT depth FROM comments WHERE id = ${id}`))),
      ids.map((_, i) => Math.min(i, deepest)));
    const html = (await get(srv.url + await postPage(pid))).text;
    const shown = [...html.matchAll(/class="comment depth-(\d+)" id="comment-(\d+)"/g)]
      .map((m) => [Number(m[2]), Number(m[1])]).filter(([id]) => ids.includes(id));
    assert.deepEqual(shown, ids.map((id, i) => [id, Math.min(i, deepest)]), 'every reply, in reading order, at its depth');
    await setting('comments_max_depth', '10');
  });

  test('a reply to a comment of another post, or to a removed one, is refused', async () => {
    const a = await apiComment({ post_id: posts[5], author: 'A', body: 'on five' });
    const other = await apiComment({ post_id: posts[6], parent_id: a.json.id, author: 'B', body: 'wrong post' });
    assert.equal(other.status, 400);
    assert.match(other.json.error, /another post/);
    sql(`UPDATE comments SET status = 'trash' WHERE id = ${a.json.id}`);
    const gone = await apiComment({ post_id: posts[5], parent_id: a.json.id, author: 'B', body: 'to trash' });
    assert.equal(gone.status, 400);
  });

  test('a post with more than LIM_COMMENT_THREADS threads pages them with a "load more" link', async () => {
    const pid = posts[7];
    const n = LIMITS.LIM_COMMENT_THREADS + 5;
    // Direct inserts: this test is about display, not posting speed.
    const values = Array.from({ length: n }, (_, i) => `(${pid}, 'Bulk ${i}', 'bulk ${i}', '<p>bulk ${i}</p>', 'approved', ${1700000000 + i}, ${1700000000 + i})`).join(',');
    sql(`INSERT INTO comments(post_id, author_name, body_src, body_html, status, created_at, activity_at) VALUES ${values};
         UPDATE comments SET thread_id = id WHERE post_id = ${pid} AND thread_id IS NULL;
         UPDATE posts SET comment_count = ${n} WHERE id = ${pid};`);
    const page = await postPage(pid);
    let first;
    await eventually(async () => (first = (await get(srv.url + page)).text).includes(`${n} Comments`));
    assert.equal([...first.matchAll(/class="comment depth-0"/g)].length, LIMITS.LIM_COMMENT_THREADS);
    const more = /<a href="([^"]+)" data-load-more>/.exec(first);
    assert.ok(more, 'a load more link');
    const second = await get(srv.url + more[1].replace(/#.*/, ''));
    assert.equal(second.status, 200);
    assert.equal([...second.text.matchAll(/class="comment depth-0"/g)].length, 5);
    assert.match(second.text, new RegExp(`<h2>${n} Comments</h2>`), 'the count is exact on every page');
    assert.equal((await get(`${srv.url}${page}comment-page-3/`)).status, 404);
  });
});

describe('a page past LIM_RESPONSE_BYTES', () => {
  // Comments as an import may bring them (no length check on the way in),
  // written directly: LIM_COMMENT_THREADS threads of big bodies.
  const recount = (pid) => `UPDATE posts SET comment_count = (SELECT count(*) FROM comments
    WHERE post_id = ${pid} AND status = 'approved') WHERE id = ${pid};`;
  // A body of bytes x's made by the engine itself (the SQL would be too
  // long for one argument otherwise): SQLite's printf, PostgreSQL's repeat.
  const bigBody = (bytes) => (ON_PG ? `'<p>' || repeat('x', ${bytes}) || '</p>'`
    : `printf('<p>%.*c</p>', ${bytes}, 'x')`);
  const bigComments = (pid, n, bytes) => {
    const values = Array.from({ length: n }, (_, i) =>
      `(${pid}, 'Big ${i}', 'big', ${bigBody(bytes)}, 'approved', ${1700000000 + i}, ${1700000000 + i})`).join(',');
    sql(`INSERT INTO comments(post_id, author_name, body_src, body_html, status, created_at, activity_at) VALUES ${values};
         UPDATE comments SET thread_id = id WHERE post_id = ${pid} AND thread_id IS NULL;
         ${recount(pid)}`);
  };

  test('is answered 500, and the server goes on; a page under it is served whole', async () => {
    const n = LIMITS.LIM_COMMENT_THREADS;
    const under = Math.floor(LIMITS.LIM_RESPONSE_BYTES / n) - 8192; // room for the page around them
    const over = Math.ceil(LIMITS.LIM_RESPONSE_BYTES / n);
    bigComments(posts[1], n, under);
    bigComments(posts[3], n, over);
    // the watcher sees the direct writes within 50 ms
    let ok;
    const page = await postPage(posts[1]);
    await eventually(async () => (ok = await get(srv.url + page)).text.includes(`Big ${n - 1}`));
    assert.equal(ok.status, 200);
    assert.ok(Buffer.byteLength(ok.text) > LIMITS.LIM_RESPONSE_BYTES - n * 8192, `${Buffer.byteLength(ok.text)} bytes`);
    // a commit after the one just seen: the page may still be cached
    let big;
    const bigPage = await postPage(posts[3]);
    await eventually(async () => (big = await get(srv.url + bigPage)).status !== 200);
    assert.equal(big.status, 500);
    assert.equal(big.text, 'internal error\n');
    assert.equal((await get(srv.url + '/')).status, 200, 'the server goes on');
    sql(`DELETE FROM comments WHERE post_id IN (${posts[1]}, ${posts[3]}) AND author_name LIKE 'Big %';
         ${recount(posts[1])} ${recount(posts[3])}`);
  });
});

describe('moderation rules', () => {
  test('hold only a first comment: the same email is approved once one is approved', async () => {
    await setting('comments_hold', 'first');
    const email = 'newcomer@example.com';
    const first = await apiComment({ post_id: posts[8], author: 'New', email, body: 'my first comment' });
    assert.equal(first.json.status, 'pending');
    const page = (await get(srv.url + await postPage(posts[8]))).text;
    assert.doesNotMatch(page, /my first comment/, 'a pending comment is not on the page');
    const second = await apiComment({ post_id: posts[8], author: 'New', email, body: 'second, still held' });
    assert.equal(second.json.status, 'pending');
    sql(`UPDATE comments SET status = 'approved' WHERE id = ${first.json.id}`);
    const third = await apiComment({ post_id: posts[8], author: 'New', email: email.toUpperCase(), body: 'now trusted' });
    assert.equal(third.json.status, 'approved');
    await setting('comments_hold', 'none');
  });

  test('hold every comment', async () => {
    await setting('comments_hold', 'all');
    const r = await apiComment({ post_id: posts[8], author: 'Any', email: 'newcomer@example.com', body: 'held anyway' });
    assert.equal(r.json.status, 'pending');
    await setting('comments_hold', 'none');
  });

  test('more than comments_max_links links holds a comment', async () => {
    await setting('comments_max_links', '2');
    const two = await apiComment({ post_id: posts[9], author: 'L', body: 'see https://a.example and https://b.example' });
    assert.equal(two.json.status, 'approved');
    const three = await apiComment({ post_id: posts[9], author: 'L', body: 'see https://a.example, https://b.example and www.c.example' });
    assert.equal(three.json.status, 'pending');
  });

  test('a held word holds; a blocked word, email or address refuses outright', async () => {
    await setting('comments_held_words', 'casino, lottery');
    await setting('comments_blocked_words', 'forbiddenword');
    await setting('comments_blocked_emails', 'troll@example.com');
    await setting('comments_blocked_ips', '10.66.66.66');
    assert.equal((await apiComment({ post_id: posts[9], author: 'H', body: 'Try the CASINO tonight' })).json.status, 'pending');
    const bw = await apiComment({ post_id: posts[9], author: 'H', body: 'a forbiddenword here' });
    assert.equal(bw.status, 403);
    assert.equal((await apiComment({ post_id: posts[9], author: 'T', email: 'Troll@Example.com', body: 'hi' })).status, 403);
    assert.equal((await apiComment({ post_id: posts[9], author: 'T', body: 'from a blocked address' }, { ip: '10.66.66.66' })).status, 403);
    for (const k of ['comments_held_words', 'comments_blocked_words', 'comments_blocked_emails', 'comments_blocked_ips']) await setting(k, '');
  });

  test('a word list of LIM_RULE_BYTES is used to its last word; one byte more is refused', async () => {
    // "w00001, w00002, ..." cut to exactly LIM_RULE_BYTES, ending in a word
    let list = '';
    for (let i = 1; list.length < LIMITS.LIM_RULE_BYTES; i++) list += `w${String(i).padStart(5, '0')}, `;
    list = `${list.slice(0, LIMITS.LIM_RULE_BYTES - ',lastblocked'.length)},lastblocked`;
    assert.equal(Buffer.byteLength(list), LIMITS.LIM_RULE_BYTES);
    const set = (v) => run(['settings', 'set', 'comments_blocked_words', v, '--site', site.dir]);
    const over = await set(`${list}x`);
    assert.equal(over.code, 2, over.stderr);
    assert.match(over.stderr, new RegExp(`longer than ${LIMITS.LIM_RULE_BYTES} bytes`));
    const ok = await set(list);
    assert.equal(ok.code, 0, ok.stderr);
    // the CLI wrote from another process: wait until the server has seen
    // a later commit (setting() waits for its own)
    await setting('comments_held_words', '');
    assert.equal((await apiComment({ post_id: posts[9], author: 'L', body: 'the lastblocked word' })).status, 403);
    assert.equal((await apiComment({ post_id: posts[9], author: 'L', body: 'w00001 first' })).status, 403);
    // written past the limit behind the CLI's back: ignored, not half read
    await setting('comments_blocked_words', `${list}x`);
    assert.equal((await apiComment({ post_id: posts[9], author: 'L', body: 'the lastblocked word again' })).status, 201);
    await setting('comments_blocked_words', '');
  });

  test('a filled honeypot or a form sent too fast is stored as spam, shown to the bot as held', async () => {
    await setting('comments_min_seconds', '5');
    const id = posts[10];
    const html = (await get(srv.url + await postPage(id))).text;
    const stamp = /name="stamp" value="([^"]+)"/.exec(html)[1];
    const fast = await formComment({ post_id: id, author: 'Bot', body: 'too quick', stamp });
    assert.equal(fast.status, 303);
    assert.match(fast.location, /moderation=1/);
    const fastId = sql("SELECT id FROM comments WHERE body_src = 'too quick'");
    assert.equal(statusOf(fastId), 'spam');
    const forged = await formComment({ post_id: id, author: 'Bot', body: 'forged stamp', stamp: '1700000000.00' });
    assert.equal(forged.status, 303);
    assert.equal(statusOf(sql("SELECT id FROM comments WHERE body_src = 'forged stamp'")), 'spam');
    const honey = await apiComment({ post_id: id, author: 'Bot', body: 'honey', website: 'http://spam.example' });
    assert.equal(honey.status, 201);
    assert.equal(honey.json.status, 'pending', 'the bot is told it is held');
    assert.equal(statusOf(honey.json.id), 'spam');
    await setting('comments_min_seconds', '0');
  });

  test('the same comment again is refused as a duplicate (409)', async () => {
    const body = { post_id: posts[11], author: 'D', email: 'dup@example.com', body: 'Exactly   the same words!' };
    assert.equal((await apiComment(body)).status, 201);
    const again = await apiComment({ ...body, body: 'exactly the same WORDS' });
    assert.equal(again.status, 409);
    assert.match(again.json.error, /duplicate/);
  });

  test('more than comments_rate_minute comments a minute from one address: 429 with Retry-After', async () => {
    await setting('comments_rate_minute', '3');
    const ip = newIp();
    for (let i = 0; i < 3; i++) {
      assert.equal((await apiComment({ post_id: posts[6], author: 'R', body: `rate ${i} ${ip}` }, { ip })).status, 201);
    }
    const fourth = await apiComment({ post_id: posts[6], author: 'R', body: `rate 3 ${ip}` }, { ip });
    assert.equal(fourth.status, 429);
    assert.ok(Number(fourth.headers.get('retry-after')) > 0);
    assert.equal((await apiComment({ post_id: posts[6], author: 'R', body: `other ${ip}` })).status, 201, 'another address is not limited');
  });
});

describe('the commenter\'s own comment', () => {
  test('with its token: seen while pending, edited and deleted within the window', async () => {
    await setting('comments_hold', 'all');
    const r = await apiComment({ post_id: posts[5], author: 'Own', body: 'first draft' });
    const id = r.json.id;
    const token = r.json.token;
    const own = await fetch(`${srv.url}/api/v1/comments/${id}`, { headers: { 'X-Comment-Token': token } });
    assert.equal(own.status, 200);
    assert.equal((await own.json()).status, 'pending');
    assert.equal((await fetch(`${srv.url}/api/v1/comments/${id}`, { headers: { 'X-Comment-Token': '0'.repeat(32) } })).status, 404);
    assert.equal((await fetch(`${srv.url}/api/v1/comments/${id}`)).status, 404);
    const put = await fetch(`${srv.url}/api/v1/comments/${id}`, {
      method: 'PUT', headers: { 'X-Comment-Token': token, 'Content-Type': 'application/json' }, body: JSON.stringify({ body: 'second *draft*' }),
    });
    assert.equal(put.status, 200);
    assert.match((await put.json()).html, /second <em>draft<\/em>/);
    const del = await fetch(`${srv.url}/api/v1/comments/${id}`, { method: 'DELETE', headers: { 'X-Comment-Token': token } });
    assert.equal(del.status, 204);
    assert.equal(statusOf(id), 'trash');
    await setting('comments_hold', 'none');
  });

  test('the edit window closes when someone replies, and when its minutes are over', async () => {
    const r = await apiComment({ post_id: posts[4], author: 'Own', body: 'reply to me' });
    await apiComment({ post_id: posts[4], parent_id: r.json.id, author: 'Other', body: 'a reply' });
    const put = await fetch(`${srv.url}/api/v1/comments/${r.json.id}`, {
      method: 'PUT', headers: { 'X-Comment-Token': r.json.token, 'Content-Type': 'application/json' }, body: '{"body":"changed"}',
    });
    assert.equal(put.status, 403);
    assert.match((await put.json()).error, /replied/);
    await setting('comments_edit_minutes', '0');
    const late = await apiComment({ post_id: posts[4], author: 'Own', body: 'too late to edit' });
    await new Promise((res) => setTimeout(res, 1100));
    const put2 = await fetch(`${srv.url}/api/v1/comments/${late.json.id}`, {
      method: 'PUT', headers: { 'X-Comment-Token': late.json.token, 'Content-Type': 'application/json' }, body: '{"body":"changed"}',
    });
    assert.equal(put2.status, 403);
    assert.match((await put2.json()).error, /minutes/);
    await setting('comments_edit_minutes', '10');
  });
});

describe('comment feeds', () => {
  test('a post\'s comment feed and the site comments feed show approved comments only', async () => {
    await setting('comments_hold', 'all');
    const held = await apiComment({ post_id: posts[2], author: 'Feedheld', body: 'held from the feed' });
    await setting('comments_hold', 'none');
    const shown = await apiComment({ post_id: posts[2], author: 'Feedshown', body: 'shown in the feed' });
    assert.equal(held.json.status, 'pending');
    const page = await postPage(posts[2]);
    const feed = await get(`${srv.url}${page}feed/`);
    assert.equal(feed.status, 200);
    assert.match(feed.headers.get('content-type'), /application\/rss\+xml/);
    assert.match(feed.text, /shown in the feed/);
    assert.doesNotMatch(feed.text, /held from the feed/);
    assert.match(feed.text, new RegExp(`#comment-${shown.json.id}`));
    const site = await get(`${srv.url}/comments/feed/`);
    assert.match(site.text, /shown in the feed/);
    assert.doesNotMatch(site.text, /held from the feed/);
    assert.equal((await get(`${srv.url}/2022/01/01/no-such-post/feed/`)).status, 404);
  });
});
