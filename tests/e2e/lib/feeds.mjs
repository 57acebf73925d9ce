// A feed server on loopback for the river's tests: the fixture feeds of a
// directory at /feeds/NAME (with an ETag and Last-Modified, so a second
// fetch is a 304), 404 for anything else, and pages of the test's own.
//
//   const hits = new Map();                       // path -> requests
//   const srv = await serveFeeds(dir, hits, {
//     '/page.html': ['text/html', '<link rel="alternate" ...>'],
//   });
//   const base = `http://127.0.0.1:${srv.address().port}`;
//   ...
//   srv.close();
//
// A page's body may be a function of nothing, called per request.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const FEED_ETAG = 'W/"river-1"';
export const FEED_MODIFIED = 'Wed, 27 Apr 2022 00:00:00 GMT';

// An HTML page announcing the feed at href (autodiscovery).
export function announcing(href, type = 'application/atom+xml') {
  return '<!doctype html><html><head><title>A blog</title>' +
    `<link rel="alternate" type="${type}" title="its feed" href="${href}">` +
    '</head><body>Hello</body></html>';
}

export function serveFeeds(dir, hits, pages = {}) {
  return new Promise((resolve) => {
    const srv = http.createServer((req, res) => {
      const url = new URL(req.url, 'http://x');
      hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1);
      const page = pages[url.pathname];
      if (page) {
        res.writeHead(200, { 'content-type': page[0] });
        res.end(typeof page[1] === 'function' ? page[1]() : page[1]);
        return;
      }
      const m = /^\/feeds\/([a-z0-9.-]+)$/.exec(url.pathname);
      let body = null;
      try {
        body = m && readFileSync(path.join(dir, m[1]));
      } catch {
        body = null;
      }
      if (!body) {
        res.writeHead(404);
        res.end('no');
        return;
      }
      if (req.headers['if-none-match'] === FEED_ETAG) {
        res.writeHead(304, { etag: FEED_ETAG });
        res.end();
        return;
      }
      res.writeHead(200, {
        'content-type': m[1].endsWith('.atom') ? 'application/atom+xml' : 'application/rss+xml',
        etag: FEED_ETAG,
        'last-modified': FEED_MODIFIED,
      });
      res.end(body);
    });
    srv.listen(0, '127.0.0.1', () => resolve(srv));
  });
}
