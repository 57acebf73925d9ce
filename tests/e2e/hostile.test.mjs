// Bad input: hostile markup never executes. Every attack vector of
// ../shared/fixtures/sanitize (DOMPurify's cases, html5lib's sanitizer
// cases, HTML Purifier's xssAttacks.xml, the OWASP cheat sheet, and the two
// real pages miniflux benchmarks its sanitizer with, cut into comment-sized
// pieces) goes through the comment path — one comment per vector, through
// the JSON API, and a sample through the form without JavaScript and the
// page's own script — and then:
//
//   - every answer is 201 (or 303 for the form), or a clean 4xx for what is
//     over LIM_COMMENT_BYTES, holds a NUL or is not UTF-8 — never a 5xx, and
//     nothing well-formed is refused;
//   - every page of comments (comment-page-N/ through "Load more"), the JSON
//     list, the post's comment feed and the site's comment feed (checked per
//     batch of LIM_FEED_ITEMS, since a feed shows only the newest) carry no
//     executable markup: no <script, no on*= attribute, no javascript:,
//     vbscript: or data: URL (after entity decoding), no style with url(),
//     no iframe/object/embed/style/base/meta/link/form/svg/math (and friends),
//     only the tags and attributes the template and the Markdown renderer
//     write; each acknowledged comment is on exactly one page;
//   - the url field keeps a hostile http(s) URL inside its attribute and
//     refuses any other scheme; a raw NUL byte in a form body is refused
//     like %00, not taken for the end of the form;
//   - in Chromium every page of comments is loaded, scrolled, and every
//     element in the comment list gets the usual events dispatched: no
//     alert/confirm/prompt fires, no page error, the parsed DOM holds no
//     script, handler or dangerous URL, and nothing swallowed the rest of the
//     page (the comment count and the form are intact); the feeds parse as XML.
//
// Without the fixtures folder (GAZETTE_FIXTURES, or ../shared/fixtures next
// to the repository) every test is skipped, never passed; with CI=true the
// run fails instead (lib/needs.mjs).
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { newSite, startServer, run, get, stopClean, cleanup, reportOnFailure } from './lib/gazette.mjs';
import { LIMITS } from './lib/limits.mjs';
import { launch } from './lib/browser.mjs';
import { absent, fixture } from './lib/needs.mjs';

const SANITIZE = fixture('sanitize');
const SKIP = absent(path.join(SANITIZE, 'dompurify', 'expect.json'));

const SOURCES = ['dompurify', 'html5lib', 'htmlpurifier', 'owasp', 'miniflux'];
const BATCH = LIMITS.LIM_FEED_ITEMS; // a feed shows this many: check after each batch
const TIMEOUT = 30000; // one request, on the sanitizer build

// ---- the vectors ---------------------------------------------------------

const XML_NAMED = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

