// The admin's shared script: the CSRF token for fetch() calls and a
// confirmation on buttons marked data-confirm.  Screens that need more
// load their own file from /static/.  Every screen works without it.
'use strict';
window.gazette = {
  csrf() {
    return document.body.dataset.csrf || '';
  },
  // A JSON API call with the session's CSRF token; resolves with
  // {status, body} (body parsed when it is JSON).
  async api(method, url, body) {
    const res = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': this.csrf() },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const type = res.headers.get('Content-Type') || '';
    return { status: res.status, body: type.includes('json') ? await res.json() : await res.text() };
  },
};
document.addEventListener('click', (ev) => {
  const b = ev.target.closest('[data-confirm]');
  if (b && !window.confirm(b.dataset.confirm)) ev.preventDefault();
});
