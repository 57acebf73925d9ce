/*
 * Counts a reader's view of the post on this page and writes the fresh
 * total into "N Views" (DESIGN.md section 2).  No token and no cookie, so
 * a cached copy of the page counts too.  fetch with keepalive rather than
 * navigator.sendBeacon: the API takes only Content-Type: application/json,
 * which sendBeacon cannot send.  Failures are silent: the count is a nicety.
 */
(function () {
	'use strict';

	/*
	 * "N Views" again for the new total, in the page's language: the
	 * span's data-forms holds the text of each plural category
	 * ("one:%d просмотр|few:%d просмотра|many:%d просмотров"), and
	 * Intl.PluralRules says which one n takes.
	 */
	function write(el, n) {
		var span = el.parentNode;
		var forms = {}, form, at, cat;

		(span.getAttribute('data-forms') || '').split('|').forEach(
			function (f) {
				var i = f.indexOf(':');

				if (i > 0)
					forms[f.slice(0, i)] = f.slice(i + 1);
			});
		el.textContent = String(n);
		try {
			cat = new Intl.PluralRules(
				document.documentElement.lang || 'en').select(n);
		} catch (e) {
			return;
		}
		form = forms[cat] || forms.other;
		at = form ? form.indexOf('%d') : -1;
		if (at < 0)
			return;
		span.replaceChildren(document.createTextNode(form.slice(0, at)),
			el, document.createTextNode(form.slice(at + 2)));
	}

	function count() {
		var article = document.querySelector('article[data-post-id]');
		var id = article && article.getAttribute('data-post-id');

		if (!id || !/^[0-9]+$/.test(id) || !window.fetch)
			return;
		fetch('/api/v1/views/' + id, {
			method: 'POST',
			headers: {'Content-Type': 'application/json'},
			body: '{}',
			keepalive: true,
			credentials: 'omit'
		}).then(function (res) {
			return res.ok ? res.json() : null;
		}).then(function (data) {
			var el = article.querySelector('[data-views]');

			if (el && data && typeof data.views === 'number')
				write(el, data.views);
		}).catch(function () {});
	}

	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', count);
	else
		count();
})();
