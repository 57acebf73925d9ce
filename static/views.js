/*
 * Counts a reader's view of the post on this page and writes the fresh
 * total into "N Views" (DESIGN.md section 2).  No token and no cookie, so
 * a cached copy of the page counts too.  fetch with keepalive rather than
 * navigator.sendBeacon: the API takes only Content-Type: application/json,
 * which sendBeacon cannot send.  Failures are silent: the count is a nicety.
 */
(function () {
	'use strict';

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
				el.textContent = String(data.views);
		}).catch(function () {});
	}

	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', count);
	else
		count();
})();
