// A stand-in for the video providers' oEmbed endpoints and image hosts
// (decision 093), on loopback: the server (or `post add`) reaches it
// through GAZETTE_TEST_OEMBED_ORIGIN, which puts its origin in place of
// every provider's while the paths stay the providers'. There is no
// internet here; each test names the videos it knows and what each does.
import http from 'node:http';
import { LIMITS } from './limits.mjs';

const THUMB_MAX = LIMITS.LIM_VIDEO_THUMB_BYTES;

// CRC-32 (PNG's, ISO 3309), for the pixel bomb's header.
function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
function pngChunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
// A PNG whose header says 50,000 x 50,000 (2.5 gigapixels): refused from
// the header before any pixel is decoded.
export function pixelBomb() {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(50000, 0);
  ihdr.writeUInt32BE(50000, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr), pngChunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
    pngChunk('IEND', Buffer.alloc(0))]);
}

// Start the stand-in. videos: { name: { url, thumb (a path here),
// thumbUrl (any URL), duration, status (the oEmbed answer's), html (an
// HTML page for JSON) } }, looked up by the page URL the oEmbed request
// names (hold: while true, the oEmbed request gets no answer at all);
// images: { path: [type, bytes] }. Besides those, '/img/to-file'
// redirects to file:///etc/passwd, and '/img/huge-declared.jpg' and
// '/img/huge-chunked.jpg' are one byte over LIM_VIDEO_THUMB_BYTES (with
// and without a Content-Length), both starting as jpeg (bytes) does.
// Resolves to { origin, hits (each request's path and query), close }.
export function startProvider({ videos, images, jpeg }) {
  const hits = [];
  const held = [];
  const jpegStart = jpeg.subarray(0, 1024);
  let origin;
  const server = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://stand-in');
    hits.push(u.pathname + u.search);
    if (['/oembed', '/api/oembed.json', '/services/oembed'].includes(u.pathname)) {
      const page = u.searchParams.get('url');
      const v = Object.values(videos).find((x) => x.url === page);
      if (v?.hold) {
        held.push(res); // no answer while the test holds it
      } else if (!v || v.status) {
        res.writeHead(v?.status ?? 404, { 'content-type': 'text/plain' }).end('Not Found');
      } else if (v.html) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Consent</title><p>Before you continue');
      } else {
        const o = { version: '1.0', type: 'video', title: 'A video', provider_name: 'Stand-in' };
        if (v.thumb) o.thumbnail_url = `${origin}${v.thumb}`;
        if (v.thumbUrl) o.thumbnail_url = v.thumbUrl;
        if (v.duration) o.duration = v.duration;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(o));
      }
    } else if (images[u.pathname]) {
      const [type, body] = images[u.pathname];
      res.writeHead(200, { 'content-type': type, 'content-length': body.length }).end(body);
    } else if (u.pathname === '/img/to-file') {
      res.writeHead(302, { location: 'file:///etc/passwd' }).end();
    } else if (u.pathname === '/img/huge-declared.jpg') {
      // Content-Length says one byte too many: refused before the body.
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': THUMB_MAX + 1 });
      res.end(Buffer.concat([jpegStart, Buffer.alloc(THUMB_MAX + 1 - jpegStart.length)]));
    } else if (u.pathname === '/img/huge-chunked.jpg') {
      // No length declared: the cap is counted as the bytes arrive.
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      res.write(jpegStart);
      let left = THUMB_MAX + 1 - jpegStart.length;
      const more = () => {
        while (left > 0) {
          const n = Math.min(left, 64 * 1024);
          left -= n;
          if (!res.write(Buffer.alloc(n))) return res.once('drain', more);
        }
        return res.end();
      };
      res.on('error', () => {});
      more();
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    origin = `http://127.0.0.1:${server.address().port}`;
    resolve({
      origin,
      hits,
      close: () => {
        for (const res of held) res.destroy();
        server.close();
      },
    });
  }));
}
