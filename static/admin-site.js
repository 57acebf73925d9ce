// Sections and sidebar blocks: the ↑/↓ buttons move a row through the
// JSON API without reloading the page (PUT {position}).  Without this
// script the same buttons are plain forms that save and come back.
'use strict';
(() => {
  const live = document.querySelector('.site-live');
  function say(text, ok) {
    if (!live) return;
    live.hidden = false;
    live.textContent = text;
    live.classList.toggle('ok', ok);
    live.classList.toggle('error', !ok);
  }
  // Disable the first row's ↑ and the last row's ↓; renumber.
  function refresh(tbody) {
    const rows = [...tbody.querySelectorAll('tr[data-id]')];
    rows.forEach((tr, i) => {
      const up = tr.querySelector('button[value=up]');
      const down = tr.querySelector('button[value=down]');
      if (up) up.disabled = i === 0;
      if (down) down.disabled = i === rows.length - 1;
      const pos = tr.querySelector('input.pos');
      if (pos) pos.value = String(i + 1);
      const label = tr.querySelector('.pos-label');
      if (label) label.textContent = String(i + 1);
    });
  }
  document.addEventListener('submit', async (ev) => {
    const form = ev.target.closest('form.js-move');
    if (!form || !window.gazette) return;
    const table = form.closest('table[data-api]');
    const tr = form.closest('tr[data-id]');
    if (!table || !tr) return;
    ev.preventDefault();
    const tbody = tr.parentElement;
    const rows = [...tbody.querySelectorAll('tr[data-id]')];
    const from = rows.indexOf(tr);
    const to = from + Number(form.dataset.dir);
    if (to < 0 || to >= rows.length) return;
    const button = form.querySelector('button');
    button.disabled = true;
    let res;
    try {
      res = await window.gazette.api('PUT', table.dataset.api + tr.dataset.id, { position: to });
    } catch (err) {
      res = { status: 0, body: { error: String(err) } };
    }
    if (res.status !== 200) {
      button.disabled = false;
      say(`Not moved: ${(res.body && res.body.error) || res.status}. Reload the page and try again.`, false);
      return;
    }
    if (to < from) tbody.insertBefore(tr, rows[to]);
    else tbody.insertBefore(tr, rows[to].nextSibling);
    refresh(tbody);
    tr.classList.add('moved');
    setTimeout(() => tr.classList.remove('moved'), 1200);
    const moved = tr.querySelector(`button[value=${to < from ? 'up' : 'down'}]`);
    if (moved && !moved.disabled) moved.focus();
    say('The new order was saved.', true);
  });
})();
