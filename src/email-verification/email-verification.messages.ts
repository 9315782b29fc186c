import { registerMessages } from '../i18n/messages';

/** The "confirm your address" page and the cabinet's banner. */
registerMessages({
  en: {
    'verifyEmail.title': 'Confirm your email address',
    'verifyEmail.question': 'Confirm that {email} is your address?',
    'verifyEmail.why': 'We send payouts and notices about your money only to an address you have confirmed.',
    'verifyEmail.confirm': 'Yes, this is my address',
    'verifyEmail.done': 'Thank you: {email} is confirmed.',
    'verifyEmail.toCabinet': 'Open my cabinet',
    'verifyEmail.banner': 'Your email address {email} is not confirmed yet.',
    'verifyEmail.bannerPayouts': 'Payouts wait until it is.',
    'verifyEmail.resend': 'Send me a confirmation link',
    'verifyEmail.resent': 'We sent a confirmation link to {email}. It may take a minute; check the spam folder too.',
    'verifyEmail.alreadyDone': 'Your address is already confirmed.',
    'apiError.VERIFICATION_LINK_INVALID': 'This confirmation link is invalid or expired; ask for a new one in your cabinet.',
  },
  ru: {
    'verifyEmail.title': 'Подтверждение адреса почты',
    'verifyEmail.question': 'Подтвердить, что {email} — ваш адрес?',
    'verifyEmail.why': 'Выплаты и сообщения о ваших деньгах мы отправляем только на подтверждённый адрес.',
    'verifyEmail.confirm': 'Да, это мой адрес',
    'verifyEmail.done': 'Спасибо: адрес {email} подтверждён.',
    'verifyEmail.toCabinet': 'Открыть кабинет',
    'verifyEmail.banner': 'Адрес почты {email} ещё не подтверждён.',
    'verifyEmail.bannerPayouts': 'До подтверждения выплаты не отправляются.',
    'verifyEmail.resend': 'Прислать ссылку для подтверждения',
    'verifyEmail.resent': 'Мы отправили ссылку для подтверждения на {email}. Письмо может идти минуту; загляните и в папку «Спам».',
    'verifyEmail.alreadyDone': 'Ваш адрес уже подтверждён.',
    'apiError.VERIFICATION_LINK_INVALID': 'Ссылка для подтверждения недействительна или устарела; запросите новую в кабинете.',
  },
});
