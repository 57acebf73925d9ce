// The editor's live preview and autosave (templates/admin_edit.html).
// Without this file the editor still works: the Preview button renders
// the preview on the server, and Save saves.
'use strict';
(() => {
  const form = document.getElementById('editor');
  if (!form) return;
  const body = form.querySelector('#body');
  const title = form.querySelector('#title');
  const version = form.querySelector('#version');
  const preview = document.getElementById('preview');
  const status = document.getElementById('autosave-status');
  const id = form.dataset.postId;
  const PREVIEW_DELAY_MS = 300;
  const AUTOSAVE_MS = Number(form.dataset.autosaveMs) || 20000;

  // Live preview: the same Markdown renderer as the site, through the API.
  let timer = null;
  let asked = 0;
  async function refresh() {
    const n = ++asked;
    try {
      const r = await window.gazette.api('POST', '/api/v1/admin/preview', { body: body.value });
      if (n !== asked) return; // a newer keystroke's answer is on its way
      if (r.status === 200) preview.innerHTML = r.body.html;
    } catch {
      // offline: the preview waits for the next keystroke
    }
  }
  body.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, PREVIEW_DELAY_MS);
  });

  // Uploads: a file chosen or dropped on the text goes to the media
  // library (POST /api/v1/media, streamed by the server) and its Markdown
  // is inserted where the cursor is.
  const upload = form.querySelector('.editor-upload');
  const fileInput = form.querySelector('#body-file');
  const upStatus = form.querySelector('#upload-status');
  async function send(file) {
    upStatus.textContent = `Uploading ${file.name}…`;
    const fd = new FormData();
    fd.append('file', file, file.name);
    try {
      const res = await fetch('/api/v1/media', {
        method: 'POST', body: fd, credentials: 'same-origin',
        headers: { 'X-CSRF-Token': window.gazette.csrf(), Accept: 'application/json' },
      });
      const r = await res.json();
      if (res.status !== 200 && res.status !== 201) {
        upStatus.textContent = `Not added: ${r.error}`;
        return;
      }
      const md = r.mime.startsWith('image/') ? r.markdown : `[${r.name}](${r.path})`;
      const at = body.selectionStart ?? body.value.length;
      const before = body.value.slice(0, at);
      const text = `${before && !before.endsWith('\n') ? '\n\n' : ''}${md}\n`;
      body.setRangeText(text, at, body.selectionEnd ?? at, 'end');
      body.dispatchEvent(new Event('input'));
      upStatus.textContent = `Added ${file.name}.`;
    } catch {
      upStatus.textContent = 'The upload failed (offline?).';
    }
  }
  if (upload && fileInput) {
    upload.hidden = false;
    fileInput.addEventListener('change', () => {
      if (fileInput.files.length) send(fileInput.files[0]);
      fileInput.value = '';
    });
    body.addEventListener('dragover', (ev) => {
      if (ev.dataTransfer && [...ev.dataTransfer.types].includes('Files')) {
        ev.preventDefault();
        body.classList.add('dragging');
      }
    });
    body.addEventListener('dragleave', () => body.classList.remove('dragging'));
    body.addEventListener('drop', (ev) => {
      body.classList.remove('dragging');
      if (!ev.dataTransfer || !ev.dataTransfer.files.length) return;
      ev.preventDefault();
      for (const f of ev.dataTransfer.files) send(f);
    });
  }

  // Autosave: an existing item, every AUTOSAVE_MS when the title or text
  // changed.  A draft takes the text; a published item keeps what readers
  // see and the text goes to an autosave revision.
  if (!id) return;
  let saved = `${title.value}\u0000${body.value}`;
  let stopped = false;
  let submitting = false;
  form.addEventListener('submit', () => {
    submitting = true;
  });
  async function autosave() {
    const now = `${title.value}\u0000${body.value}`;
    if (stopped || submitting || now === saved) return;
    const r = await window.gazette.api('POST', `/api/v1/admin/posts/${id}/autosave`, {
      title: title.value,
      body: body.value,
      version: Number(version.value),
    });
    if (r.status === 200) {
      saved = now;
      version.value = String(r.body.version);
      const at = new Date(r.body.saved_at).toLocaleTimeString();
      status.textContent = r.body.live ? `Draft saved at ${at}.` : `Autosaved as a revision at ${at} (the published text is unchanged).`;
    } else if (r.status === 409) {
      stopped = true;
      status.textContent = 'Someone else saved this in the meantime: autosave stopped. Save to compare your text with theirs.';
    } else {
      status.textContent = `Autosave failed (${r.status}); your text is still here.`;
    }
  }
  setInterval(() => {
    autosave().catch(() => {
      status.textContent = 'Autosave failed (offline?); your text is still here.';
    });
  }, AUTOSAVE_MS);
})();
