// The live board (docs/futures.md): without this script the board is plain
// forms and reloads. With it, an EventSource asks the server for the
// board's version; the server answers with a short stream (the version as
// the event id, "retry: 3000", and a "changed" event when the browser's
// version is older), then ends it, and the browser reconnects after three
// seconds with Last-Event-ID. On "changed" the script fetches the board
// page again and swaps in its #board part, unless the reader is typing in
// it (then right after they leave the field).
(function () {
  'use strict';
  var board = document.getElementById('board');
  if (!board || !window.EventSource || !window.fetch || !window.DOMParser) return;
  var events = board.getAttribute('data-events');
  var version = board.getAttribute('data-version') || '0';
  var pending = false;
  var loading = false;

  function typing() {
    var a = document.activeElement;
    return a && board.contains(a) && /^(INPUT|SELECT|TEXTAREA)$/.test(a.tagName);
  }

  function refresh() {
    if (typing()) {
      pending = true;
      return;
    }
    if (loading) {
      pending = true;
      return;
    }
    loading = true;
    pending = false;
    fetch(window.location.pathname, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var next = doc.getElementById('board');
        if (!next) return;
        board.replaceWith(next);
        board = next;
        board.setAttribute('data-live', 'on');
      })
      .catch(function () { pending = true; })
      .then(function () { loading = false; });
  }

  document.addEventListener('focusout', function () {
    if (pending) window.setTimeout(refresh, 0);
  });

  var source = new EventSource(events + '?v=' + encodeURIComponent(version));
  source.addEventListener('changed', refresh);
  board.setAttribute('data-live', 'on');
})();
