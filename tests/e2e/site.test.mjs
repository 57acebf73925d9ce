// A site's own settings: gazette.conf (url, listen, threads,
// trusted_proxies; unknown keys and bad values refused at their line) and
// template overrides in SITE/templates/.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run, newSite, startServer, cleanup, tempDir, get, pathOf, stopClean, REPO_ROOT } from './lib/gazette.mjs';

after(cleanup);

async function publish(site, name, front) {
  const dir = await tempDir('gazette-e2e-md-');
  const f = path.join(dir, name);
  writeFileSync(f, `---\n${front}\n---\nThe **body**.\n`);
  return run(['post', 'add', f, '--site', site.dir]);
}

describe('gazette.conf', () => {
  test('url sets the printed URL and the canonical link; listen and threads are read', async () => {
    const site = await newSite();
    writeFileSync(path.join(site.dir, 'gazette.conf'),
      '; deployment settings\nurl = https://news.example.com\nlisten = 127.0.0.1:0\nthreads = 1\n');
    const r = await publish(site, 'a.md', 'title: Conf Post\nstatus: published\ndate: 2022-04-27');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\d+\thttps:\/\/news\.example\.com\/2022\/04\/27\/conf-post\/\n$/);
    // No --listen: the file's port 0 is used, so the server picks a free port.
    const srv = await startServer(site.dir, { listen: null });
    try {
      const page = await get(srv.url + pathOf(r.stdout.split('\t')[1].trim()));
      assert.equal(page.status, 200);
      assert.match(page.text, /<link rel="canonical" href="https:\/\/news\.example\.com\/2022\/04\/27\/conf-post\/">/);
    } finally {
      await stopClean(srv);
    }
  });

  test('the gazette.conf of the README is accepted as it is (its port made 0)', async () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const ini = /```ini\n([\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(ini && /trusted_proxies/.test(ini), 'the README shows gazette.conf');
    const site = await newSite();
    writeFileSync(path.join(site.dir, 'gazette.conf'), ini.replace(/^listen = \S+/m, 'listen = 127.0.0.1:0'));
    const srv = await startServer(site.dir, { listen: null });
    try {
      assert.equal((await get(`${srv.url}/healthz`)).status, 200);
    } finally {
      await stopClean(srv);
    }
  });

  test('an unknown key is refused with the file and line, exit 2', async () => {
    const site = await newSite();
    writeFileSync(path.join(site.dir, 'gazette.conf'), 'url = http://x.example\n\nlisten_on = 1.2.3.4:80\n');
    const r = await run(['serve', '--site', site.dir]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /gazette\.conf:3:/);
  });

  test('a trusted_proxies entry that is not an address or network is refused at its line, naming it', async () => {
    const site = await newSite();
    for (const bad of ['localhost', '10.0.0.1/8', '10.0.0.0/33']) {
      writeFileSync(path.join(site.dir, 'gazette.conf'), `trusted_proxies = 127.0.0.1\ntrusted_proxies = ::1, ${bad}\n`);
      const r = await run(['serve', '--site', site.dir]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /gazette\.conf:2: trusted_proxies: /);
      assert.ok(r.stderr.includes(`'${bad}'`), r.stderr);
    }
  });

  test('a bad threads value is refused at its line', async () => {
    const site = await newSite();
    writeFileSync(path.join(site.dir, 'gazette.conf'), 'threads = many\n');
    const r = await run(['serve', '--site', site.dir]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /gazette\.conf:1:/);
  });
});

describe('template overrides', () => {
  test('SITE/templates/404.html replaces the built-in page, with the shared partials', async () => {
    const site = await newSite();
    mkdirSync(path.join(site.dir, 'templates'));
    writeFileSync(path.join(site.dir, 'templates', '404.html'),
      '{{> head.html}}<p class="custom">Nothing here, says {{site.title}}.</p>{{> foot.html}}');
    const srv = await startServer(site.dir);
    try {
      const r = await get(`${srv.url}/no-such-page/`);
      assert.equal(r.status, 404);
      assert.match(r.text, /<p class="custom">Nothing here, says gazette\.<\/p>/);
      assert.match(r.text, /<link rel="stylesheet" href="\/static\/site\.css">/, 'the built-in head partial is still used');
    } finally {
      await stopClean(srv);
    }
  });

  test('a broken override stops serve with the template name and line, exit 2', async () => {
    const site = await newSite();
    mkdirSync(path.join(site.dir, 'templates'));
    writeFileSync(path.join(site.dir, 'templates', 'post.html'), '{{> head.html}}\n\n{{#post}}\n<h1>{{title}}</h1>\n');
    const r = await run(['serve', '--site', site.dir, '--listen', '127.0.0.1:0']);
    assert.equal(r.code, 2, `exit ${r.code}; stderr: ${r.stderr}`);
    assert.match(r.stderr, /post\.html/);
    assert.match(r.stderr, /line 3/);
  });
});