// XML character references and the five predefined entities, in one pass
// (so "&amp;#09;" becomes the text "&#09;", as an XML parser reads it).
function xmlDecode(s) {
  return s.replace(/&(?:#[xX]([0-9a-fA-F]+)|#([0-9]+)|(lt|gt|amp|quot|apos));/g,
    (m, hex, dec, name) => (hex ? String.fromCodePoint(parseInt(hex, 16))
      : dec ? String.fromCodePoint(Number(dec)) : XML_NAMED[name]));
}

function cdataOrText(s) {
  const m = /^\s*<!\[CDATA\[([\s\S]*)\]\]>\s*$/.exec(s);
  return m ? m[1] : xmlDecode(s);
}

// Cut a page into pieces of at most LIM_COMMENT_BYTES bytes, at a '<' where
// there is one (so tags stay whole), never inside a UTF-8 sequence.
function chunks(text) {
  const buf = Buffer.from(text, 'utf8');
  const max = LIMITS.LIM_COMMENT_BYTES;
  const out = [];
  let at = 0;
  while (at < buf.length) {
    let end = Math.min(at + max, buf.length);
    if (end < buf.length) {
      const lt = buf.lastIndexOf(0x3c, end - 1);
      if (lt > at) end = lt;
      else while (end > at && (buf[end] & 0xc0) === 0x80) end--;
    }
    out.push(buf.subarray(at, end).toString('utf8'));
    at = end;
  }
  return out;
}

// {source: [{name, body, raw?}]}: body is a string, or a Buffer of bytes
// that are not UTF-8 (sent as they are).
function loadVectors() {
  const read = (...p) => readFileSync(path.join(SANITIZE, ...p), 'utf8');
  const v = Object.fromEntries(SOURCES.map((s) => [s, []]));

  JSON.parse(read('dompurify', 'expect.json')).forEach((c, i) =>
    v.dompurify.push({ name: c.title ?? `case ${i}`, body: c.payload }));

  JSON.parse(read('html5lib', 'tests1.dat')).forEach((c) =>
    v.html5lib.push({ name: c.name, body: c.input }));

  // HTML Purifier's smoketest: <attack><name/><code/>…</attack>, XML-escaped.
  // Every code is posted as it stands; as the smoketest does, a `perl -e`
  // line also gives its printed payload with \0 as a NUL, and "US-ASCII
  // encoding" its URL-decoded bytes (not UTF-8).
  for (const [, attack] of read('htmlpurifier', 'xssAttacks.xml').matchAll(/<attack>([\s\S]*?)<\/attack>/g)) {
    const name = xmlDecode(/<name>([\s\S]*?)<\/name>/.exec(attack)?.[1] ?? '?');
    const code = xmlDecode(/<code>([\s\S]*?)<\/code>/.exec(attack)?.[1] ?? '');
    v.htmlpurifier.push({ name, body: code });
    const perl = /^perl -e '\s*print "([\s\S]*)";\s*'\s*>\s*out\s*$/.exec(code);
    if (perl) v.htmlpurifier.push({ name: `${name} (printed, with NUL)`, body: perl[1].replace(/\\0/g, '\0').replace(/\\"/g, '"') });
    if (name === 'US-ASCII encoding') {
      v.htmlpurifier.push({ name: `${name} (URL-decoded bytes)`, body: Buffer.from(code.replace(/%([0-9A-F]{2})/gi, (m, h) => String.fromCharCode(parseInt(h, 16))), 'latin1') });
    }
  }

  // OWASP: every fenced block; a block of several lines also line by line,
  // and a block with Markdown-escaped brackets (\<a …\>) also unescaped.
  for (const [, block] of read('owasp', 'XSS_Filter_Evasion_Cheat_Sheet.md').matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)) {
    const body = block.replace(/\n$/, '');
    v.owasp.push({ name: `block: ${body.slice(0, 40)}`, body });
    if (/\\[<>]/.test(body)) v.owasp.push({ name: `unescaped: ${body.slice(0, 40)}`, body: body.replace(/\\([<>])/g, '$1') });
    const lines = body.split('\n').filter((l) => l.trim() !== '');
    if (lines.length > 1) for (const l of lines) v.owasp.push({ name: `line: ${l.slice(0, 40)}`, body: l });
  }

  // miniflux: real pages, whole (over the limit: refused) and in pieces.
  for (const f of ['miniflux_github.html', 'miniflux_wikipedia.html']) {
    const page = read('miniflux', f);
    v.miniflux.push({ name: `${f} whole`, body: page });
    chunks(page).forEach((c, i) => v.miniflux.push({ name: `${f} piece ${i}`, body: c }));
  }

  // The same vector twice in one source is posted once.
  const dups = {};
  for (const s of SOURCES) {
    const seen = new Set();
    dups[s] = 0;
    v[s] = v[s].filter((x) => {
      const k = Buffer.isBuffer(x.body) ? `b:${x.body.toString('hex')}` : `s:${x.body}`;
      if (seen.has(k)) {
        dups[s]++;
        return false;
      }
      seen.add(k);
      return true;
    });
  }
  return { vectors: v, dups };
}

// Must the server refuse this body? Over the limit, a NUL (JSON's \u0000,
// which jansson refuses), a lone surrogate (no UTF-8 for it), or bytes that
// are not UTF-8.
function mustRefuse(body) {
  if (Buffer.isBuffer(body)) return !isUtf8(body) || body.length > LIMITS.LIM_COMMENT_BYTES || body.includes(0);
  return Buffer.byteLength(body, 'utf8') > LIMITS.LIM_COMMENT_BYTES || body.includes('\0') ||
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(body) || body === '';
}

function isUtf8(buf) {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return true;
  } catch {
    return false;
  }
}

// ---- what must not be in the output -------------------------------------

// Elements that run script, load a document or plugin, restyle the page,
// submit, or switch the parser's mode.
const DENY_TAGS = new Set(['script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'style',
  'base', 'meta', 'link', 'form', 'svg', 'math', 'noscript', 'template', 'xmp', 'plaintext', 'listing',
  'textarea', 'title', 'noembed', 'noframes', 'input', 'button', 'select', 'option', 'isindex', 'bgsound',
  'layer', 'ilayer', 'xml', 'import', 'marquee', 'video', 'audio', 'source', 'track', 'portal', 'param',
  'keygen', 'image', 'animate', 'set', 'foreignobject', 'html', 'head', 'body', 'xss']);
// What the template (post.html's comment list) and cmark-gfm (safe mode:
// table, strikethrough, autolink, tagfilter) write; nothing else may appear.
const ALLOW_TAGS = new Set(['ol', 'ul', 'li', 'article', 'p', 'strong', 'em', 'a', 'time', 'span', 'div',
  'code', 'pre', 'blockquote', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'br', 'img', 'del', 'table',
  'thead', 'tbody', 'tr', 'th', 'td']);
// No style: the template indents by class, and the Content-Security-Policy
// would block a style attribute anyway.
const ALLOW_ATTRS = new Set(['class', 'id', 'data-comment-id', 'data-reply-to', 'href', 'rel',
  'datetime', 'src', 'alt', 'title', 'align', 'start']);
const URL_ATTRS = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'background', 'poster',
  'data', 'codebase', 'cite', 'dynsrc', 'lowsrc', 'srcset', 'ping', 'longdesc', 'classid', 'archive',
  'usemap', 'manifest', 'icon', 'profile', 'srcdoc', 'to', 'values', 'from', 'by']);

const HTML_NAMED = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", colon: ':', tab: '\t', newline: '\n',
  nbsp: '\u00a0', sol: '/', lpar: '(', rpar: ')', period: '.', comma: ',', excl: '!', num: '#', semi: ';',
  equals: '=', bsol: '\\', grave: '`', lowbar: '_', percnt: '%', quest: '?', commat: '@' };

// Character references as a browser decodes them in an attribute value
// (numeric ones with or without the semicolon; the named ones that matter
// for a scheme).
function htmlDecode(s) {
  return s.replace(/&(?:#[xX]([0-9a-fA-F]+);?|#([0-9]+);?|([a-zA-Z]+);)/g, (m, hex, dec, name) => {
    if (hex || dec) {
      const cp = hex ? parseInt(hex, 16) : Number(dec);
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
    }
    return HTML_NAMED[name.toLowerCase()] ?? m;
  });
}

// A URL a browser would run or load as a document of its own.
function dangerousUrl(value) {
  const s = htmlDecode(value).replace(/^[\x00-\x20]+/, '').replace(/[\t\n\r]/g, '');
  return /^(?:javascript|vbscript|data|livescript|mocha):/i.test(s);
}

