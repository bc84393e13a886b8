// Resguardo's only script. Every page works without it; it only makes
// the quick exit leave no page to go back to, and adds a print button.
(function () {
  'use strict';
  var MARK = 'resguardo-salio';
  document.documentElement.className += ' js';

  function leave(href) {
    try { sessionStorage.setItem(MARK, '1'); } catch (e) { /* storage off: nothing to mark */ }
    var forms = document.getElementsByTagName('form');
    for (var i = 0; i < forms.length; i++) { forms[i].reset(); }
    document.body.innerHTML = '';
    document.title = '';
    // replace, not assign: this page leaves the history.
    window.location.replace(href);
  }

  document.addEventListener('click', function (event) {
    var target = event.target;
    var link = target && target.closest ? target.closest('[data-salir]') : null;
    if (!link) { return; }
    event.preventDefault();
    leave(link.href);
  });

  // A page the browser restored from its memory after a quick exit shows
  // nothing: it leaves again.
  window.addEventListener('pageshow', function (event) {
    var left = false;
    try { left = sessionStorage.getItem(MARK) === '1'; } catch (e) { left = false; }
    if (event.persisted && left) {
      document.body.innerHTML = '';
      window.location.replace('/salir');
    }
  });

  var print = document.querySelectorAll('[data-imprimir]');
  for (var j = 0; j < print.length; j++) {
    print[j].hidden = false;
    print[j].addEventListener('click', function () { window.print(); });
  }
}());
