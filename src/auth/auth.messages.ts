import { registerMessages } from '../web/messages';

/** Messages of the auth error codes, in the caller's language (see common/errors/errors.messages.ts). */
registerMessages({
  en: {
    'apiError.ACCOUNT_DISABLED': 'This account is disabled; ask an administrator.',
    'apiError.CURRENT_PASSWORD_WRONG': 'The current password is wrong.',
    'apiError.CANNOT_DISABLE_SELF': 'You cannot disable your own account.',
    'apiError.ACCOUNT_NOT_FOUND': 'No account with this id.',
    'apiError.RESET_TOKEN_INVALID': 'This reset link is invalid, already used or expired; ask for a new one.',
    'reset.mail.subject': 'Reset your Handshake password',
    'reset.mail.body': 'Someone (hopefully you) asked to reset the password of your Handshake account. Open this link within an hour to choose a new one; it works once:',
    'reset.mail.ignore': 'If you did not ask for this, ignore this message: your password stays as it is.',
    'apiError.WEAK_PASSWORD': 'The password is too weak.',
    'apiError.WEAK_PASSWORD.not_a_string': 'The password must be text.',
    'apiError.WEAK_PASSWORD.too_short': 'The password must have at least {minLength} characters.',
    'apiError.WEAK_PASSWORD.too_long': 'The password must have at most 200 characters.',
    'apiError.WEAK_PASSWORD.too_guessable': 'The password is too common or too easy to guess: use several unrelated words, not your name or email.',
  },
  ru: {
    'apiError.ACCOUNT_DISABLED': 'Эта учётная запись отключена; обратитесь к администратору.',
    'apiError.CURRENT_PASSWORD_WRONG': 'Текущий пароль указан неверно.',
    'apiError.CANNOT_DISABLE_SELF': 'Нельзя отключить собственную учётную запись.',
    'apiError.ACCOUNT_NOT_FOUND': 'Учётной записи с таким идентификатором нет.',
    'apiError.RESET_TOKEN_INVALID': 'Ссылка для сброса недействительна, уже использована или устарела; запросите новую.',
    'reset.mail.subject': 'Сброс пароля Handshake',
    'reset.mail.body': 'Кто-то (надеемся, вы) попросил сбросить пароль вашей учётной записи Handshake. Откройте ссылку в течение часа, чтобы задать новый пароль; она действует один раз:',
    'reset.mail.ignore': 'Если вы этого не просили, просто проигнорируйте письмо: пароль останется прежним.',
    'apiError.WEAK_PASSWORD': 'Пароль слишком слабый.',
    'apiError.WEAK_PASSWORD.not_a_string': 'Пароль должен быть текстом.',
    'apiError.WEAK_PASSWORD.too_short': 'Пароль должен быть не короче {minLength} символов.',
    'apiError.WEAK_PASSWORD.too_long': 'Пароль должен быть не длиннее 200 символов.',
    'apiError.WEAK_PASSWORD.too_guessable': 'Пароль слишком распространённый или его легко угадать: используйте несколько не связанных слов, а не имя или адрес почты.',
  },
});
