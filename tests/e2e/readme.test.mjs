// The README's command examples work as written (issue 14, item 4): every
// line of every ```sh block of README.md runs, in order, on one new site
// and exits 0. The conventions are in the comment under "Using it" in
// README.md: the folder the lines run in (also $HOME, for ~/news), the
// files beside them, make lines checked with make -n, the serve line
// started and left running, and "readme-test: readers" before a block.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import path from 'node:path';
import { bin, cleanup, tempDir, get, REPO_ROOT, SANITIZER_RE } from './lib/gazette.mjs';

const README = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');

// The fenced blocks of the README: {lang, lines, readers} in order;
// readers when the line before the fence is the "readme-test: readers"
// comment.
function blocks(text) {
  const out = [];
  let cur = null;
  let prev = '';
  for (const line of text.split('\n')) {
    const fence = /^```(\w*)\s*$/.exec(line);
    if (fence && !cur) {
      cur = { lang: fence[1], lines: [], readers: /^<!--\s*readme-test:\s*readers\s*-->$/.test(prev) };
    } else if (fence) {
      out.push(cur);
      cur = null;
    } else if (cur) {
      cur.lines.push(line);
    }
    if (line.trim() !== '') prev = line.trim();
  }
  return out;
}

const ALL = blocks(README);
const SH = ALL.filter((b) => b.lang === 'sh');
const STORY = ALL.find((b) => b.lang === 'markdown');

// A small WordPress export: a post with an approved comment.
const EXPORT_XML = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Old site</title><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://old.example</wp:base_site_url><wp:base_blog_url>https://old.example</wp:base_blog_url>
<item><title>From the old site</title><link>https://old.example/from-the-old-site/</link>
<content:encoded><![CDATA[An article written in WordPress.]]></content:encoded>
<wp:post_id>77</wp:post_id><wp:post_date>2020-02-03 04:05:06</wp:post_date>
<wp:post_date_gmt>2020-02-03 04:05:06</wp:post_date_gmt><wp:post_name>from-the-old-site</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<wp:comment><wp:comment_id>5</wp:comment_id><wp:comment_author><![CDATA[Zoë]]></wp:comment_author>
<wp:comment_date_gmt>2020-02-04 00:00:00</wp:comment_date_gmt><wp:comment_content><![CDATA[Thanks.]]></wp:comment_content>
<wp:comment_approved>1</wp:comment_approved><wp:comment_parent>0</wp:comment_parent></wp:comment>
</item></channel></rss>
`;

let home; // the folder the lines run in, and $HOME
let env;
let server = null; // {proc, url, out, err} of the serve line

function shellEnv() {
  const e = { ...process.env };
  for (const k of Object.keys(e)) if (k.startsWith('GAZETTE_')) delete e[k];
  return { ...e, HOME: home, PATH: `${path.join(home, 'bin')}:${process.env.PATH}` };
}

// One line through bash, as a reader pastes it: {code, stdout, stderr}.
function sh(line, cwd = home) {
  const r = spawnSync('bash', ['-c', line], { cwd, env, encoding: 'utf8', input: '', timeout: 120000 });
  if (SANITIZER_RE.test(r.stderr ?? '')) assert.fail(`sanitizer report from: ${line}\n${r.stderr}`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// The serve line: started (exec, so the signal reaches gazette), its
// "listening on" line awaited.
function startServe(line) {
  return new Promise((resolve, reject) => {
    const proc = spawn('bash', ['-c', `exec ${line}`], { cwd: home, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const s = { proc, url: null, out: '', err: '' };
    const timer = setTimeout(() => reject(new Error(`no "listening on" within 20 s: ${s.out} ${s.err}`)), 20000);
    proc.stdout.on('data', (d) => {
      s.out += d;
      const m = /^listening on (http:\/\/\S+)$/m.exec(s.out);
      if (m && !s.url) {
        s.url = m[1];
        clearTimeout(timer);
        resolve(s);
      }
    });
    proc.stderr.on('data', (d) => { s.err += d; });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${line} exited ${code}: ${s.err}`));
    });
  });
}

function stopServe(s) {
  return new Promise((resolve) => {
    if (s.proc.exitCode !== null) {
      resolve(s.proc.exitCode);
      return;
    }
    const kill = setTimeout(() => s.proc.kill('SIGKILL'), 10000);
    s.proc.removeAllListeners('exit');
    s.proc.on('exit', (code) => {
      clearTimeout(kill);
      resolve(code);
    });
    s.proc.kill('SIGTERM');
  });
}

// What readers do on the running site before a "readme-test: readers"
// block: two comments on the story (post 1), held as first comments are,
// and a guest submission, which becomes post 2.
async function readersVisit(url) {
  for (const [i, who] of [[1, 'Ann'], [2, 'Bob']].entries()) {
    const r = await get(`${url}/api/v1/comments`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: url, 'X-Forwarded-For': `198.51.100.${i + 1}` },
      body: JSON.stringify({ post_id: 1, author: who[1], email: `${who[1].toLowerCase()}@example.org`, body: `Comment ${who[0]}.` }),
    });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual([JSON.parse(r.text).id, JSON.parse(r.text).status], [who[0], 'pending']);
  }
  const form = await get(`${url}/submit/`);
  assert.equal(form.status, 200);
  const stamp = /name="stamp" value="([^"]+)"/.exec(form.text)?.[1];
  assert.ok(stamp, 'the submission form has its stamp');
  // a form sent sooner than comments_min_seconds (at least 3) after it
  // was served is a robot's, and goes to the trash
  await new Promise((resolve) => setTimeout(resolve, 3500));
  const r = await get(`${url}/submit`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: url, 'X-Forwarded-For': '198.51.100.9' },
    body: new URLSearchParams({ name: 'Guest Writer', email: 'guest@example.com', title: 'A Guest Transcript', body: 'Hello.', stamp }).toString(),
  });
  assert.equal(r.status, 303, r.text);
}

before(async () => {
  home = await tempDir('gazette-e2e-readme-');
  env = shellEnv();
  mkdirSync(path.join(home, 'build'));
  mkdirSync(path.join(home, 'bin'));
  symlinkSync(bin, path.join(home, 'build', 'gazette'));
  symlinkSync(bin, path.join(home, 'bin', 'gazette'));
  assert.ok(STORY, 'README.md has a ```markdown block, the story');
  writeFileSync(path.join(home, 'story.md'), STORY.lines.join('\n') + '\n');
  writeFileSync(path.join(home, 'password.txt'), 'correct horse battery staple\n');
  writeFileSync(path.join(home, 'export.xml'), EXPORT_XML);
});

after(async () => {
  if (server) await stopServe(server);
  await cleanup();
});

describe('README.md, as written', () => {
  test('starts with make run and make test', () => {
    assert.ok(SH.length > 0, 'README.md has sh blocks');
    assert.deepEqual(SH[0].lines.map((l) => l.split(/\s+/).slice(0, 2).join(' ')), ['make run', 'make test']);
  });

  for (const [n, block] of SH.entries()) {
    const lines = block.lines.filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
    test(`sh block ${n + 1}: ${lines[0]}${lines.length > 1 ? ' …' : ''}`, async () => {
      if (block.readers) {
        assert.ok(server, 'readers need the server of a serve line above');
        await readersVisit(server.url);
      }
      for (const line of lines) {
        if (/^make\s/.test(line)) {
          const r = sh(line.replace(/^make\s/, 'make -n '), REPO_ROOT);
          assert.equal(r.code, 0, `${line} (as make -n): ${r.stderr}`);
        } else if (/\bgazette serve\b/.test(line)) {
          const site = /--site\s+(\S+)/.exec(line)?.[1]?.replace(/^~/, home);
          assert.ok(site, `${line}: names its site`);
          appendFileSync(path.join(site, 'gazette.conf'), 'listen = 127.0.0.1:0\n');
          server = await startServe(line);
          const front = await get(`${server.url}/`);
          assert.equal(front.status, 200, `${line}: the front page`);
          assert.match(front.text, /Transcript: the harbour hearing/, 'the story is on the front page');
        } else {
          const r = sh(line);
          assert.equal(r.code, 0, `${line}\nexited ${r.code}; stdout: ${r.stdout}\nstderr: ${r.stderr}`);
        }
      }
    });
  }

  test('the server ran throughout and stops cleanly', async () => {
    assert.ok(server, 'a serve line ran');
    const code = await stopServe(server);
    assert.doesNotMatch(server.err, SANITIZER_RE);
    assert.equal(code, 0, `gazette serve exited ${code}: ${server.err}`);
    server = null;
  });
});
