// Reply notifications by email (src/notify/): a commenter who ticked
// "notify me of replies" gets one message when someone else's reply to
// their comment is approved, delivered off the request path by the
// server's sender thread to an SMTP sink this file runs, with a one-click
// unsubscribe link that works (GET and RFC 8058 POST); after it, and for a
// reply from the same address, nothing is sent; a delivery that fails
// (451, or nobody listening yet) is retried.
//
// SMTP is configured the way a site owner does it, in the settings table
// (with siteSql, sqlite3 or psql, before the server starts): smtp_url, smtp_from,
// and smtp_retry_seconds = 1 so a retry comes within a second rather than
// the default 30.  Comments go through the JSON API with comments_hold =
// none, so a first comment is approved at once.
import { test, describe, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
  newSite, startServer, run, get, tempDir, cleanup, stopClean, reportOnFailure, siteSql, ON_PG,
} from './lib/gazette.mjs';
import { absent, SQLITE3 } from './lib/needs.mjs';

const skip = !ON_PG && absent(SQLITE3);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

after(cleanup);

// ---- a small SMTP sink (RFC 5321's path through a session) -------------

// Listens on 127.0.0.1 (port 0, or the one given). Answers 220, EHLO/HELO
// 250, MAIL/RCPT 250, DATA 354 then collects to CRLF.CRLF and answers
// 250, RSET/NOOP 250, QUIT 221. The first `tempFail` MAIL commands get
// 451 (a temporary failure, RFC 5321 section 4.2.2). Every message is
// {from, to: [...], data} with dot-stuffing undone; `mails` counts MAIL
// commands, so attempts show.
function smtpSink({ port = 0, tempFail = 0 } = {}) {
  const sink = { messages: [], mails: 0, sockets: new Set() };
  const server = net.createServer((sock) => {
    sink.sockets.add(sock);
    sock.on('close', () => sink.sockets.delete(sock));
    sock.on('error', () => {});
    sock.setEncoding('latin1');
    let buf = '';
    let data = null;
    let env = { from: null, to: [] };
    sock.write('220 sink.test ESMTP\r\n');
    sock.on('data', (chunk) => {
      buf += chunk;
      for (;;) {
        if (data !== null) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end === -1) return;
          data += buf.slice(0, end + 2);
          buf = buf.slice(end + 5);
          sink.messages.push({ ...env, data: data.replace(/^\.\./gm, '.') });
          data = null;
          env = { from: null, to: [] };
          sock.write('250 2.0.0 queued\r\n');
          continue;
        }
        const eol = buf.indexOf('\r\n');
        if (eol === -1) return;
        const line = buf.slice(0, eol);
        buf = buf.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') sock.write('250 sink.test\r\n');
        else if (verb === 'MAIL') {
          sink.mails++;
          if (tempFail > 0) {
            tempFail--;
            sock.write('451 4.3.0 try again later\r\n');
          } else {
            env.from = /<([^>]*)>/.exec(line)?.[1] ?? null;
            sock.write('250 2.1.0 ok\r\n');
          }
        } else if (verb === 'RCPT') {
          env.to.push(/<([^>]*)>/.exec(line)?.[1]);
          sock.write('250 2.1.5 ok\r\n');
        } else if (verb === 'DATA') {
          data = '';
          sock.write('354 go ahead\r\n');
        } else if (verb === 'RSET' || verb === 'NOOP') {
          env = { from: null, to: [] };
          sock.write('250 2.0.0 ok\r\n');
        } else if (verb === 'QUIT') {
          sock.end('221 2.0.0 bye\r\n');
          return;
        } else sock.write('502 5.5.1 not implemented\r\n');
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      sink.port = server.address().port;
      sink.close = () => new Promise((res) => {
        for (const s of sink.sockets) s.destroy();
        server.close(() => res());
      });
      // Resolve with the first `n` messages, or fail after `ms`.
      sink.waitFor = async (n, ms = 10000) => {
        const until = Date.now() + ms;
        while (sink.messages.length < n && Date.now() < until) await sleep(50);
        assert.ok(sink.messages.length >= n,
          `the sink got ${sink.messages.length} message(s) in ${ms} ms, wanted ${n} (MAIL commands: ${sink.mails})`);
        return sink.messages.slice(0, n);
      };
      resolve(sink);
    });
  });
}

