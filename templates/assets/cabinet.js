(function () {
  var copy = document.getElementById('copy-link');
  copy.addEventListener('click', function () {
    var input = document.getElementById('referral-link');
    input.select();
    var done = function () { copy.textContent = copy.dataset.copied; };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(input.value).then(done, function () { document.execCommand('copy'); done(); });
    else { document.execCommand('copy'); done(); }
  });
  var form = document.getElementById('split-form');
  var budget = Number(form.dataset.budget);
  var range = document.getElementById('discount-range');
  var number = document.getElementById('discount-bp');
  // The server's percent format ({{percentFormat}}: locale and Intl options), so a moved slider reads
  // as the saved figure does (ru "12,5 %", en "12.5%").
  var spec = JSON.parse(form.dataset.percentFormat);
  var percent = new Intl.NumberFormat(spec.locale, spec.options);
  function pct(bp) { return percent.format(bp / 10000).replace(/-/g, '\u2212'); }
  function show(bp) {
    document.getElementById('discount-pct').textContent = pct(bp);
    document.getElementById('commission-pct').textContent = pct(budget - bp);
    document.getElementById('commission-bp').textContent = String(budget - bp);
  }
  range.addEventListener('input', function () { number.value = range.value; show(Number(range.value)); });
  number.addEventListener('input', function () { if (number.value !== '') { range.value = number.value; show(Number(number.value)); } });
})();
