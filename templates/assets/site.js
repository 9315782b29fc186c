// Enhancements shared by every page; each page works without them.
(function () {
  // A form marked data-submit-once disables its button when sent (no double execution by a double click).
  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-submit-once')) return;
    setTimeout(function () {
      form.querySelectorAll('button[type=submit], button:not([type])').forEach(function (b) { b.disabled = true; });
    }, 0);
  });
})();