// Problems found in an HTML fragment: [string].
function htmlProblems(html) {
  const out = [];
  if (/<script/i.test(html)) out.push(`<script: …${around(html, html.search(/<script/i))}…`);
  for (const m of html.matchAll(/<([a-zA-Z][^\s/>]*)((?:"[^"]*"|'[^']*'|[^'">])*)>/g)) {
    const tag = m[1].toLowerCase();
    const attrs = m[2];
    if (DENY_TAGS.has(tag)) out.push(`<${tag}> element: ${m[0].slice(0, 120)}`);
    else if (!ALLOW_TAGS.has(tag)) out.push(`unexpected element <${tag}>: ${m[0].slice(0, 120)}`);
    // The brief's rule, with quoted values blanked so reader text in
    // alt="…" is not taken for markup; '/' and quotes separate attributes
    // too (<svg/onload=…>).
    if (/(?:^|[\s/"'])on[a-z]+\s*=/i.test(attrs.replace(/"[^"]*"|'[^']*'/g, '""'))) {
      out.push(`on*= attribute: ${m[0].slice(0, 120)}`);
    }
    for (const a of attrs.matchAll(/([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
      const name = a[1].toLowerCase();
      const value = a[2] ?? a[3] ?? a[4] ?? '';
      if (name.startsWith('on')) out.push(`handler ${name}=: ${m[0].slice(0, 120)}`);
      else if (!ALLOW_ATTRS.has(name)) out.push(`unexpected attribute ${name}: ${m[0].slice(0, 120)}`);
      if (URL_ATTRS.has(name) && dangerousUrl(value)) out.push(`${name} with a script or data URL: ${m[0].slice(0, 120)}`);
      if (name === 'style') {
        const css = htmlDecode(value);
        out.push(`${/url\s*\(|expression|javascript:|behavior|binding|@import/i.test(css) ? 'style with url()/expression' : 'unexpected style'}: ${m[0].slice(0, 120)}`);
      }
    }
  }
  return out;
}

function around(s, i) {
  return s.slice(Math.max(0, i - 60), i + 100).replace(/\n/g, '\\n');
}

// The comment list of a post page: from the template's <ol class=
// "comment-list"> (the first: reader content comes after it) to its </ol>,
// the last one before the template's form (the last: any copy a reader
// smuggled in would come before it).
function commentRegion(html) {
  const start = html.indexOf('<ol class="comment-list">');
  const formAt = html.lastIndexOf('<form id="respond" class="comment-form"');
  const stop = formAt >= 0 ? formAt : html.lastIndexOf('<script src="/static/views.js"');
  const end = html.lastIndexOf('</ol>', stop);
  assert.ok(start >= 0 && stop > start && end > start, 'the page has the comment list and the form after it');
  return html.slice(start, end + '</ol>'.length);
}

const scriptTags = (html) => [...html.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0]);

// ---- the site -------------------------------------------------------------

let site;
let srv;
let posts; // [{id, path}] published posts with comments open
let baseline; // {scripts} of a post page with no comments
let loaded; // {vectors, dups}
let ipCounter = 0;
const accepted = new Map(); // post id -> [{id, source, name}]
const refused = []; // {source, name, status, error}
const tally = Object.fromEntries([...SOURCES, 'form', 'browser', 'url'].map((s) => [s, { posted: 0, accepted: 0, refused: 0, retried: 0 }]));
const feeds = []; // {what, text, expect: [ids]}
const feedProblems = [];

function newIp() {
  ipCounter += 1;
  return `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
}

function remember(postId, id, source, name) {
  if (!accepted.has(postId)) accepted.set(postId, []);
  accepted.get(postId).push({ id, source, name });
}

// A JSON string with these bytes as they are, escaping only what JSON must.
function jsonBytes(buf) {
  const out = [Buffer.from('"')];
  for (const b of buf) {
    if (b === 0x22 || b === 0x5c) out.push(Buffer.from([0x5c, b]));
    else if (b < 0x20) out.push(Buffer.from(`\\u${b.toString(16).padStart(4, '0')}`));
    else out.push(Buffer.from([b]));
  }
  out.push(Buffer.from('"'));
  return Buffer.concat(out);
}

async function apiComment(fields, { ip = newIp() } = {}) {
  let body;
  if (Buffer.isBuffer(fields.body)) {
    const rest = JSON.stringify({ ...fields, body: undefined });
    body = Buffer.concat([Buffer.from(`${rest.slice(0, -1)},"body":`), jsonBytes(fields.body), Buffer.from('}')]);
  } else {
    body = JSON.stringify(fields);
  }
  const res = await fetch(`${srv.url}/api/v1/comments`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: srv.url, 'X-Forwarded-For': ip },
    body,
    signal: AbortSignal.timeout(TIMEOUT),
  });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch { /* reported by the caller */ }
  return { status: res.status, json, text, type: res.headers.get('content-type') };
}

// The reader's name: the vector itself when it is a valid name (short, no
// control characters), so the author slot is attacked too.
function authorFor(source, i, body) {
  if (typeof body === 'string' && body.trim() !== '' && Buffer.byteLength(body) <= LIMITS.LIM_AUTHOR_BYTES &&
      !/[\x00-\x1f]/.test(body) && !/[\ud800-\udfff]/.test(body)) return body;
  return `${source} vector ${i}`;
}

// Post one vector; returns a problem string or null.
async function postVector(post, source, i, v) {
  tally[source].posted++;
  const fields = { post_id: post.id, author: authorFor(source, i, v.body), email: `v${i}@${source}.example`, body: v.body };
  let r = await apiComment(fields);
  if (r.status === 409 && !mustRefuse(v.body)) {
    // Same words (the duplicate rule ignores case and punctuation) as an
    // earlier vector on this post: the vector again, with its number after it.
    tally[source].retried++;
    r = await apiComment({ ...fields, body: `${v.body}\n\n(vector ${source} ${i})` });
  }
  const what = `${source} "${v.name}" → ${r.status} ${r.text.slice(0, 200)}`;
  if (r.status >= 500 || r.status < 200) return `server error: ${what}`;
  if (r.status === 201) {
    if (mustRefuse(v.body)) return `accepted what must be refused: ${what}`;
    if (r.json?.status !== 'approved' || !Number.isInteger(r.json?.id)) return `not approved at once: ${what}`;
    tally[source].accepted++;
    remember(post.id, r.json.id, source, v.name);
    return null;
  }
  if (r.status >= 400 && r.status < 500) {
    if (!/application\/json/.test(r.type ?? '') || typeof r.json?.error !== 'string') return `4xx without a JSON error: ${what}`;
    tally[source].refused++;
    refused.push({ source, name: v.name, status: r.status, error: r.json.error });
    if (!mustRefuse(v.body)) return `refused well-formed input: ${what}`;
    return null;
  }
  return `unexpected status: ${what}`;
}

// The newest LIM_FEED_ITEMS comments must include the batch just posted:
// keep the post's and the site's comment feeds for checking.
async function keepFeeds(post, ids) {
  for (const [what, url] of [[`${post.path}feed/`, `${srv.url}${post.path}feed/`], ['/comments/feed/', `${srv.url}/comments/feed/`]]) {
    const r = await get(url, { timeout: TIMEOUT });
    if (r.status !== 200) feedProblems.push(`${what}: ${r.status}`);
    feeds.push({ what, text: r.text, expect: ids });
  }
}

async function postAll(post, source, list, t) {
  for (let b = 0; b < list.length; b += BATCH) {
    const batch = list.slice(b, b + BATCH);
    const before = accepted.get(post.id)?.length ?? 0;
    const problems = (await Promise.all(batch.map((v, k) => postVector(post, source, b + k, v)))).filter(Boolean);
    assert.deepEqual(problems, [], `${source}: ${problems.length} vectors answered wrongly`);
    const ids = (accepted.get(post.id) ?? []).slice(before).map((x) => x.id);
    if (ids.length) await keepFeeds(post, ids);
  }
  t.diagnostic(`${source}: ${list.length} vectors (${loaded.dups[source]} duplicates in the source dropped): ` +
    `${tally[source].accepted} accepted, ${tally[source].refused} refused` +
    `${tally[source].retried ? `, ${tally[source].retried} posted again with their number (duplicate rule)` : ''}`);
}

async function settings(pairs) {
  for (const [k, v] of pairs) {
    const r = await run(['settings', 'set', k, String(v), '--site', site.dir]);
    assert.equal(r.code, 0, `settings set ${k} ${v}: ${r.stderr}`);
  }
}

// Every page of a post's comments: [{path, html}], following "Load more".
async function commentPages(post) {
  const pages = [];
  let next = post.path;
  const max = Math.ceil((accepted.get(post.id)?.length ?? 0) / LIMITS.LIM_COMMENT_THREADS) + 2;
  while (next && pages.length < max) {
    const r = await get(srv.url + next, { timeout: TIMEOUT });
    assert.equal(r.status, 200, `${next}: ${r.status}`);
    pages.push({ path: next, html: r.text });
    const more = /<p class="load-more"><a href="([^"#]+)(?:#[^"]*)?" data-load-more>/.exec(r.text.slice(r.text.lastIndexOf('</ol>', r.text.lastIndexOf('<form id="respond"'))));
    next = more ? more[1] : null;
  }
  return pages;
}

const shownIds = (region) => [...region.matchAll(/<li class="comment depth-\d+" id="comment-(\d+)"/g)].map((m) => Number(m[1]));

before(async () => {
  if (SKIP) return;
  loaded = loadVectors();
  site = await newSite({ demo: true, demoArgs: ['--posts', '12', '--comments', '0'] });
  // Every comment approved at once and no limit in the way: what is tested
  // is what the page does with what a reader wrote.
  await settings([['comments_hold', 'none'], ['comments_min_seconds', 0], ['comments_rate_minute', 0],
    ['comments_rate_hour', 0], ['comments_max_links', 1000], ['comments_max_depth', 10]]);
  srv = await startServer(site.dir);
  // Published posts with their paths: the RSS feed's guid is URL/?p=ID.
  const feed = (await get(`${srv.url}/feed/`)).text;
  posts = [];
  for (const [, item] of feed.matchAll(/<item>([\s\S]*?)<\/item>/g)) {
    const id = Number(/\?p=(\d+)<\/guid>/.exec(item)?.[1]);
    const link = /<link>([^<]+)<\/link>/.exec(item)?.[1];
    if (!id || !link) continue;
    const p = new URL(link).pathname;
    const html = (await get(srv.url + p)).text;
    if (html.includes(`data-post-id="${id}"`) && html.includes('<form id="respond" class="comment-form"')) posts.push({ id, path: p, html });
  }
  assert.ok(posts.length >= 9, `9 posts open for comments, found ${posts.length}`);
  baseline = { scripts: scriptTags(posts.at(-1).html) };
});
afterEach((t) => reportOnFailure(t, srv));
after(async () => {
  try {
    if (srv) await stopClean(srv);
  } finally {
    await cleanup();
  }
});

// posts[k] per source; the last one keeps no comments (the baseline).
const postOf = (what) => posts[['dompurify', 'html5lib', 'htmlpurifier', 'owasp', 'miniflux', 'form', 'browser', 'url'].indexOf(what)];

function skipWithout(t) {
  if (!SKIP) return false;
  t.skip(SKIP);
  return true;
}

test('the checks find what they look for (so a pass means something)', (t) => {
  if (skipWithout(t)) return;
  const bad = [
    '<SCRIPT>alert(1)</SCRIPT>', '<img src=x onerror=alert(1)>', '<svg/onload=alert(1)>', '<a href="#"onclick="x">',
    '<a href="javascript:alert(1)">', '<a href=JAVASCRIPT:alert(1)>', '<a href=" &#09;java&Tab;script:alert(1)">',
    '<a href="&#106;avascript:alert(1)">', '<img src="&#0000106avascript:alert(1)">', '<a href="&#x6A;avascript:x">',
    '<a href="vbscript:msgbox(1)">', '<a href="data:text/html,x">', '<div style="background:url(javascript:alert(1))">',
    '<iframe src=x>', '<object data=x>', '<embed src=x>', '<style>', '<base href=x>', '<meta http-equiv=refresh>',
    '<link rel=import>', '<form action=x>', '<math>', '<textarea>', '<marquee>', '<p title="x" onmouseover="y">',
  ];
  for (const b of bad) assert.ok(htmlProblems(b).length > 0, `found in ${b}`);
  const clean = '<li class="comment depth-0" id="comment-1" data-comment-id="1"><article>' +
    '<p><a rel="nofollow ugc" href="https://x.example/?a=javascript:">x</a> <img src="" alt=" onerror=alert(1) &lt;script&gt;" />' +
    '<code>&lt;script&gt;alert(1)&lt;/script&gt;</code> <!-- raw HTML omitted --></p></article></li>';
  assert.deepEqual(htmlProblems(clean), [], 'markup the renderer writes, with hostile text in its values, passes');
});

test('every vector through the JSON API: 201 and approved, or a clean 4xx for what must be refused', async (t) => {
  if (skipWithout(t)) return;
  for (const s of SOURCES) await postAll(postOf(s), s, loaded.vectors[s], t);
  const byReason = new Map();
  for (const r of refused) {
    const k = `${r.status} "${r.error}"`;
    byReason.set(k, (byReason.get(k) ?? 0) + 1);
  }
  t.diagnostic(`refused: ${[...byReason].map(([k, n]) => `${n} × ${k}`).join('; ')}`);
  const total = SOURCES.reduce((n, s) => n + loaded.vectors[s].length, 0);
  t.diagnostic(`${total} vectors in all, ${refused.length} refused`);
  assert.ok(total > 500, `the fixtures gave ${total} vectors`);
});

test('a sample through the form without JavaScript: 303 to the comment; bytes that are not UTF-8 or a NUL: a clean 400', async (t) => {
  if (skipWithout(t)) return;
  const post = postOf('form');
  const stamp = /name="stamp" value="([^"]+)"/.exec(post.html)[1];
  const all = SOURCES.flatMap((s) => loaded.vectors[s].map((v) => ({ ...v, source: s })));
  const sample = all.filter((v, i) => i % 7 === 0 && typeof v.body === 'string' && !mustRefuse(v.body));
  const form = async (fields, rawBody) => {
    const res = await fetch(`${srv.url}/comments`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: srv.url, 'X-Forwarded-For': newIp() },
      body: rawBody ?? new URLSearchParams(fields).toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT),
    });
    return { status: res.status, location: res.headers.get('location'), text: await res.text() };
  };
  const problems = [];
  for (let b = 0; b < sample.length; b += BATCH) {
    const batch = sample.slice(b, b + BATCH);
    const before = accepted.get(post.id)?.length ?? 0;
    await Promise.all(batch.map(async (v, k) => {
      const i = b + k;
      tally.form.posted++;
      let r = await form({ post_id: post.id, author: authorFor('form', i, v.body), email: `f${i}@form.example`, body: v.body, stamp });
      if (r.status === 409) {
        tally.form.retried++;
        r = await form({ post_id: post.id, author: `form vector ${i}`, body: `${v.body}\n\n(form ${i})`, stamp });
      }
      const m = r.status === 303 ? new RegExp(`^${post.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}#comment-(\\d+)$`).exec(r.location ?? '') : null;
      if (!m) {
        problems.push(`${v.source} "${v.name}" → ${r.status} ${r.location ?? ''} ${r.text.slice(0, 200)}`);
        return;
      }
      tally.form.accepted++;
      remember(post.id, Number(m[1]), 'form', `${v.source} ${v.name}`);
    }));
    const ids = (accepted.get(post.id) ?? []).slice(before).map((x) => x.id);
    if (ids.length) await keepFeeds(post, ids);
  }
  assert.deepEqual(problems, [], 'every sampled vector is accepted through the form');

  // What the form cannot carry: bytes that are not UTF-8 (the US-ASCII
  // vector, overlong '<'), %00, and a raw NUL byte in the body.
  const enc = (s) => s.replace(/[^A-Za-z0-9*._-]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  const head = `post_id=${post.id}&author=Bytes&stamp=${enc(stamp)}&body=`;
  for (const [what, raw, want] of [
    ['US-ASCII encoding bytes', `${head}%BCscript%BEalert(%A2XSS%A2)%BC/script%BE`, /not valid UTF-8/],
    ['overlong UTF-8 <script>', `${head}%C0%BCscript%C0%BEalert(1)%C0%BC/script%C0%BE`, /not valid UTF-8/],
    ['a surrogate in UTF-8', `${head}%ED%A0%80%3Cscript%3E`, /not valid UTF-8/],
    ['%00 inside <SCR%00IPT>', `${head}%3CSCR%00IPT%3Ealert(1)%3C/SCR%00IPT%3E`, /percent-encoding/],
  ]) {
    const r = await form(null, raw);
    tally.form.posted++;
    assert.equal(r.status, 400, `${what}: ${r.status} ${r.text.slice(0, 200)}`);
    assert.match(r.text, want, what);
    tally.form.refused++;
  }
  // A raw NUL byte with a required field after it: refused either way.
  const nul = await form(null, Buffer.concat([Buffer.from(`post_id=${post.id}&body=%3Cb%3E`), Buffer.from([0]), Buffer.from('%3Cscript%3Ealert(1)%3C/script%3E&author=Nul')]));
  tally.form.posted++;
  assert.equal(nul.status, 400, `a raw NUL byte in the form: ${nul.text.slice(0, 200)}`);
  tally.form.refused++;
  t.diagnostic(`form: ${tally.form.posted} posted, ${tally.form.accepted} accepted (${tally.form.retried} again with their number), ${tally.form.refused} refused`);
});

