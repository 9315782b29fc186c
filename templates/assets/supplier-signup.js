(function () {
  // Shows the discount a typed code gives before the form is sent (GET /api/promo-codes/:code).
  var input = document.getElementById('promo-code');
  var ok = document.getElementById('code-discount');
  var bad = document.getElementById('code-error');
  var timer;
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var code = input.value.trim();
      if (code.length < 8) { ok.hidden = true; bad.hidden = true; return; }
      fetch('/api/promo-codes/' + encodeURIComponent(code)).then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); }).then(function (res) {
        if (res.ok) { ok.textContent = ok.dataset.template.replace('%P%', res.body.discountPercent); ok.hidden = false; bad.hidden = true; }
        else {
          var messages = JSON.parse(bad.dataset.messages || '{}');
          var code2 = res.body.error ? res.body.error.code : '';
          bad.textContent = (messages[code2] || messages.fallback || '').replace('{code}', code.toUpperCase());
          bad.dataset.code = code2; bad.hidden = false; ok.hidden = true;
        }
      });
    }, 300);
  });
})();
