/*
 * Comments, enhanced: post in place through the JSON API, remember the
 * commenter's name, email and site in this browser (localStorage, never a
 * cookie, so pages stay cacheable), show one's own comment that awaits
 * moderation (its secret token stays here), and edit or delete it within
 * the edit window.  Without this script the form posts and redirects.
 */
(function () {
  'use strict';
  var KEY = 'gazette.commenter';
  var OWN = 'gazette.comments';
  var EDIT_MS = 10 * 60 * 1000;
  var section = document.querySelector('section.comments[data-post-id]');
  if (!section) return;
  var postId = Number(section.getAttribute('data-post-id'));
  var form = document.getElementById('respond');
  var list = section.querySelector('.comment-list');

  function load(key, dflt) {
    try { return JSON.parse(localStorage.getItem(key)) || dflt; } catch (e) { return dflt; }
  }
  function save(key, v) {
    try { localStorage.setItem(key, JSON.stringify(v)); } catch (e) { /* private mode */ }
  }
  // The page's texts in the site's language (post.html's data-msg-*);
  // the API's errors are English, so another language shows its own.
  function msg(key, dflt) {
    return section.getAttribute('data-msg-' + key) || dflt;
  }
  var english = (document.documentElement.lang || 'en') === 'en';
  function apiError(j, key, dflt) {
    return (english && j && j.error) || msg(key, dflt);
  }
  function text(tag, cls, s) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    el.textContent = s;
    return el;
  }

  // The server's HTML for a comment body is rendered by its Markdown
  // library in safe mode; it is inserted as the page itself inserts it.
  function ownItem(c, own) {
    var li = document.createElement('li');
    li.className = 'comment own depth-' + c.depth;
    li.id = 'comment-' + c.id;
    var art = document.createElement('article');
    var meta = document.createElement('p');
    meta.className = 'comment-meta';
    meta.appendChild(text('strong', 'comment-author', c.author));
    art.appendChild(meta);
    if (c.status !== 'approved') art.appendChild(text('p', 'awaiting', msg('awaiting', 'Your comment is awaiting moderation.')));
    var body = document.createElement('div');
    body.className = 'comment-body';
    body.innerHTML = c.html;
    art.appendChild(body);
    if (Date.now() - own.at < EDIT_MS) {
      var actions = document.createElement('p');
      actions.className = 'comment-actions';
      var edit = text('button', 'edit', msg('edit', 'Edit'));
      edit.type = 'button';
      var del = text('button', 'delete', msg('delete', 'Delete'));
      del.type = 'button';
      edit.addEventListener('click', function () { editOwn(c, own, body); });
      del.addEventListener('click', function () { deleteOwn(c, own, li); });
      actions.appendChild(edit);
      actions.appendChild(document.createTextNode(' '));
      actions.appendChild(del);
      art.appendChild(actions);
    }
    li.appendChild(art);
    return li;
  }

  function api(method, url, token, body) {
    var headers = { 'X-Comment-Token': token };
    if (body) headers['Content-Type'] = 'application/json';
    return fetch(url, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined, credentials: 'omit' });
  }

  function editOwn(c, own, body) {
    var ta = document.createElement('textarea');
    ta.rows = 5;
    ta.value = own.body || '';
    var ok = text('button', 'save', msg('save', 'Save'));
    ok.type = 'button';
    body.replaceChildren(ta, ok);
    ok.addEventListener('click', function () {
      api('PUT', '/api/v1/comments/' + c.id, own.token, { body: ta.value }).then(function (r) {
        return r.json().then(function (j) {
          if (!r.ok) { body.replaceChildren(text('p', 'error', apiError(j, 'not-saved', 'Could not save.'))); return; }
          own.body = ta.value;
          saveOwn(own);
          body.innerHTML = j.html;
        });
      }).catch(function () {});
    });
  }

  function deleteOwn(c, own, li) {
    api('DELETE', '/api/v1/comments/' + c.id, own.token).then(function (r) {
      if (r.ok || r.status === 404) {
        li.remove();
        forget(own);
      } else {
        r.json().then(function (j) { li.appendChild(text('p', 'error', apiError(j, 'not-deleted', 'Could not delete.'))); });
      }
    }).catch(function () {});
  }

  function saveOwn(own) {
    var all = load(OWN, []).filter(function (o) { return o.id !== own.id; });
    all.push(own);
    save(OWN, all.slice(-50));
  }
  function forget(own) {
    save(OWN, load(OWN, []).filter(function (o) { return o.id !== own.id; }));
  }

  // One's own comments on this post: pending ones are shown only to their
  // author; approved ones get their edit buttons while the window is open.
  load(OWN, []).forEach(function (own) {
    if (own.post !== postId) return;
    if (Date.now() - own.at > 30 * 24 * 3600 * 1000) { forget(own); return; }
    api('GET', '/api/v1/comments/' + own.id, own.token).then(function (r) {
      if (r.status === 404) { forget(own); return null; }
      return r.ok ? r.json() : null;
    }).then(function (c) {
      if (!c) return;
      var shown = document.getElementById('comment-' + c.id);
      var item = ownItem(c, own);
      if (shown) shown.replaceWith(item);
      else list.appendChild(item);
    }).catch(function () {});
  });

  if (!form) return;
  var who = load(KEY, {});
  ['author', 'email', 'url'].forEach(function (f) {
    if (who[f] && form.elements[f]) form.elements[f].value = who[f];
  });
  var parent = form.elements.parent_id;
  var replying = form.querySelector('.replying');
  section.addEventListener('click', function (ev) {
    var a = ev.target.closest('a[data-reply-to]');
    if (a) {
      ev.preventDefault();
      parent.value = a.getAttribute('data-reply-to');
      replying.hidden = false;
      a.closest('li').appendChild(form);
      form.elements.body.focus();
    }
    if (ev.target.closest('[data-cancel-reply]')) {
      parent.value = '';
      replying.hidden = true;
      section.appendChild(form);
    }
  });
  var status = form.querySelector('.form-status');
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var f = form.elements;
    var body = {
      post_id: postId,
      parent_id: Number(f.parent_id.value) || 0,
      author: f.author.value,
      email: f.email.value,
      url: f.url.value,
      body: f.body.value,
      website: f.website.value,
      stamp: f.stamp.value,
      notify: f.notify.checked
    };
    // A password-protected post's form (shown after its password) carries
    // the password: the server takes no comment on it without.
    if (f.post_password) body.post_password = f.post_password.value;
    save(KEY, { author: body.author, email: body.email, url: body.url });
    status.textContent = msg('posting', 'Posting…');
    fetch('/api/v1/comments', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), credentials: 'omit' })
      .then(function (r) { return r.json().then(function (j) { return { r: r, j: j }; }); })
      .then(function (x) {
        if (!x.r.ok) { status.textContent = apiError(x.j, 'not-posted', 'Your comment was not posted.'); return; }
        var own = { id: x.j.id, token: x.j.token, post: postId, at: Date.now(), body: body.body };
        saveOwn(own);
        return api('GET', '/api/v1/comments/' + own.id, own.token).then(function (r) { return r.json(); }).then(function (c) {
          var item = ownItem(c, own);
          var host = body.parent_id && document.getElementById('comment-' + body.parent_id);
          if (host) host.after(item); else list.appendChild(item);
          f.body.value = '';
          status.textContent = c.status === 'approved' ? msg('posted', 'Posted.') : msg('held', 'Thank you. Your comment is awaiting moderation.');
        });
      })
      .catch(function () { status.textContent = msg('retry', 'Your comment was not posted; please try again.'); });
  });
})();
