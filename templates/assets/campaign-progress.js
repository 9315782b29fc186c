// Refreshes the figures of campaigns that are sending: the campaign page's progress card and the
// rows of the campaigns list. Numbers are written in the page's language; status words come from the page.
(function () {
  const lang = document.documentElement.lang === 'ru' ? 'ru-RU' : 'en-US';
  const nf = new Intl.NumberFormat(lang);
  const set = (root, key, value) => {
    const el = root.querySelector('[data-test=' + key + ']');
    if (el && value !== undefined) el.textContent = nf.format(value);
  };
  const poll = (root, apply) => {
    if (root.dataset.status !== 'sending') return;
    const timer = setInterval(async () => {
      const res = await fetch('/api/campaigns/' + root.dataset.campaign, { credentials: 'same-origin' });
      if (!res.ok) return clearInterval(timer);
      const c = await res.json();
      apply(c);
      root.dataset.status = c.status;
      const bar = root.querySelector('progress');
      if (bar) bar.value = c.progress.doneBp;
      if (c.status !== 'sending') clearInterval(timer);
    }, 2000);
  };
  const card = document.querySelector('[data-test=progress]');
  if (card) {
    const words = JSON.parse(card.dataset.statuses || '{}');
    poll(card, (c) => {
      for (const k of ['listed', 'sent', 'bounced', 'failed', 'skipped', 'remaining']) set(card, k, c.progress[k]);
      card.querySelector('[data-test=status]').textContent = words[c.status] || '';
    });
  }
  const table = document.querySelector('[data-test=campaigns]');
  if (table) {
    const words = JSON.parse(table.dataset.statuses || '{}');
    const template = table.dataset.progressText || '';
    for (const row of table.querySelectorAll('[data-campaign-row]')) {
      poll(row, (c) => {
        for (const k of ['sent', 'delivered', 'opened', 'registered']) set(row, k, c.progress[k]);
        row.querySelector('[data-test=status]').textContent = words[c.status] || '';
        const text = row.querySelector('[data-test=progress-text]');
        if (text) text.textContent = template.replace('{done}', nf.format(c.progress.sent)).replace('{listed}', nf.format(c.progress.listed));
        if (c.status !== 'sending') for (const el of row.querySelectorAll('progress, [data-test=progress-text]')) el.remove();
      });
    }
  }
})();
