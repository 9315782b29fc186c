import { registerMessages } from '../i18n/messages';

/** The program's error messages a person reads (the API's `message` and the settings form), and the home page's bonus sentence. */
registerMessages({
  en: {
    'errors.PROGRAM_TIME_ZONE_INVALID': 'This is not a time zone name. Type one such as Europe/Moscow or UTC.',
    'errors.PROGRAM_NAME_INVALID': 'The program name must be 1 to 80 characters, without control characters.',
    'home.bonus': 'And a one-off bonus of {amount} for each referred supplier’s first payment, on top of the commission.',
    'home.bonusInstead': 'Instead of a commission: a one-off bonus of {amount} for each referred supplier’s first payment.',
  },
  ru: {
    'errors.PROGRAM_TIME_ZONE_INVALID': 'Это не название часового пояса. Введите, например, Europe/Moscow или UTC.',
    'errors.PROGRAM_NAME_INVALID': 'Название программы — от 1 до 80 символов, без управляющих символов.',
    'home.bonus': 'И разовый бонус {amount} за первую оплату каждого приведённого поставщика, сверх комиссии.',
    'home.bonusInstead': 'Вместо комиссии — разовый бонус {amount} за первую оплату каждого приведённого поставщика.',
  },
});
