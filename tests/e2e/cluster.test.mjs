// Two nodes behind nginx over one PostgreSQL (issue 18, "What it must
// show"): a site moved onto a throw-away cluster with `gazette migrate
// --to`, served by two `gazette serve` processes with `db = postgresql://…`
// in gazette.conf, nginx on loopback in front (upstream of both, passive
// health: a node that fails is left alone for a while).
//
//   - a comment posted on node A is on node B's page (cached there before)
//     within 1 s;
//   - views sent to both nodes sum exactly in the database;
//   - a scheduled post is published once, by the node holding the job;
//   - node A killed (SIGKILL) while comments pour in through nginx: every
//     comment acknowledged (201) is in the database, and node B takes over
//     the periodic jobs (a post scheduled after the kill goes live).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
  newSite, startServer, run, get, tempDir, cleanup, stopClean, eventually, pathOf,
} from './lib/gazette.mjs';
import { absent } from './lib/needs.mjs';
import { PG_ABSENT, startCluster, psql } from './lib/pg.mjs';

const NGINX = '/usr/sbin/nginx';
const skip = PG_ABSENT || absent(NGINX);
const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) '
  + 'Chrome/120.0.0.0 Safari/537.36';

let pg;
let site;
let a;
let b;
let lb; // nginx: { url, stop() }
let ipCounter = 0;