// A loopback port nobody listens on (for a moment at least).
async function freePort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

// ---- reading a message -------------------------------------------------

// {headers: Map(lower-case name -> unfolded value), body (decoded)}.
function parseMessage(data) {
  const split = data.indexOf('\r\n\r\n');
  assert.ok(split > 0, `no header/body separator in:\n${data}`);
  const head = data.slice(0, split).replace(/\r\n[ \t]/g, ' ');
  const headers = new Map();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    assert.ok(colon > 0, `bad header line "${line}"`);
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  let body = data.slice(split + 4);
  if (/quoted-printable/i.test(headers.get('content-transfer-encoding') ?? '')) body = qpDecode(body);
  return { headers, body, raw: data };
}

// RFC 2045 section 6.7: soft breaks removed, =XX to bytes, then UTF-8.
function qpDecode(s) {
  const bytes = s.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8').replace(/\r\n/g, '\n');
}

// RFC 2047 "B" words (adjacent ones joined, the space between them
// dropped, section 6.2), else the text as it is.
function decodeWords(v) {
  return v.replace(/=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=(?:\s+(?==\?UTF-8\?B\?))?/gi, '\u0000$1\u0000')
    .replace(/(?:\u0000[^\u0000]*\u0000)+/g, (run) => {
      const parts = run.split('\u0000').filter(Boolean);
      return Buffer.concat(parts.map((p) => Buffer.from(p, 'base64'))).toString('utf8');
    });
}

// ---- the site ----------------------------------------------------------

function sql(site, statement) {
  return siteSql(site.dir, statement);
}

function setSettings(site, settings) {
  const q = (s) => `'${String(s).replace(/'/g, "''")}'`;
  const rows = Object.entries(settings).map(([k, v]) => `(${q(k)}, ${q(v)})`).join(', ');
  sql(site, `INSERT INTO settings(key, value) VALUES ${rows} `
    + 'ON CONFLICT(key) DO UPDATE SET value = excluded.value;');
}

// A site with one published post, SMTP pointing at smtpPort.
async function mailSite(smtpPort) {
  const site = await newSite();
  const dir = await tempDir('gazette-e2e-md-');
  const file = path.join(dir, 'hello.md');
  writeFileSync(file, '---\ntitle: Hello, readers\nslug: hello\nstatus: published\ndate: 2022-04-27\n---\nThe body.\n');
  const r = await run(['post', 'add', file, '--site', site.dir]);
  assert.equal(r.code, 0, r.stderr);
  const postId = Number(r.stdout.trim().split('\t')[0]);
  setSettings(site, {
    title: 'The Test Gazette',
    smtp_url: `smtp://127.0.0.1:${smtpPort}`,
    smtp_from: 'Gazette <news@gazette.test>',
    smtp_retry_seconds: 1,
    comments_hold: 'none',
    comments_rate_minute: 1000,
    comments_rate_hour: 1000,
  });
  return { site, postId };
}

async function comment(srv, fields) {
  const r = await get(`${srv.url}/api/v1/comments`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: srv.url },
    body: JSON.stringify(fields),
  });
  assert.equal(r.status, 201, `POST /api/v1/comments ${JSON.stringify(fields)}: ${r.status} ${r.text}`);
  const json = JSON.parse(r.text);
  assert.equal(json.status, 'approved', `comment not approved: ${r.text}`);
  return json;
}

// ---- tests -------------------------------------------------------------

// Messages are queued in the outbox before a comment's answer goes out,
// and only what is queued is ever sent: "nothing will be sent" is "nothing
// was queued", which needs no waiting.
const outbox = (site, where = 'true') => Number(sql(site, `SELECT count(*) FROM outbox WHERE ${where};`).trim());

