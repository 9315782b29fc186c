import { registerMessages } from '../web/messages';

/** Messages of the auth error codes, in the caller's language (see common/errors/errors.messages.ts). */
registerMessages({
  en: {
    'apiError.ACCOUNT_DISABLED': 'This account is disabled; ask an administrator.',
    'apiError.CURRENT_PASSWORD_WRONG': 'The current password is wrong.',
    'apiError.CANNOT_DISABLE_SELF': 'You cannot disable your own account.',
    'apiError.ACCOUNT_NOT_FOUND': 'No account with this id.',
    'apiError.WEAK_PASSWORD': 'The password is too easy to guess: use at least 12 characters, for example several unrelated words.',
  },
  ru: {
    'apiError.ACCOUNT_DISABLED': 'Эта учётная запись отключена; обратитесь к администратору.',
    'apiError.CURRENT_PASSWORD_WRONG': 'Текущий пароль указан неверно.',
    'apiError.CANNOT_DISABLE_SELF': 'Нельзя отключить собственную учётную запись.',
    'apiError.ACCOUNT_NOT_FOUND': 'Учётной записи с таким идентификатором нет.',
    'apiError.WEAK_PASSWORD': 'Пароль слишком легко подобрать: используйте не меньше 12 символов, например несколько не связанных слов.',
  },
});
