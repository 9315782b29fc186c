import { registerMessages } from '../i18n/messages';

/** What every email's layout says: greeting, signature, footer. */
registerMessages({
  en: {
    'mail.footer.unsubscribe': 'Unsubscribe',
    'mail.footer.unsubscribeKind': 'Stop emails of this kind',
    'mail.footer.settings': 'Notification settings',
    'mail.signature': '— The {brand} partner team',
    'mail.notify.hello': 'Hello, {name}!',
  },
  ru: {
    'mail.footer.unsubscribe': 'Отписаться',
    'mail.footer.unsubscribeKind': 'Не присылать такие письма',
    'mail.footer.settings': 'Настройки уведомлений',
    'mail.signature': '— Партнёрская команда {brand}',
    'mail.notify.hello': 'Здравствуйте, {name}!',
  },
});