describe('reply notifications', { skip }, () => {
  let sink;
  let srv;
  let site;
  let postId;
  let ann;
  let msg;

  before(async () => {
    sink = await smtpSink();
    ({ site, postId } = await mailSite(sink.port));
    srv = await startServer(site.dir);
  });
  after(async () => {
    await stopClean(srv);
    await sink?.close();
  });
  afterEach((t) => reportOnFailure(t, srv));

  test('a reply to a comment that asked mails its author, once', async () => {
    ann = await comment(srv, {
      post_id: postId, author: 'Ann', email: 'ann@example.org', body: 'First thoughts on this.', notify: true,
    });
    // Ann's own comment is no reply: nothing goes out for it.
    assert.equal(outbox(site), 0, 'a top-level comment queued mail');

    const bob = await comment(srv, {
      post_id: postId, parent_id: ann.id, author: 'Bob Ünicode', email: 'bob@example.org',
      body: 'Welcome aboard, Ann — line one.\n\nA second paragraph.', notify: false,
    });
    [msg] = await sink.waitFor(1);
    assert.equal(msg.from, 'news@gazette.test');
    assert.deepEqual(msg.to, ['ann@example.org']);

    const m = parseMessage(msg.data);
    for (const h of ['date', 'from', 'to', 'subject', 'message-id', 'mime-version', 'content-type']) {
      assert.ok(m.headers.has(h), `no ${h} header in:\n${msg.data}`);
    }
    assert.match(m.headers.get('date'), /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
    assert.equal(m.headers.get('to'), '<ann@example.org>');
    assert.match(m.headers.get('from'), /^"Gazette" <news@gazette\.test>$/);
    assert.match(m.headers.get('message-id'), /^<[^<>@\s]+@gazette\.test>$/);
    assert.equal(m.headers.get('mime-version'), '1.0');
    assert.match(m.headers.get('content-type'), /^text\/plain; charset=utf-8$/i);
    // The subject has a non-ASCII dash, so it travels as RFC 2047 words.
    assert.match(m.headers.get('subject'), /^=\?UTF-8\?B\?/);
    assert.equal(decodeWords(m.headers.get('subject')),
      'New reply to your comment on Hello, readers \u2013 The Test Gazette');
    // Header lines within RFC 5322's 998 (the subject folded to 78; a
    // URL cannot be), body lines within quoted-printable's 76.
    const [headLines, bodyLines] = msg.data.split('\r\n\r\n').map((x) => x.split('\r\n'));
    for (const line of headLines) assert.ok(line.length <= 998, `long header line: ${line}`);
    for (const line of headLines.filter((l) => /^(Subject:| =\?)/.test(l))) assert.ok(line.length <= 78, line);
    for (const line of bodyLines) assert.ok(line.length <= 76, `long body line: ${line}`);

    // RFC 8058: the one-click pair.
    const lu = /^<(https?:\/\/[^>]+)>$/.exec(m.headers.get('list-unsubscribe') ?? '');
    assert.ok(lu, `List-Unsubscribe: ${m.headers.get('list-unsubscribe')}`);
    assert.equal(m.headers.get('list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
    const unsub = new URL(lu[1]);
    assert.equal(unsub.pathname, '/unsubscribe');
    assert.equal(unsub.searchParams.get('c'), String(ann.id));
    assert.match(unsub.searchParams.get('t'), /^[0-9a-f]{64}$/);

    // The body: who replied, the reply's text, its link, the unsubscribe link.
    assert.match(m.body, /Bob Ünicode replied to your comment on "Hello, readers"/);
    assert.ok(m.body.includes('Welcome aboard, Ann — line one.\n\nA second paragraph.'), m.body);
    assert.ok(m.body.includes(`/2022/04/27/hello/#comment-${bob.id}`), m.body);
    assert.equal(new URL(bob.url).hash, `#comment-${bob.id}`);
    assert.ok(m.body.includes(lu[1]), 'the body does not carry the unsubscribe link');
  });

  test('a reply from the same address sends nothing', async () => {
    assert.ok(msg, 'needs the first test');
    await comment(srv, {
      post_id: postId, parent_id: ann.id, author: 'Ann', email: 'ANN@example.org', body: 'Thanks, Bob!',
    });
    assert.equal(outbox(site), 1, 'a reply from the same address queued mail');
    assert.equal(outbox(site, 'sent_at IS NOT NULL'), 1, 'the one queued was sent');
    assert.equal(sink.messages.length, 1);
  });

  test('the unsubscribe link works in one click, and stops the mail', async () => {
    assert.ok(msg, 'needs the first test');
    const link = new URL(/^<([^>]+)>$/.exec(parseMessage(msg.data).headers.get('list-unsubscribe'))[1]);
    const target = `${srv.url}${link.pathname}${link.search}`;

    // A changed token is refused, and unsubscribes nobody.
    const bad = new URL(target);
    const t = bad.searchParams.get('t');
    bad.searchParams.set('t', (t[0] === '0' ? '1' : '0') + t.slice(1));
    let r = await get(bad.href);
    assert.equal(r.status, 400);
    assert.doesNotMatch(r.text, /no more emails/);
    r = await get(`${srv.url}/unsubscribe?c=${ann.id}`);
    assert.equal(r.status, 400);

    r = await get(target);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/html/);
    assert.match(r.text, /You will get no more emails about replies to this comment\./);
    assert.match(r.text, /<\/html>/); // the whole page, head and foot

    // What a mail client sends for List-Unsubscribe-Post (RFC 8058 3.2).
    r = await get(target, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    assert.equal(r.status, 200);
    assert.match(r.text, /no more emails/);

    await comment(srv, {
      post_id: postId, parent_id: ann.id, author: 'Cy', email: 'cy@example.org', body: 'Late to the party.',
    });
    assert.equal(outbox(site), 1, 'mail queued after unsubscribing');
    assert.equal(sink.messages.length, 1, 'mail after unsubscribing');
  });
});

describe('a failed delivery is retried', { skip }, () => {
  const servers = [];
  const sinks = [];

  after(async () => {
    for (const s of servers) await stopClean(s);
    for (const s of sinks) await s.close();
  });
  afterEach((t) => reportOnFailure(t, ...servers));

  async function thread(srv, postId) {
    const a = await comment(srv, {
      post_id: postId, author: 'Ann', email: 'ann@example.org', body: 'A question.', notify: true,
    });
    await comment(srv, {
      post_id: postId, parent_id: a.id, author: 'Bob', email: 'bob@example.org', body: 'An answer that arrives late.',
    });
  }

  test('the server answers 451 first', async () => {
    const sink = await smtpSink({ tempFail: 1 });
    sinks.push(sink);
    const { site, postId } = await mailSite(sink.port);
    const srv = await startServer(site.dir);
    servers.push(srv);
    await thread(srv, postId);
    const [msg] = await sink.waitFor(1);
    assert.deepEqual(msg.to, ['ann@example.org']);
    assert.ok(parseMessage(msg.data).body.includes('An answer that arrives late.'));
    assert.equal(sink.mails, 2, 'one refused attempt, then the delivery');
    const row = sql(site, 'SELECT attempts, CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END, last_error FROM outbox;').trim();
    assert.equal(row, '2|1|', `outbox row: ${row}`);
    assert.match(srv.stderr(), /mail \d+ failed \(attempt 1 of \d+/);
  });

  test('nobody listens at first', async () => {
    const port = await freePort();
    const { site, postId } = await mailSite(port);
    const srv = await startServer(site.dir);
    servers.push(srv);
    await thread(srv, postId);
    // Wait for a failed attempt on record, then start the sink there.
    const until = Date.now() + 10000;
    let attempts = 0;
    while (attempts < 1 && Date.now() < until) {
      attempts = Number(sql(site, 'SELECT coalesce(max(attempts), 0) FROM outbox WHERE sent_at IS NULL;').trim());
      if (attempts < 1) await sleep(100);
    }
    assert.ok(attempts >= 1, 'no failed attempt recorded');
    const sink = await smtpSink({ port });
    sinks.push(sink);
    const [msg] = await sink.waitFor(1);
    assert.deepEqual(msg.to, ['ann@example.org']);
    assert.equal(sql(site, 'SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL;').trim(), '1');
  });
});