test('a raw NUL byte in a form body is refused, as %00 and a NUL in JSON are, not taken as the end of the form', async (t) => {
  if (skipWithout(t)) return;
  // A urlencoded body never holds a raw NUL; one that does is malformed.
  // Reading the body as a C string would stop there and take the fields
  // before it as the whole form, dropping the rest of the body unseen.
  const post = postOf('form');
  const stamp = /name="stamp" value="([^"]+)"/.exec(post.html)[1];
  const marker = `nul-${Date.now()}`;
  const raw = Buffer.concat([
    Buffer.from(`post_id=${post.id}&author=Nul&stamp=${encodeURIComponent(stamp)}&body=${marker}+before+the+NUL`),
    Buffer.from([0]),
    Buffer.from('+after+the+NUL%3Cscript%3Ealert(1)%3C/script%3E&website=filled-honeypot'),
  ]);
  const res = await fetch(`${srv.url}/comments`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: srv.url, 'X-Forwarded-For': newIp() },
    body: raw,
    redirect: 'manual',
    signal: AbortSignal.timeout(TIMEOUT),
  });
  const text = await res.text();
  // If it was taken, it is on the page: the checks of the pages count it.
  const id = Number(/#comment-(\d+)$/.exec(res.headers.get('location') ?? '')?.[1]);
  if (id) remember(post.id, id, 'form', 'raw NUL byte');
  const stored = id ? (await fetch(`${srv.url}/api/v1/posts/${post.id}/comments?page=${Math.ceil(accepted.get(post.id).length / LIMITS.LIM_COMMENT_THREADS)}`)
    .then((r) => r.json())).comments.find((c) => c.id === id) : null;
  assert.equal(res.status, 400, `answered ${res.status} ${res.headers.get('location') ?? ''} ${text.slice(0, 120)}; ` +
    `stored: ${stored ? JSON.stringify(stored.html) : 'nothing'}`);
});

