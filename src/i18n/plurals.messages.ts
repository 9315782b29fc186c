import { registerMessages } from './messages';

/**
 * Counted nouns for {{plural "plural.x" n}}: Intl.PluralRules picks the form (ru one / few / many /
 * other, en one / other). English's few and many are its "other" so both catalogs hold the same keys.
 */
const forms: Record<string, { en: [string, string]; ru: [string, string, string, string] }> = {
  'plural.lines': { en: ['{n} line', '{n} lines'], ru: ['{n} строка', '{n} строки', '{n} строк', '{n} строки'] },
  'plural.referrers': { en: ['{n} referrer', '{n} referrers'], ru: ['{n} партнёр', '{n} партнёра', '{n} партнёров', '{n} партнёра'] },
  'plural.recipients': { en: ['{n} recipient', '{n} recipients'], ru: ['{n} получатель', '{n} получателя', '{n} получателей', '{n} получателя'] },
  'plural.differences': { en: ['{n} difference', '{n} differences'], ru: ['{n} расхождение', '{n} расхождения', '{n} расхождений', '{n} расхождения'] },
  'plural.payments': { en: ['{n} payment', '{n} payments'], ru: ['{n} выплата', '{n} выплаты', '{n} выплат', '{n} выплаты'] },
  'plural.suppliers': { en: ['{n} supplier', '{n} suppliers'], ru: ['{n} поставщик', '{n} поставщика', '{n} поставщиков', '{n} поставщика'] },
  'plural.months': { en: ['{n} month', '{n} months'], ru: ['{n} месяц', '{n} месяца', '{n} месяцев', '{n} месяца'] },
  'plural.days': { en: ['{n} day', '{n} days'], ru: ['{n} день', '{n} дня', '{n} дней', '{n} дня'] },
  'plural.contacts': { en: ['{n} contact', '{n} contacts'], ru: ['{n} контакт', '{n} контакта', '{n} контактов', '{n} контакта'] },
  'plural.leads': { en: ['{n} lead', '{n} leads'], ru: ['{n} лид', '{n} лида', '{n} лидов', '{n} лида'] },
};

const en: Record<string, string> = {};
const ru: Record<string, string> = {};
for (const [base, f] of Object.entries(forms)) {
  [en[`${base}.one`], en[`${base}.other`]] = f.en;
  en[`${base}.few`] = f.en[1];
  en[`${base}.many`] = f.en[1];
  [ru[`${base}.one`], ru[`${base}.few`], ru[`${base}.many`], ru[`${base}.other`]] = f.ru;
}
registerMessages({ en, ru });
