import { registerMessages } from '../i18n/messages';

/** Each role in words (`role.<role>`): the one place pages, the staff list and the security log name a role. */
registerMessages({
  en: {
    'role.referrer': 'Referrer',
    'role.supplier': 'Supplier',
    'role.partner': 'Partner company',
    'role.finance': 'Finance',
    'role.marketer': 'Marketer',
    'role.admin': 'Administrator',
  },
  ru: {
    'role.referrer': 'Рекомендатель',
    'role.supplier': 'Поставщик',
    'role.partner': 'Компания-партнёр',
    'role.finance': 'Финансы',
    'role.marketer': 'Маркетолог',
    'role.admin': 'Администратор',
  },
});
