import { registerMessages } from '../i18n/messages';

/** What every email's layout says: greeting, signature, footer. */
registerMessages({
  en: {
    'mail.footer.campaign': 'You receive this email because your address is on the partner list of {brand}.',
    'mail.footer.notification': 'You receive this email because you take part in the {brand} partner program.',
    'mail.footer.unsubscribe': 'Unsubscribe',
    'mail.footer.unsubscribeKind': 'Stop emails of this kind',
    'mail.footer.settings': 'Notification settings',
    'mail.signature': '— The {brand} partner team',
    'mail.notify.hello': 'Hello, {name}!',
  },
  ru: {
    'mail.footer.campaign': 'Вы получили это письмо, потому что ваш адрес есть в партнёрском списке {brand}.',
    'mail.footer.notification': 'Вы получили это письмо как участник партнёрской программы {brand}.',
    'mail.footer.unsubscribe': 'Отписаться',
    'mail.footer.unsubscribeKind': 'Не присылать такие письма',
    'mail.footer.settings': 'Настройки уведомлений',
    'mail.signature': '— Партнёрская команда {brand}',
    'mail.notify.hello': 'Здравствуйте, {name}!',
  },
});
