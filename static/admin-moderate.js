// The comment queue's keyboard, for moderators working through hundreds:
//   j / k   select the next / previous comment (highlighted, scrolled to)
//   a s d   approve, spam, trash (delete) the selected comment
//   x       tick or untick its box (for the bulk form)
//   ?       show or hide the legend of these keys
// A decision goes through POST /api/v1/admin/comments/decide, the row
// leaves the list (when it leaves this status) and the next one is
// selected; the per-row buttons do the same.  Without this script the
// buttons and the bulk form post as plain forms.
'use strict';
(() => {
  const table = document.getElementById('mod-queue');
  const legend = document.getElementById('mod-keys');
  const notice = document.getElementById('mod-notice');
  const empty = document.getElementById('mod-empty');
  if (legend) legend.hidden = false;
  if (!table) return;

  const status = table.dataset.status;
  const leavesAs = { approve: 'approved', 'not-spam': 'approved', spam: 'spam', trash: 'trash' };
  const done = {
    approve: 'Approved',
    'not-spam': 'Marked as not spam (approved)',
    spam: 'Marked as spam',
    trash: 'Moved to the trash',
  };
  let current = null;

  const rows = () => Array.from(table.tBodies[0].rows);

  function say(text, kind) {
    if (!notice) return;
    notice.textContent = text;
    notice.className = `notice ${kind}`;
    notice.hidden = false;
  }

  function select(row) {
    if (current) {
      current.classList.remove('selected');
      current.removeAttribute('aria-selected');
    }
    current = row || null;
    if (!current) return;
    current.classList.add('selected');
    current.setAttribute('aria-selected', 'true');
    current.scrollIntoView({ block: 'nearest' });
  }

  function move(step) {
    const list = rows();
    if (list.length === 0) return;
    const i = list.indexOf(current);
    if (i < 0) select(list[0]);
    else select(list[Math.min(list.length - 1, Math.max(0, i + step))]);
  }

  function setCounts(counts) {
    if (!counts) return;
    for (const [name, n] of Object.entries(counts)) {
      const el = document.querySelector(`[data-count="${name}"]`);
      if (el) el.textContent = String(n);
    }
  }

  async function decide(row, action) {
    if (!row || row.classList.contains('busy') || !leavesAs[action]) return;
    const id = Number(row.dataset.id);
    row.classList.add('busy');
    let res;
    try {
      res = await window.gazette.api('POST', '/api/v1/admin/comments/decide', { ids: [id], action });
    } catch (err) {
      row.classList.remove('busy');
      say(`Comment ${id} was not changed: ${err.message}.`, 'error');
      return;
    }
    row.classList.remove('busy');
    const result = res.status === 200 && res.body.results ? res.body.results[0] : null;
    if (!result || !result.ok) {
      const why = result ? result.error : (res.body && res.body.error) || `HTTP ${res.status}`;
      say(`Comment ${id} was not changed: ${why}.`, 'error');
      return;
    }
    setCounts(res.body.counts);
    say(`${done[action]}: comment ${id} by ${row.dataset.author}.`, 'ok');
    if (leavesAs[action] === status) return;
    const list = rows();
    const i = list.indexOf(row);
    const wasCurrent = row === current;
    row.remove();
    const rest = rows();
    if (rest.length === 0) {
      current = null;
      table.hidden = true;
      if (empty) empty.hidden = false;
    } else if (wasCurrent || !current) {
      select(rest[Math.min(i, rest.length - 1)]);
    }
  }

  // Typing in a field (the bulk form's select) is not a command.
  function typing(el) {
    return el instanceof Element &&
      el.matches('select, textarea, [contenteditable], input:not([type=checkbox]):not([type=radio])');
  }

  document.addEventListener('keydown', (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(ev.target)) return;
    switch (ev.key) {
      case 'j': move(1); break;
      case 'k': move(-1); break;
      case 'a': decide(current, 'approve'); break;
      case 's': decide(current, 'spam'); break;
      case 'd': decide(current, 'trash'); break;
      case 'x': {
        const box = current && current.querySelector('input[type=checkbox]');
        if (box) box.checked = !box.checked;
        break;
      }
      case '?': if (legend) legend.hidden = !legend.hidden; break;
      default: return;
    }
    ev.preventDefault();
  });

  // A click on a row selects it; its buttons decide in place.
  table.addEventListener('click', (ev) => {
    const row = ev.target.closest('tr.mod-row');
    if (row && row !== current) select(row);
  });
  table.addEventListener('submit', (ev) => {
    const row = ev.target.closest('tr.mod-row');
    const button = ev.submitter;
    if (!row || !button || !leavesAs[button.value]) return;
    ev.preventDefault();
    decide(row, button.value);
  });

  select(rows()[0]);
})();
