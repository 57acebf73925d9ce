// Raw HTTP/1.1 over a plain TCP socket, for what fetch() cannot send:
// malformed request lines, oversized heads, bodies that stop half-way,
// several requests on one connection, a client that dribbles bytes.
//
//   const c = await RawConn.open(port);
//   c.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
//   const r = await c.readResponse();         // {status, headers, body, raw}
//   const closed = await c.waitClose(2000);   // true once the server closed
//   c.destroy();
//
// RawConn.open(port, {localAddress: '127.0.0.2'}) connects from another
// loopback address: a second client, or a proxy named in trusted_proxies.
//
// Every wait is bounded: readResponse() rejects after its timeout, and
// resolves with null when the server closes before sending a status line.
import net from 'node:net';

export class RawConn {
  constructor(sock) {
    this.sock = sock;
    this.buf = Buffer.alloc(0);
    this.closed = false; // the server ended or reset the connection
    this.error = null;
    this.waiters = new Set();
    sock.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      this._wake();
    });
    const onClose = () => {
      this.closed = true;
      this._wake();
    };
    sock.on('end', onClose);
    sock.on('close', onClose);
    sock.on('error', (e) => {
      this.error = e;
      onClose();
    });
  }

  static open(port, { host = '127.0.0.1', localAddress, timeout = 5000 } = {}) {
    return new Promise((resolve, reject) => {
      const sock = net.connect({ port, host, ...(localAddress ? { localAddress } : {}) });
      const t = setTimeout(() => {
        sock.destroy();
        reject(new Error(`connect to ${host}:${port} timed out`));
      }, timeout);
      sock.once('connect', () => {
        clearTimeout(t);
        sock.setNoDelay(true);
        resolve(new RawConn(sock));
      });
      sock.once('error', (e) => {
        clearTimeout(t);
        reject(e);
      });
    });
  }

  _wake() {
    for (const w of this.waiters) w();
  }

  // Wait until pred() is true, the connection closes, or timeout ms pass.
  // Resolves with pred()'s final value.
  _until(pred, timeout) {
    return new Promise((resolve) => {
      if (pred() || this.closed) {
        resolve(pred());
        return;
      }
      const done = () => {
        clearTimeout(t);
        this.waiters.delete(check);
        resolve(pred());
      };
      const check = () => {
        if (pred() || this.closed) done();
      };
      const t = setTimeout(done, timeout);
      this.waiters.add(check);
    });
  }

  // Write bytes; resolves true when flushed, false when the server has
  // already closed or reset the connection (EPIPE/ECONNRESET).
  write(data) {
    if (this.closed || this.sock.destroyed) return Promise.resolve(false);
    return new Promise((resolve) => {
      try {
        this.sock.write(data, (err) => resolve(!err));
      } catch {
        resolve(false);
      }
    });
  }

  // Resolves true when the server closes the connection within timeout ms.
  waitClose(timeout) {
    return this._until(() => this.closed, timeout);
  }

  // Read one response. `head: true` for a response to HEAD (no body).
  // Resolves with {status, reason, version, headers (lower-case names),
  // body (Buffer), raw (the head as text)}, or null when the connection
  // closed before a complete status line and head arrived. Rejects when
  // nothing complete arrives within timeout ms.
  async readResponse({ head = false, timeout = 10000 } = {}) {
    const deadline = Date.now() + timeout;
    const left = () => Math.max(0, deadline - Date.now());
    const headEnd = () => this.buf.indexOf('\r\n\r\n');
    await this._until(() => headEnd() >= 0, left());
    let end = headEnd();
    if (end < 0) {
      if (this.closed) return null;
      throw new Error(`no response head within ${timeout} ms (got ${JSON.stringify(this.buf.toString('latin1').slice(0, 200))})`);
    }
    const raw = this.buf.subarray(0, end).toString('latin1');
    const lines = raw.split('\r\n');
    const m = /^(HTTP\/\d\.\d) (\d{3})(?: (.*))?$/.exec(lines[0]);
    if (!m) throw new Error(`bad status line ${JSON.stringify(lines[0])}`);
    const headers = {};
    for (const l of lines.slice(1)) {
      const i = l.indexOf(':');
      if (i < 0) continue;
      const k = l.slice(0, i).trim().toLowerCase();
      const v = l.slice(i + 1).trim();
      headers[k] = k in headers ? `${headers[k]}, ${v}` : v;
    }
    const status = Number(m[2]);
    this.buf = this.buf.subarray(end + 4);
    let body = Buffer.alloc(0);
    const noBody = head || (status >= 100 && status < 200) || status === 204 || status === 304;
    if (!noBody) {
      if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
        body = await this._readChunked(left);
      } else if (headers['content-length'] !== undefined) {
        const n = Number(headers['content-length']);
        await this._until(() => this.buf.length >= n, left());
        if (this.buf.length < n) {
          if (!this.closed) throw new Error(`body shorter than Content-Length ${n} after ${timeout} ms`);
          throw new Error(`connection closed after ${this.buf.length} of ${n} body bytes`);
        }
        body = this.buf.subarray(0, n);
        this.buf = this.buf.subarray(n);
      } else {
        // Delimited by close.
        await this._until(() => false, left());
        if (!this.closed) throw new Error(`response without length not closed within ${timeout} ms`);
        body = this.buf;
        this.buf = Buffer.alloc(0);
      }
    }
    return { version: m[1], status, reason: m[3] ?? '', headers, body, text: body.toString('utf8'), raw };
  }

  async _readChunked(left) {
    const parts = [];
    for (;;) {
      await this._until(() => this.buf.indexOf('\r\n') >= 0, left());
      const i = this.buf.indexOf('\r\n');
      if (i < 0) throw new Error('chunked body: no chunk size line');
      const size = parseInt(this.buf.subarray(0, i).toString('latin1'), 16);
      if (!Number.isFinite(size)) throw new Error('chunked body: bad chunk size');
      if (size === 0) {
        // Trailers end with an empty line.
        await this._until(() => this.buf.indexOf('\r\n\r\n', i) >= 0, left());
        const e = this.buf.indexOf('\r\n\r\n', i);
        this.buf = this.buf.subarray(e >= 0 ? e + 4 : this.buf.length);
        return Buffer.concat(parts);
      }
      await this._until(() => this.buf.length >= i + 2 + size + 2, left());
      if (this.buf.length < i + 2 + size + 2) throw new Error('chunked body: truncated chunk');
      parts.push(this.buf.subarray(i + 2, i + 2 + size));
      this.buf = this.buf.subarray(i + 2 + size + 2);
    }
  }

  // Bytes received and not yet consumed by readResponse().
  pending() {
    return this.buf;
  }

  destroy() {
    this.sock.destroy();
  }
}

// One request on a fresh connection: send `data`, read one response (or
// null if the server closed without one), close. For the simple cases.
export async function rawRequest(port, data, { timeout = 10000, head = false } = {}) {
  const c = await RawConn.open(port);
  try {
    await c.write(data);
    return await c.readResponse({ timeout, head });
  } finally {
    c.destroy();
  }
}

// A plain GET request head.
export function getHead(target, { host = '127.0.0.1', extra = '', method = 'GET', close = false } = {}) {
  return `${method} ${target} HTTP/1.1\r\nHost: ${host}\r\n${extra}${close ? 'Connection: close\r\n' : ''}\r\n`;
}
