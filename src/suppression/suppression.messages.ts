import { registerMessages } from '../web/messages';

registerMessages({
  en: {
    'suppression.title': 'Unsubscribe',
    'suppression.confirm': 'Stop all campaign emails to {email}?',
    'suppression.button': 'Unsubscribe',
    'suppression.done': '{email} is unsubscribed. You will receive no more campaign emails.',
    'suppression.invalid': 'This unsubscribe link is not valid.',
  },
  ru: {
    'suppression.title': 'Отписка',
    'suppression.confirm': 'Больше не присылать письма рассылок на {email}?',
    'suppression.button': 'Отписаться',
    'suppression.done': 'Адрес {email} отписан. Письма рассылок больше не придут.',
    'suppression.invalid': 'Ссылка для отписки недействительна.',
  },
});
