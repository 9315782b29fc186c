import { registerMessages } from '../web/messages';

registerMessages({
  en: {
    'audiences.title': 'Audiences',
    'audiences.name': 'Name',
    'audiences.contacts': 'Contacts',
    'audiences.create': 'Create audience',
    'audiences.created': 'Audience created.',
    'audiences.import': 'Import a CSV',
    'audiences.importHint': 'Columns: email (required), name, company; other columns are kept as attributes. Duplicates and suppressed addresses are skipped.',
    'audiences.file': 'CSV file',
    'audiences.audience': 'Audience',
    'audiences.delimiter': 'Delimiter',
    'audiences.upload': 'Import',
    'audiences.campaigns': 'Campaigns',
  },
  ru: {
    'audiences.title': 'Аудитории',
    'audiences.name': 'Название',
    'audiences.contacts': 'Контакты',
    'audiences.create': 'Создать аудиторию',
    'audiences.created': 'Аудитория создана.',
    'audiences.import': 'Импорт CSV',
    'audiences.importHint': 'Столбцы: email (обязательно), name, company; остальные сохраняются как атрибуты. Дубликаты и адреса из списка отписок пропускаются.',
    'audiences.file': 'Файл CSV',
    'audiences.audience': 'Аудитория',
    'audiences.delimiter': 'Разделитель',
    'audiences.upload': 'Импортировать',
    'audiences.campaigns': 'Рассылки',
  },
});