test('the url field: a hostile http(s) URL is kept inside its attribute; any other scheme is refused', async (t) => {
  if (skipWithout(t)) return;
  const post = postOf('url');
  const good = [
    'https://x.example/"><script>alert(1)</script>',
    "https://x.example/' onmouseover='alert(1)",
    'https://x.example/" onmouseover="alert(1)" x="',
    'http://x.example/?a=<img src=x onerror=alert(1)>',
    'https://x.example/"onfocus="alert(1)"autofocus="',
    'https://x.example/&quot;onmouseover=&quot;alert(1)',
    'http://x.example/#javascript:alert(1)',
    'https://x.example/\u2028\u2029"><svg onload=alert(1)>',
    'http://x.example/</strong></p><iframe src=javascript:alert(1)>',
  ];
  const bad = ['javascript:alert(1)', ' javascript:alert(1)', 'JaVaScRiPt:alert(1)', '\tjavascript:alert(1)',
    'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)', '//x.example/', 'HTTP://x.example/',
    'java\nscript:alert(1)', 'https://x.example/\u0000"><script>'];
  for (const [i, url] of good.entries()) {
    tally.url.posted++;
    const r = await apiComment({ post_id: post.id, author: `Url ${i}`, url, body: `a comment with a website ${i}` });
    assert.equal(r.status, 201, `${JSON.stringify(url)}: ${r.status} ${r.text}`);
    tally.url.accepted++;
    remember(post.id, r.json.id, 'url', url);
  }
  for (const url of bad) {
    tally.url.posted++;
    const r = await apiComment({ post_id: post.id, author: 'Url', url, body: `a comment with ${JSON.stringify(url)}` });
    assert.equal(r.status, 400, `${JSON.stringify(url)}: ${r.status} ${r.text}`);
    tally.url.refused++;
  }
  await keepFeeds(post, accepted.get(post.id).map((x) => x.id));
  t.diagnostic(`url field: ${good.length} accepted, ${bad.length} refused`);
});

