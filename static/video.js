// Click-to-load video players (site/watch.c): the page holds our own
// poster and a button; the provider's player is put in a frame only when
// the reader clicks, so nothing is requested from the provider before.
'use strict';
document.addEventListener('click', (ev) => {
  const btn = ev.target.closest('.video-facade .video-play');
  if (!btn) return;
  const box = btn.closest('.video-facade');
  const src = box.dataset.player || '';
  if (!src.startsWith('https://')) return;
  const f = document.createElement('iframe');
  f.src = `${src}${src.includes('?') ? '&' : '?'}autoplay=1`;
  f.title = btn.getAttribute('aria-label') || 'Video';
  f.allow = 'autoplay; encrypted-media; fullscreen; picture-in-picture';
  f.allowFullscreen = true;
  f.referrerPolicy = 'strict-origin-when-cross-origin';
  f.width = 1280;
  f.height = 720;
  box.replaceChildren(f);
  f.focus();
});
