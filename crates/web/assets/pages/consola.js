// The console's only script. Every page works without it; on a queue,
// a case page or a desk it listens to /consola/vivo and, when something
// changed, says so in the page's status region with a link to reload.
// It never reloads by itself: what a person is typing is not lost.
(function () {
  'use strict';
  var region = document.querySelector('[data-vivo]');
  var notice = document.getElementById('vivo-aviso');
  if (!region || !notice || !window.EventSource) { return; }
  var source = new EventSource(region.getAttribute('data-vivo'));
  // Said on the region once listening (a test waits for it before it
  // changes the case).
  source.addEventListener('open', function () { region.setAttribute('data-escuchando', ''); });
  source.addEventListener('cambio', function () {
    if (notice.parentNode !== region) {
      notice.hidden = false;
      region.appendChild(notice);
    }
  });
  // Leaving the page closes the stream rather than holding it open.
  window.addEventListener('pagehide', function () { source.close(); });
})();
