// Moderation from the command line (`gazette comments list|approve|spam|
// not-spam|trash`) beside a running server: the queue of held comments,
// decisions that show on the post page and in its count, the
// all-or-nothing rule for several IDs, and a classifier taught by those
// decisions holding a similar comment.
//
// Comments are posted through the JSON API, each from its own
// X-Forwarded-For address (trusted from a loopback peer) so the per-address
// rate limit never decides a test. The CLI writes from another process; the
// server sees it within its watcher's 50 ms and the page cache's second, so
// page checks poll for a bounded time.
import { test, describe, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { LIMITS } from './lib/limits.mjs';
import {
  newSite, startServer, run, get, tempDir, cleanup, stopClean, reportOnFailure, pathOf,
} from './lib/gazette.mjs';

after(cleanup);

let nextIp = 1;

// `gazette post add`: {id, path}.
async function addPost(site, slug) {
  const dir = await tempDir('gazette-e2e-md-');
  const file = path.join(dir, `${slug}.md`);
  writeFileSync(file, `---\ntitle: Post ${slug}\nslug: ${slug}\nstatus: published\ndate: 2022-04-27 09:00\n---\nThe body of ${slug}.\n`);
  const r = await run(['post', 'add', file, '--site', site.dir]);
  assert.equal(r.code, 0, r.stderr);
  const [id, url] = r.stdout.trim().split('\t');
  return { id: Number(id), path: pathOf(url) };
}

// POST /api/v1/comments: {status, json}.
async function postComment(srv, postId, { author = 'Reader', email, body }) {
  const ip = `198.51.100.${nextIp++}`;
  const r = await get(`${srv.url}/api/v1/comments`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: srv.url, 'X-Forwarded-For': ip },
    body: JSON.stringify({ post_id: postId, author, email, body }),
  });
  let json;
  try {
    json = JSON.parse(r.text);
  } catch {
    assert.fail(`POST /api/v1/comments: not JSON (${r.status}): ${r.text}`);
  }
  return { status: r.status, json };
}

// A comment that must be taken: its id; held unless approved is expected.
async function submit(srv, postId, fields, expect = 'pending') {
  const r = await postComment(srv, postId, fields);
  assert.equal(r.status, 201, JSON.stringify(r.json));
  assert.equal(r.json.status, expect, `"${fields.body}": ${JSON.stringify(r.json)}`);
  assert.ok(Number.isInteger(r.json.id) && r.json.id > 0);
  return r.json.id;
}

function comments(site, ...args) {
  return run(['comments', ...args, '--site', site.dir]);
}

// `comments list ...` as rows {id, status, postId, author, excerpt}.
async function list(site, ...args) {
  const r = await comments(site, 'list', ...args);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  if (r.stdout === '') return [];
  assert.ok(r.stdout.endsWith('\n'));
  return r.stdout.slice(0, -1).split('\n').map((line) => {
    const f = line.split('\t');
    assert.equal(f.length, 5, `a line of 5 fields: ${JSON.stringify(line)}`);
    return { id: Number(f[0]), status: f[1], postId: Number(f[2]), author: f[3], excerpt: f[4] };
  });
}

async function decide(site, decision, ...ids) {
  const r = await comments(site, decision, ...ids.map(String));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
}

// Poll check() (which throws until it holds) for at most 3 s.
async function eventually(check) {
  const until = Date.now() + 3000;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((res) => setTimeout(res, 50));
    }
  }
}

// The post page and the comments API agree on what is shown.
async function shows(srv, post, { ids, hidden = [] }) {
  await eventually(async () => {
    const page = await get(srv.url + post.path);
    assert.equal(page.status, 200);
    for (const id of ids) assert.match(page.text, new RegExp(`id="comment-${id}"`));
    for (const id of hidden) assert.doesNotMatch(page.text, new RegExp(`id="comment-${id}"`));
    assert.match(page.text, new RegExp(`>\\s*${ids.length} Comments?\\s*<`));
    const api = await get(`${srv.url}/api/v1/posts/${post.id}/comments`);
    assert.equal(api.status, 200);
    const json = JSON.parse(api.text);
    assert.equal(json.count, ids.length);
    assert.deepEqual(json.comments.map((c) => c.id).sort((a, b) => a - b), [...ids].sort((a, b) => a - b));
  });
}

