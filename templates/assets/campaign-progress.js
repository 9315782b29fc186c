(function () {
  const card = document.querySelector('[data-test=progress]');
  if (card.dataset.status !== 'sending') return;
  const words = JSON.parse(card.dataset.statuses || '{}');
  const timer = setInterval(async () => {
    const res = await fetch('/api/campaigns/' + card.dataset.campaign, { credentials: 'same-origin' });
    if (!res.ok) return clearInterval(timer);
    const c = await res.json();
    for (const k of ['listed', 'sent', 'bounced', 'failed', 'skipped', 'remaining']) card.querySelector('[data-test=' + k + ']').textContent = c.progress[k];
    card.querySelector('[data-test=status]').textContent = words[c.status] || '';
    card.dataset.status = c.status;
    card.querySelector('progress').value = c.progress.doneBp;
    if (c.status !== 'sending') clearInterval(timer);
  }, 2000);
})();
