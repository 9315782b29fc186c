var csrf = (document.querySelector('meta[name=csrf-token]') || {}).content || '';
document.getElementById('import-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = e.target;
  const file = f.file.files[0];
  const out = document.getElementById('import-report');
  out.hidden = false;
  out.textContent = '…';
  const fill = (tpl, v) => tpl.replace(/\{(\w+)\}/g, (m, k) => (v[k] === undefined ? m : String(v[k])));
  const url = '/api/audiences/' + f.audience.value + '/imports?delimiter=' + encodeURIComponent(f.delimiter.value) + '&filename=' + encodeURIComponent(file.name);
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/csv', 'x-csrf-token': csrf }, body: file, credentials: 'same-origin' });
  const body = await res.json();
  const errors = JSON.parse(out.dataset.errors || '{}');
  const reasons = JSON.parse(out.dataset.reasons || '{}');
  out.textContent = res.ok
    ? fill(out.dataset.summary, body) + '\n' + body.rejections.slice(0, 50).map((r) => fill(out.dataset.line, { line: r.line, reason: fill(reasons[r.code] || reasons.other, r.params || {}) })).join('\n')
    : (errors[body.error.code] || errors.fallback);
  out.dataset.status = res.ok ? 'ok' : 'error';
  out.dataset.code = res.ok ? '' : body.error.code;
});