test('every page of comments holds every acknowledged comment once and no executable markup', async (t) => {
  if (skipWithout(t)) return;
  const problems = [];
  let pagesSeen = 0;
  for (const [postId, list] of accepted) {
    const post = posts.find((p) => p.id === postId);
    const pages = await commentPages(post);
    const seen = [];
    for (const pg of pages) {
      pagesSeen++;
      const region = commentRegion(pg.html);
      seen.push(...shownIds(region));
      for (const p of htmlProblems(region)) problems.push(`${pg.path}: ${p}`);
      assert.deepEqual(scriptTags(pg.html), baseline.scripts, `${pg.path}: the page's <script> tags are the template's`);
    }
    assert.equal(seen.length, new Set(seen).size, `${post.path}: no comment twice`);
    assert.deepEqual([...seen].sort((a, b) => a - b), list.map((x) => x.id).sort((a, b) => a - b),
      `${post.path}: every acknowledged comment is shown, across ${pages.length} pages`);
    post.pages = pages.map((p) => ({ path: p.path, count: shownIds(commentRegion(p.html)).length }));
  }
  t.diagnostic(`${pagesSeen} comment pages checked`);
  assert.deepEqual(problems.slice(0, 40), [], `${problems.length} problems in the rendered comment lists`);
});

test('the JSON list of a post\'s comments: every html field clean', async (t) => {
  if (skipWithout(t)) return;
  const problems = [];
  for (const [postId, list] of accepted) {
    const ids = [];
    for (let page = 1; page <= Math.ceil(list.length / LIMITS.LIM_COMMENT_THREADS); page++) {
      const r = await get(`${srv.url}/api/v1/posts/${postId}/comments?page=${page}`, { timeout: TIMEOUT });
      assert.equal(r.status, 200);
      const j = JSON.parse(r.text);
      assert.equal(j.count, list.length, `post ${postId}: count is exact`);
      for (const c of j.comments) {
        ids.push(c.id);
        for (const p of htmlProblems(c.html)) problems.push(`post ${postId} comment ${c.id}: ${p}`);
      }
    }
    assert.deepEqual(ids.sort((a, b) => a - b), list.map((x) => x.id).sort((a, b) => a - b), `post ${postId}: the API lists every comment`);
  }
  assert.deepEqual(problems.slice(0, 40), [], `${problems.length} problems in the API's html`);
});