describe('gazette comments', () => {
  let site;
  let srv;
  let post;
  const held = [];

  before(async () => {
    site = await newSite();
    post = await addPost(site, 'moderated');
    srv = await startServer(site.dir);
  });
  after(() => stopClean(srv));
  afterEach((t) => reportOnFailure(t, srv));

  test('list shows the held first comments, newest first', async () => {
    assert.deepEqual(await list(site), []);
    held.push(await submit(srv, post.id, { author: 'Ann', email: 'ann@example.org', body: 'First!' }));
    // Characters, not bytes, and the newline made a space.
    const long = 'Café — a long comment\nover two lines, which the list cuts at sixty characters, whatever follows.';
    held.push(await submit(srv, post.id, { author: 'Bob', email: 'bob@example.org', body: long }));
    held.push(await submit(srv, post.id, { author: 'Cy', email: 'cy@example.org', body: 'Thanks for this.' }));

    const rows = await list(site);
    assert.deepEqual(rows.map((r) => r.id), [...held].reverse());
    for (const r of rows) {
      assert.equal(r.status, 'pending');
      assert.equal(r.postId, post.id);
    }
    const bob = rows.find((r) => r.id === held[1]);
    assert.equal(bob.author, 'Bob');
    assert.equal(bob.excerpt, [...long.replace('\n', ' ')].slice(0, 60).join(''));
    assert.equal([...bob.excerpt].length, 60);
    assert.equal(rows.find((r) => r.id === held[0]).excerpt, 'First!');

    assert.deepEqual((await list(site, '--limit', '1')).map((r) => r.id), [held[2]]);
    assert.deepEqual(await list(site, '--status', 'approved'), []);
    // Held comments are not on the page.
    await shows(srv, post, { ids: [], hidden: held });
  });

  test('approve publishes a comment and counts it', async () => {
    await decide(site, 'approve', held[0]);
    assert.deepEqual((await list(site)).map((r) => r.id), [held[2], held[1]]);
    const approved = await list(site, '--status', 'approved');
    assert.deepEqual(approved.map((r) => [r.id, r.status]), [[held[0], 'approved']]);
    await shows(srv, post, { ids: [held[0]], hidden: [held[1], held[2]] });
    // Approving again changes nothing.
    await decide(site, 'approve', held[0]);
    await shows(srv, post, { ids: [held[0]] });
  });

  test('spam hides it again and lowers the count', async () => {
    await decide(site, 'spam', held[0]);
    await shows(srv, post, { ids: [], hidden: [held[0]] });
    const spam = await list(site, '--status', 'spam');
    assert.deepEqual(spam.map((r) => [r.id, r.status]), [[held[0], 'spam']]);
  });

  test('an unknown ID is named and nothing of the command is done', async () => {
    const unknown = 999999;
    const r = await comments(site, 'approve', String(held[1]), String(unknown), String(held[2]));
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`\\b${unknown}\\b`));
    assert.equal(r.stdout, '');
    assert.deepEqual((await list(site)).map((row) => row.id), [held[2], held[1]]);
    await shows(srv, post, { ids: [], hidden: held });

    await decide(site, 'approve', held[1], held[2], held[1]);
    assert.deepEqual(await list(site), []);
    await shows(srv, post, { ids: [held[1], held[2]] });
  });

  test('not-spam approves; trash removes', async () => {
    await decide(site, 'not-spam', held[0]);
    await shows(srv, post, { ids: [held[0], held[1], held[2]] });
    await decide(site, 'trash', held[1]);
    await shows(srv, post, { ids: [held[0], held[2]], hidden: [held[1]] });
    assert.deepEqual((await list(site, '--status', 'trash')).map((r) => r.id), [held[1]]);
  });

  test('bad usage exits 2 and changes nothing', async () => {
    const bad = [
      [],
      ['frob'],
      ['list', '--status', 'bogus'],
      ['list', '--limit', '0'],
      ['list', '--limit', String(LIMITS.LIM_COMMENT_LIST + 1)],
      ['list', '--limit', 'ten'],
      ['list', '--unknown'],
      ['approve'],
      ['approve', 'abc'],
      ['spam', '-3'],
      ['trash', '1x'],
    ];
    for (const args of bad) {
      const r = await comments(site, ...args);
      assert.equal(r.code, 2, `comments ${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^gazette: /);
      assert.equal(r.stdout, '');
    }
    const r = await comments(site, 'list', '--status', 'approved', '--limit', String(LIMITS.LIM_COMMENT_LIST));
    assert.equal(r.code, 0, r.stderr);
    await shows(srv, post, { ids: [held[0], held[2]] });
  });
});

describe('the classifier learns from CLI decisions', () => {
  let site;
  let srv;
  let post;

  before(async () => {
    site = await newSite();
    post = await addPost(site, 'transcript');
    srv = await startServer(site.dir);
  });
  after(() => stopClean(srv));
  afterEach((t) => reportOnFailure(t, srv));

  const spam = [
    'Cheap pills casino bonus! Click http://spam.example/buy now for free money',
    'CASINO bonus and cheap pills, click here: http://spam.example/win free spins',
    'Free money! Cheap pills, best casino bonus, click http://deals.spam.example/',
    'click now: cheap viagra pills and casino bonus at http://spam.example/pills',
    'Win free money at our casino, bonus for everyone, click http://spam.example/x cheap',
  ];
  const ham = [
    'Thanks for posting the transcript of the interview, it was easier to follow than the audio.',
    'The transcript has a typo in the second paragraph: the speaker said Tuesday, not Thursday.',
    'I read the whole transcript last night. Great interview, the part about local schools was fascinating.',
    'Could you also publish the transcript for last week\'s episode? The audio quality was poor.',
    'Really enjoyed reading this transcript; the interview questions were thoughtful.',
  ];

  test('after moderators mark spam and not-spam, a similar comment is held', async () => {
    // A regular: one approved comment, so the "first comment" rule no
    // longer holds what they send.
    const first = await submit(srv, post.id, { author: 'Regular', email: 'regular@example.org', body: 'Hello.' });
    await decide(site, 'approve', first);
    await submit(srv, post.id, { author: 'Regular', email: 'regular@example.org', body: 'Still here.' }, 'approved');

    const spamIds = [];
    const hamIds = [];
    for (let i = 0; i < spam.length; i++) {
      spamIds.push(await submit(srv, post.id, { author: `Bot ${i}`, email: `bot${i}@spam.example`, body: spam[i] }));
      hamIds.push(await submit(srv, post.id, { author: `Reader ${i}`, email: `reader${i}@example.org`, body: ham[i] }));
    }
    await decide(site, 'spam', ...spamIds);
    await decide(site, 'not-spam', ...hamIds);

    // From the regular, who would otherwise be approved at once: the
    // spammy one is held, the ordinary one is not.
    await submit(srv, post.id, {
      author: 'Regular',
      email: 'regular@example.org',
      body: 'Cheap casino bonus pills! Click http://spam.example/offer for free money today',
    }, 'pending');
    await submit(srv, post.id, {
      author: 'Regular',
      email: 'regular@example.org',
      body: 'Is there a transcript of the interview with the mayor? I missed the audio.',
    }, 'approved');
    const pending = await list(site);
    assert.equal(pending.length, 1);
    assert.match(pending[0].excerpt, /^Cheap casino bonus pills!/);
  });
});
