import { registerMessages } from '../i18n/messages';

registerMessages({
  en: {
    'home.bonus': 'And a one-off bonus of {amount} for each referred supplier’s first payment, on top of the commission.',
    'home.bonusInstead': 'Instead of a commission: a one-off bonus of {amount} for each referred supplier’s first payment.',
  },
  ru: {
    'home.bonus': 'И разовый бонус {amount} за первую оплату каждого приведённого поставщика, сверх комиссии.',
    'home.bonusInstead': 'Вместо комиссии — разовый бонус {amount} за первую оплату каждого приведённого поставщика.',
  },
});