test('the post\'s comment feed and the site\'s comment feed, after every batch: each new comment, as safe HTML', async (t) => {
  if (skipWithout(t)) return;
  const problems = [...feedProblems];
  let items = 0;
  for (const f of feeds) {
    assert.doesNotMatch(f.text, /<script/i, `${f.what}: no <script element in the XML`);
    const got = [];
    for (const [, item] of f.text.matchAll(/<item>([\s\S]*?)<\/item>/g)) {
      items++;
      const id = Number(/#comment-(\d+)<\/link>/.exec(item)?.[1]);
      got.push(id);
      // A reader takes description and content:encoded for HTML.
      for (const el of ['description', 'content:encoded']) {
        const m = new RegExp(`<${el}>([\\s\\S]*?)</${el}>`).exec(item);
        if (!m) continue;
        for (const p of htmlProblems(cdataOrText(m[1]))) problems.push(`${f.what} comment ${id} ${el}: ${p}`);
      }
    }
    assert.ok(got.length <= LIMITS.LIM_FEED_ITEMS);
    const missing = f.expect.filter((id) => !got.includes(id));
    assert.deepEqual(missing, [], `${f.what}: the newest comments are in the feed`);
  }
  t.diagnostic(`${feeds.length} feeds, ${items} items checked`);
  assert.deepEqual(problems.slice(0, 40), [], `${problems.length} problems in the feeds`);
});

test('in Chromium: no dialog, no page error, no script or handler in the DOM, on every page of comments', async (t) => {
  if (skipWithout(t)) return;
  const browser = await launch();
  try {
    // The markup alone must be safe: the pages' Content-Security-Policy
    // (headers.test.mjs) blocks inline handlers and script URLs, and would
    // hide a sanitizer that let one through, so this browser ignores it.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    context.setDefaultTimeout(TIMEOUT);
    context.setDefaultNavigationTimeout(TIMEOUT);
    const dialogs = [];
    const errors = [];
    const external = new Set();
    const open = async (where) => {
      const page = await context.newPage();
      page.on('dialog', (d) => {
        dialogs.push(`${d.type()} "${d.message()}" on ${where}`);
        d.dismiss().catch(() => {});
      });
      page.on('pageerror', (e) => errors.push(`${where}: pageerror: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(`${where}: console.error: ${m.text()}`);
      });
      // Loopback only: anything a comment points elsewhere is not fetched
      // (and noted).
      await page.route('**/*', (route) => {
        const u = route.request().url();
        if (u.startsWith(srv.url)) return route.continue();
        external.add(u);
        return route.abort();
      });
      return page;
    };

    // The DOM as the browser parsed it, after every element of the comment
    // list got the events inline handlers listen for.
    const inspect = (page) => page.evaluate(async () => {
      document.addEventListener('click', (ev) => {
        const a = ev.target.closest?.('a[href]');
        // Links elsewhere are not followed; a script URL would be (and
        // its dialog caught).
        if (a && !/^(javascript|vbscript|data):$/i.test(a.protocol)) ev.preventDefault();
      }, true);
      document.addEventListener('submit', (ev) => ev.preventDefault(), true);
      const list = document.querySelector('section.comments .comment-list');
      const mouse = ['mouseover', 'mouseenter', 'mousemove', 'mousedown', 'mouseup', 'click', 'dblclick', 'contextmenu', 'mouseout', 'mouseleave'];
      const other = ['focus', 'focusin', 'blur', 'keydown', 'keypress', 'keyup', 'input', 'change', 'select',
        'pointerover', 'pointerenter', 'pointerdown', 'animationstart', 'animationend', 'transitionend',
        'dragstart', 'drop', 'wheel', 'scroll', 'load', 'error', 'toggle', 'beforeprint', 'copy', 'paste'];
      for (const el of list.querySelectorAll('*')) {
        if (el.closest('.comment-actions')) continue; // the reply link: the page's own script
        for (const type of mouse) el.dispatchEvent(new MouseEvent(type, { bubbles: true, cancelable: true }));
        for (const type of other) el.dispatchEvent(new Event(type, { bubbles: true, cancelable: true }));
      }
      for (let y = 0; y < document.body.scrollHeight; y += innerHeight / 2) {
        scrollTo(0, y);
        await new Promise((r) => setTimeout(r, 5));
      }
      await new Promise((r) => setTimeout(r, 200));
      const deny = /^(script|iframe|frame|frameset|object|embed|applet|style|base|meta|link|form|svg|math|noscript|template|xmp|plaintext|textarea|input|button|select|portal|video|audio|source)$/;
      const urlAttrs = /^(href|src|action|formaction|xlink:href|background|poster|data|srcdoc|srcset|ping|cite)$/i;
      const problems = [];
      for (const el of list.querySelectorAll('*')) {
        // The reply link and one's own Edit/Delete buttons: the template's
        // and the page script's (Markdown cannot write a class attribute).
        if (el.closest('.comment-actions')) continue;
        if (deny.test(el.localName)) problems.push(`<${el.localName}> in the DOM: ${el.outerHTML.slice(0, 120)}`);
        for (const a of el.attributes) {
          if (/^on/i.test(a.name)) problems.push(`${a.name} attribute in the DOM: ${el.outerHTML.slice(0, 120)}`);
          if (urlAttrs.test(a.name)) {
            let proto = '';
            try {
              proto = new URL(a.value, location.href).protocol;
            } catch { /* not a URL: nothing to run */ }
            if (/^(javascript|vbscript|data):$/.test(proto)) problems.push(`${a.name}=${proto} in the DOM: ${el.outerHTML.slice(0, 120)}`);
          }
        }
      }
      return {
        problems,
        comments: list.querySelectorAll('li.comment').length,
        form: !!document.querySelector('section.comments > form#respond'),
        scripts: [...document.scripts].map((s) => s.getAttribute('src') ?? '(inline)'),
      };
    });

    let pagesSeen = 0;
    let baseScripts;
    {
      const page = await open('baseline');
      await page.goto(srv.url + posts.at(-1).path, { waitUntil: 'load' });
      baseScripts = (await inspect(page)).scripts;
      await page.close();
    }
    {
      // The machinery catches an injection: markup with a handler put in
      // the list by hand fires a dialog and is reported.
      const page = await open('self-check');
      await page.goto(srv.url + posts.at(-1).path, { waitUntil: 'load' });
      await page.evaluate(() => document.querySelector('.comment-list').insertAdjacentHTML('beforeend',
        '<li class="comment"><a href="javascript:alert(1)">x</a><b onmouseover="confirm(2)">y</b></li>'));
      const got = await inspect(page);
      assert.ok(got.problems.length >= 2, `the self-check injection is reported: ${got.problems}`);
      assert.ok(dialogs.length >= 2, `the self-check injection fires its dialogs: ${dialogs}`);
      dialogs.length = 0;
      await page.close();
    }
    const problems = [];
    for (const post of posts.filter((p) => p.pages)) {
      for (const pg of post.pages) {
        const page = await open(pg.path);
        const res = await page.goto(srv.url + pg.path, { waitUntil: 'load' });
        assert.equal(res.status(), 200, pg.path);
        const got = await inspect(page);
        pagesSeen++;
        problems.push(...got.problems.map((p) => `${pg.path}: ${p}`));
        assert.equal(got.comments, pg.count, `${pg.path}: the browser sees every comment of the page (nothing swallowed the rest)`);
        assert.ok(got.form, `${pg.path}: the comment form is intact`);
        assert.deepEqual(got.scripts, baseScripts, `${pg.path}: only the template's scripts`);
        assert.equal(new URL(page.url()).pathname, pg.path, `${pg.path}: the page did not navigate away`);
        await page.close();
      }
    }

    // The page's own script: a sample posted through the form with
    // JavaScript (the answer's html goes in through innerHTML), then the
    // page loaded again (one's own comments are fetched and inserted again).
    const post = postOf('browser');
    const page = await open(`${post.path} (script form)`);
    await page.goto(srv.url + post.path, { waitUntil: 'load' });
    const all = SOURCES.flatMap((s) => loaded.vectors[s]).filter((v) => typeof v.body === 'string' && !mustRefuse(v.body) && v.body.length < 2000);
    const sample = all.filter((v, i) => i % 25 === 3);
    let posted = 0;
    for (const [i, v] of sample.entries()) {
      await page.evaluate(() => { document.querySelector('#respond .form-status').textContent = ''; });
      await page.fill('#c-author', `Browser ${i}`);
      await page.fill('#c-body', `${v.body}\n\n(browser ${i})`);
      await page.click('#respond button[type="submit"]');
      await page.waitForFunction(() => {
        const s = document.querySelector('#respond .form-status').textContent;
        return s !== '' && s !== 'Posting…';
      });
      const status = await page.textContent('#respond .form-status');
      assert.equal(status, 'Posted.', `"${v.name}" through the page's script: ${status}`);
      posted++;
    }
    tally.browser.posted = tally.browser.accepted = posted;
    let got = await inspect(page);
    problems.push(...got.problems.map((p) => `${post.path} (after posting): ${p}`));
    assert.equal(await page.locator('li.comment.own').count(), posted, 'each comment posted with the script is shown');
    await page.reload({ waitUntil: 'load' });
    await page.waitForFunction((n) => document.querySelectorAll('li.comment.own').length === n, posted);
    got = await inspect(page);
    problems.push(...got.problems.map((p) => `${post.path} (reloaded): ${p}`));
    await page.close();

    // The feeds kept above parse as XML (the writer drops what XML forbids).
    const xmlPage = await open('feeds');
    await xmlPage.goto(`${srv.url}/`, { waitUntil: 'load' });
    const badXml = await xmlPage.evaluate((texts) => texts.map((x) => {
      const doc = new DOMParser().parseFromString(x.text, 'application/xml');
      const err = doc.querySelector('parsererror');
      return err ? `${x.what}: ${err.textContent.slice(0, 200)}` : null;
    }).filter(Boolean), feeds.map((f) => ({ what: f.what, text: f.text })));
    await xmlPage.close();

    t.diagnostic(`Chromium: ${pagesSeen} comment pages, ${posted} comments posted through the page's script; ` +
      `${external.size} requests elsewhere blocked${external.size ? ` (${[...external].slice(0, 5).join(' ')})` : ''}`);
    assert.deepEqual(dialogs, [], 'no alert, confirm or prompt');
    assert.deepEqual(errors, [], 'no page errors');
    assert.deepEqual(problems.slice(0, 40), [], `${problems.length} problems in the DOM`);
    assert.deepEqual(badXml, [], 'every comment feed is well-formed XML');
  } finally {
    await browser.close();
  }
});