function newIp() {
  ipCounter += 1;
  return `10.7.${Math.floor(ipCounter / 250)}.${ipCounter % 250 + 1}`;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// nginx in front of the given ports, as the README shows (upstream,
// passive health), in a folder of its own.
async function startNginx(ports) {
  const dir = await tempDir('gazette-e2e-nginx-');
  const port = await freePort();
  const v = spawnSync(NGINX, ['-V'], { encoding: 'utf8' }).stderr;
  let temps = '';
  for (const m of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
    if (m !== 'client_body' && v.includes(`--without-http_${m}_module`)) continue;
    mkdirSync(path.join(dir, m));
    temps += `  ${m}_temp_path ${path.join(dir, m)};\n`;
  }
  const conf = path.join(dir, 'nginx.conf');
  writeFileSync(conf, `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 512; }
http {
  access_log off;
${temps}
  upstream gazette {
${ports.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=5s;`).join('\n')}
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://gazette;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_next_upstream error timeout http_502 http_503;
      proxy_connect_timeout 1s;
    }
  }
}
`);
  const proc = spawn(NGINX, ['-e', `${dir}/error.log`, '-c', conf, '-p', dir], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await eventually(async () => {
    try { return (await get(`${url}/healthz`, { timeout: 1000 })).status > 0; } catch { return false; }
  }, { timeout: 10000 });
  return {
    url,
    stop: () => new Promise((resolve) => {
      if (proc.exitCode !== null) { resolve(); return; }
      proc.once('exit', resolve);
      proc.kill('SIGTERM');
    }),
  };
}

async function cli(args) {
  const r = await run([...args, '--site', site.dir], { timeout: 60000 });
  assert.equal(r.code, 0, `gazette ${args.join(' ')}: ${r.stderr}`);
  return r;
}

async function comment(url, postId, body) {
  const res = await fetch(`${url}/api/v1/comments`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: url, 'X-Forwarded-For': newIp() },
    body: JSON.stringify({ post_id: postId, author: 'Node Reader', body }),
    signal: AbortSignal.timeout(10000),
  });
  return { status: res.status, json: await res.json().catch(() => null) };
}

async function scheduled(slug, inMs) {
  const md = await tempDir('gazette-e2e-md-');
  const when = new Date(Date.now() + inMs).toISOString().replace(/\.\d+Z$/, 'Z');
  const f = path.join(md, `${slug}.md`);
  writeFileSync(f, `---\ntitle: ${slug}\nslug: ${slug}\nstatus: published\ndate: ${when}\n---\nLater.\n`);
  await cli(['post', 'add', f]);
  return when;
}

const count = async (sql) => Number((await psql(pg.url, sql)).trim());

before(async () => {
  if (skip) return;
  pg = await startCluster();
  site = await newSite({ demo: true, demoArgs: ['--posts', '20', '--comments', '10'] });
  await cli(['settings', 'set', 'comments_hold', 'none']);
  await cli(['settings', 'set', 'comments_rate_minute', '0']);
  await cli(['settings', 'set', 'comments_rate_hour', '0']);
  await cli(['migrate', '--to', pg.url]);
  appendFileSync(path.join(site.dir, 'gazette.conf'), `\ndb = ${pg.url}\n`);
  // A first, so that it takes the jobs; B after it.
  a = await startServer(site.dir);
  await eventually(() => /this node runs scheduled publishing/.test(a.stderr()), { timeout: 10000 });
  b = await startServer(site.dir);
  lb = await startNginx([a.port, b.port]);
});

after(async () => {
  await lb?.stop();
  if (a && a.proc.exitCode === null && a.proc.signalCode === null) await stopClean(a);
  if (b) await stopClean(b);
  pg?.stop();
  await cleanup();
});

test('a comment posted on node A is on node B\'s cached page within a second', { skip, timeout: 60000 }, async () => {
  const id = await count("SELECT min(id) FROM posts WHERE type = 'post' AND status = 'published' AND comments_open = 1");
  const page = pathOf((await get(`${b.url}/?p=${id}`)).headers.get('location'));
  const before = (await get(`${b.url}${page}`)).text; // cached on B now
  const mark = `Seen on both nodes ${Date.now()}`;
  assert.ok(!before.includes(mark));
  const r = await comment(a.url, id, mark);
  assert.equal(r.status, 201, JSON.stringify(r.json));
  const acked = Date.now();
  const seen = await eventually(async () => (await get(`${b.url}${page}`)).text.includes(mark) && Date.now(),
    { timeout: 5000, every: 20 });
  assert.ok(seen, 'node B never showed the comment');
  assert.ok(seen - acked <= 1000, `node B showed it after ${seen - acked} ms`);
});

test('views sent to both nodes sum exactly', { skip, timeout: 60000 }, async () => {
  const id = await count("SELECT max(id) FROM posts WHERE type = 'post' AND status = 'published'");
  const was = await count(`SELECT coalesce(sum(n), 0) FROM post_views WHERE post_id = ${id}`);
  const send = async (srv, n) => {
    for (let i = 0; i < n; i++) {
      const r = await get(`${srv.url}/api/v1/views/${id}`, {
        method: 'POST',
        headers: { 'User-Agent': BROWSER_UA, 'X-Forwarded-For': newIp(), 'Content-Type': 'application/json' },
        body: '{}',
      });
      assert.equal(r.status, 200, r.text);
    }
  };
  await Promise.all([send(a, 23), send(b, 19)]);
  const total = await eventually(async () => {
    const n = await count(`SELECT coalesce(sum(n), 0) FROM post_views WHERE post_id = ${id}`);
    return n === was + 42 && n;
  }, { timeout: 10000 });
  assert.equal(total, was + 42);
  await new Promise((r) => setTimeout(r, 1500)); // a further flush adds nothing
  assert.equal(await count(`SELECT coalesce(sum(n), 0) FROM post_views WHERE post_id = ${id}`), was + 42);
});

test('a scheduled post is published once', { skip, timeout: 60000 }, async () => {
  await scheduled('once-on-two-nodes', 4000);
  const status = () => psql(pg.url, "SELECT status FROM posts WHERE slug = 'once-on-two-nodes'").then((s) => s.trim());
  assert.equal(await status(), 'scheduled');
  assert.ok(await eventually(async () => (await status()) === 'published', { timeout: 15000 }));
  await new Promise((r) => setTimeout(r, 1000));
  const logs = a.stderr() + b.stderr();
  assert.equal((logs.match(/published 1 scheduled item/g) || []).length, 1, logs);
  assert.match(a.stderr(), /published 1 scheduled item/, 'by node A, which holds the job');
});

test('node A killed under load: nothing acknowledged is lost, node B takes the jobs', { skip, timeout: 120000 }, async () => {
  const id = await count("SELECT min(id) FROM posts WHERE type = 'post' AND status = 'published' AND comments_open = 1");
  const acked = [];
  let failed = 0;
  let stop = false;
  const poster = async () => {
    let i = 0;
    while (!stop) {
      i += 1;
      try {
        const r = await comment(lb.url, id, `under load ${i} ${Math.random()}`);
        if (r.status === 201) acked.push(r.json.id);
        else failed += 1;
      } catch {
        failed += 1;
      }
    }
  };
  const first = await comment(lb.url, id, 'through nginx');
  assert.equal(first.status, 201, JSON.stringify(first.json));
  const posters = [poster(), poster(), poster(), poster()];
  await new Promise((r) => setTimeout(r, 1500));
  a.proc.kill('SIGKILL');
  await new Promise((r) => a.proc.exitCode !== null || a.proc.signalCode !== null ? r() : a.proc.once('exit', r));
  const atKill = acked.length;
  await new Promise((r) => setTimeout(r, 2000));
  stop = true;
  await Promise.all(posters);
  assert.ok(atKill > 0 && acked.length > atKill, `acknowledged ${atKill} before the kill, ${acked.length} in all`);
  const ids = acked.filter((x) => Number.isInteger(x));
  assert.equal(ids.length, acked.length, 'every 201 named its comment');
  assert.equal(await count(`SELECT count(*) FROM comments WHERE id IN (${ids.join(',')})`), ids.length,
    `of ${ids.length} comments acknowledged (${failed} requests failed), some are missing`);

  // B takes over the jobs within seconds and publishes what falls due.
  await eventually(() => /this node runs scheduled publishing/.test(b.stderr()), { timeout: 15000 });
  // Far enough ahead that it is still scheduled when added (a post whose
  // time has passed is added as published, and no job publishes it).
  await scheduled('after-the-kill', 4000);
  const status = () => psql(pg.url, "SELECT status FROM posts WHERE slug = 'after-the-kill'").then((s) => s.trim());
  assert.equal(await status(), 'scheduled');
  assert.ok(await eventually(async () => (await status()) === 'published', { timeout: 15000 }),
    'node B did not publish the post scheduled after node A died');
  assert.match(b.stderr(), /published 1 scheduled item/);
});
