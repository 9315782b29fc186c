// Uploads a CSV to the audience import API and shows the report (the page works without it: see the API).
var csrf = (document.querySelector('meta[name=csrf-token]') || {}).content || '';
document.getElementById('import-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = e.target;
  const file = f.file.files[0];
  const out = document.getElementById('import-report');
  out.hidden = false;
  out.textContent = '…';
  const url = '/api/audiences/' + f.audience.value + '/imports?delimiter=' + encodeURIComponent(f.delimiter.value) + '&filename=' + encodeURIComponent(file.name);
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/csv', 'x-csrf-token': csrf }, body: file, credentials: 'same-origin' });
  const body = await res.json();
  out.textContent = res.ok
    ? 'imported=' + body.imported + ' updated=' + body.updated + ' rejected=' + body.rejected + ' suppressed=' + body.suppressed + '\n' + body.rejections.slice(0, 50).map((r) => 'line ' + r.line + ': ' + r.reason).join('\n')
    : body.error.code + ': ' + body.error.message;
  out.dataset.status = res.ok ? 'ok' : 'error';
});
