import { registerMessages } from '../i18n/messages';

/** The program's error messages a person reads (the API's `message` and the settings form). */
registerMessages({
  en: {
    'errors.PROGRAM_TIME_ZONE_INVALID': 'This is not a time zone name. Type one such as Europe/Moscow or UTC.',
    'errors.PROGRAM_NAME_INVALID': 'The program name must be 1 to 80 characters, without control characters.',
  },
  ru: {
    'errors.PROGRAM_TIME_ZONE_INVALID': 'Это не название часового пояса. Введите, например, Europe/Moscow или UTC.',
    'errors.PROGRAM_NAME_INVALID': 'Название программы — от 1 до 80 символов, без управляющих символов.',
  },
});
