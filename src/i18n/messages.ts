/** UI strings. Russian must define every English key (the type enforces it). */
const en = {
  'app.tagline': 'Partner referrals for B2B services',
  'nav.cabinet': 'Cabinet',
  'nav.login': 'Log in',
  'nav.register': 'Become a referrer',
  'nav.logout': 'Log out',
  'nav.docs': 'API docs',
  'nav.earnings': 'Earnings',
  'nav.payoutDetails': 'Payout details',
  'nav.supplier': 'My subscription',
  'nav.exchange': 'Lead exchange',
  'nav.payouts': 'Payouts',
  'nav.financeHome': 'To do',
  'nav.adjustments': 'Adjustments',
  'nav.audit': 'Audit log',
  'nav.reconciliation': 'Reconciliation',
  'nav.campaigns': 'Campaigns',
  'nav.audiences': 'Audiences',
  'nav.exchangeAdmin': 'Exchange admin',
  'nav.exchangeAnalytics': 'Exchange analytics',
  'nav.adminReferrers': 'Referrers & suppliers',
  'nav.adminHome': 'Overview',
  'nav.adminProgram': 'Program',
  'nav.staff': 'Staff',
  'nav.account': 'Account',
  'nav.menu': 'Menu',
  'nav.label': 'Sections',
  'nav.skip': 'Skip to content',
  'nav.language': 'Language',
  'nav.signedInAs': 'Signed in as {email}',
  'error.401.title': 'Please log in',
  'error.401.text': 'This page is for signed-in users. Log in and you will come back here.',
  'error.401.action': 'Log in',
  'error.403.title': 'This page is not for your account',
  'error.403.text': 'You are signed in, but your account cannot open this page.',
  'error.404.title': 'Page not found',
  'error.404.text': 'There is no page at this address. It may have moved, or the link is mistyped.',
  'error.500.title': 'Something went wrong on our side',
  'error.500.text': 'We could not complete your request. Please try again in a minute. If it happens again, quote the reference below.',
  'error.other.title': 'We could not do that',
  'error.csrf.title': 'This form has expired',
  'error.csrf.text': 'For your safety we refused this submission: it did not come from a page of this site, or the page was open too long. Go back, reload the page and send it again.',
  'error.home': 'Go to the home page',
  'error.reference': 'Reference: {id}',
  'confirm.yes': 'Yes, go ahead',
  'confirm.cancel': 'Cancel',
  'confirm.irreversible': 'This cannot be undone.',
  'field.required': 'required',
  'home.title': 'Recommend suppliers, earn every month',
  'home.lead': 'Register as a referrer, get a promo code, and choose how the program budget splits between a discount for the suppliers you bring and your own commission.',
  'home.program': 'Program budget {budget} of each payment; supplier discount from {min} to {max}; commission for {months}; paid out from {minimum}.',
  'home.months.unlimited': 'as long as the supplier pays',
  'register.title': 'Become a referrer',
  'register.email': 'Work email',
  'register.password': 'Password',
  'register.passwordHint': 'At least 12 characters and hard to guess: several unrelated words work well.',
  'register.fullName': 'Full name',
  'register.company': 'Company',
  'register.taxId': 'Company tax id (optional)',
  'register.offer': 'Offer agreement, version {version}',
  'register.accept': 'I have read and accept offer version {version}',
  'register.submit': 'Register and get my code',
  'register.haveAccount': 'Already registered?',
  'login.title': 'Log in',
  'login.email': 'Email',
  'login.password': 'Password',
  'login.submit': 'Log in',
  'login.noAccount': 'No account yet?',
  'login.failed': 'Wrong email or password.',
  'cabinet.title': 'Your cabinet',
  'cabinet.hello': 'Hello, {name}',
  'cabinet.code': 'Your promo code',
  'cabinet.link': 'Your referral link',
  'cabinet.copy': 'Copy',
  'cabinet.copied': 'Copied',
  'cabinet.status.active': 'Active: suppliers can use it.',
  'cabinet.status.paused': 'Paused: suppliers cannot use it until you resume.',
  'cabinet.status.revoked': 'Revoked by an administrator.',
  'cabinet.pause': 'Pause code',
  'cabinet.resume': 'Resume code',
  'cabinet.split': 'Split of the program budget ({budget})',
  'cabinet.splitHint': 'The discount suppliers get, from {min} to {max}. The rest is your commission. A change applies to suppliers who sign up afterwards.',
  'cabinet.discount': 'Supplier discount',
  'cabinet.commission': 'Your commission',
  'cabinet.bp': 'basis points',
  'cabinet.saveSplit': 'Save split',
  'cabinet.splitSaved': 'Split saved.',
  'cabinet.since': 'In force since {date}',
  'cabinet.offer': 'Offer accepted: version {version}, {date}',
  'cabinet.showOffer': 'Show the text',
  'error.generic': 'Something went wrong; please try again.',
  'lang.switch': 'Русский',
  'common.timesIn': 'Times are in {zone}.',
  'confirm.no': 'No, go back',
  'cabinet.seeEarnings': 'Your earnings and statement',
  'cabinet.discountBp': 'Supplier discount, basis points (100 = 1%)',
};

export type MessageKey = keyof typeof en;

const ru: Record<MessageKey, string> = {
  'app.tagline': 'Партнёрские рекомендации для B2B-сервисов',
  'nav.cabinet': 'Кабинет',
  'nav.login': 'Войти',
  'nav.register': 'Стать партнёром',
  'nav.logout': 'Выйти',
  'nav.docs': 'Документация API',
  'nav.earnings': 'Доход',
  'nav.payoutDetails': 'Реквизиты для выплат',
  'nav.supplier': 'Моя подписка',
  'nav.exchange': 'Обмен лидами',
  'nav.payouts': 'Выплаты',
  'nav.financeHome': 'Задачи',
  'nav.adjustments': 'Корректировки',
  'nav.audit': 'Журнал',
  'nav.reconciliation': 'Сверка',
  'nav.campaigns': 'Рассылки',
  'nav.audiences': 'Аудитории',
  'nav.exchangeAdmin': 'Управление обменом',
  'nav.exchangeAnalytics': 'Аналитика обмена',
  'nav.adminReferrers': 'Участники',
  'nav.adminHome': 'Обзор',
  'nav.adminProgram': 'Программа',
  'nav.staff': 'Сотрудники',
  'nav.account': 'Профиль',
  'nav.menu': 'Меню',
  'nav.label': 'Разделы',
  'nav.skip': 'Перейти к содержанию',
  'nav.language': 'Язык',
  'nav.signedInAs': 'Вы вошли как {email}',
  'error.401.title': 'Войдите, чтобы продолжить',
  'error.401.text': 'Эта страница доступна после входа. Войдите — и вы вернётесь сюда.',
  'error.401.action': 'Войти',
  'error.403.title': 'Эта страница не для вашей учётной записи',
  'error.403.text': 'Вы вошли, но вашей учётной записи эта страница недоступна.',
  'error.404.title': 'Страница не найдена',
  'error.404.text': 'По этому адресу страницы нет. Возможно, она переехала или в ссылке опечатка.',
  'error.500.title': 'У нас что-то сломалось',
  'error.500.text': 'Не получилось выполнить запрос. Попробуйте ещё раз через минуту. Если ошибка повторится, сообщите номер обращения ниже.',
  'error.other.title': 'Не получилось',
  'error.csrf.title': 'Форма устарела',
  'error.csrf.text': 'Ради вашей безопасности мы не приняли эту отправку: она пришла не со страницы этого сайта или страница была открыта слишком долго. Вернитесь, обновите страницу и отправьте форму ещё раз.',
  'error.home': 'На главную',
  'error.reference': 'Номер обращения: {id}',
  'confirm.yes': 'Да, выполнить',
  'confirm.cancel': 'Отмена',
  'confirm.irreversible': 'Это действие нельзя отменить.',
  'field.required': 'обязательно',
  'home.title': 'Рекомендуйте поставщиков — получайте доход каждый месяц',
  'home.lead': 'Зарегистрируйтесь партнёром, получите промокод и решите, как бюджет программы делится между скидкой для приведённых поставщиков и вашей комиссией.',
  'home.program': 'Бюджет программы — {budget} каждого платежа; скидка поставщику от {min} до {max}; комиссия — {months}; выплата от {minimum}.',
  'home.months.unlimited': 'пока поставщик платит',
  'register.title': 'Стать партнёром',
  'register.email': 'Рабочая почта',
  'register.password': 'Пароль',
  'register.passwordHint': 'Не короче 12 символов и трудно угадать: хорошо подходят несколько не связанных слов.',
  'register.fullName': 'Имя и фамилия',
  'register.company': 'Компания',
  'register.taxId': 'ИНН компании (необязательно)',
  'register.offer': 'Оферта, версия {version}',
  'register.accept': 'Я прочитал(а) и принимаю оферту версии {version}',
  'register.submit': 'Зарегистрироваться и получить код',
  'register.haveAccount': 'Уже зарегистрированы?',
  'login.title': 'Вход',
  'login.email': 'Почта',
  'login.password': 'Пароль',
  'login.submit': 'Войти',
  'login.noAccount': 'Ещё нет аккаунта?',
  'login.failed': 'Неверная почта или пароль.',
  'cabinet.title': 'Ваш кабинет',
  'cabinet.hello': 'Здравствуйте, {name}',
  'cabinet.code': 'Ваш промокод',
  'cabinet.link': 'Ваша реферальная ссылка',
  'cabinet.copy': 'Копировать',
  'cabinet.copied': 'Скопировано',
  'cabinet.status.active': 'Активен: поставщики могут его использовать.',
  'cabinet.status.paused': 'Приостановлен: поставщики не смогут его использовать, пока вы его не возобновите.',
  'cabinet.status.revoked': 'Отозван администратором.',
  'cabinet.pause': 'Приостановить код',
  'cabinet.resume': 'Возобновить код',
  'cabinet.split': 'Деление бюджета программы ({budget})',
  'cabinet.splitHint': 'Скидка поставщику — от {min} до {max}. Остальное — ваша комиссия. Изменение действует для поставщиков, которые зарегистрируются после него.',
  'cabinet.discount': 'Скидка поставщику',
  'cabinet.commission': 'Ваша комиссия',
  'cabinet.bp': 'базисных пунктов',
  'cabinet.saveSplit': 'Сохранить',
  'cabinet.splitSaved': 'Деление сохранено.',
  'cabinet.since': 'Действует с {date}',
  'cabinet.offer': 'Принята оферта версии {version}, {date}',
  'cabinet.showOffer': 'Показать текст',
  'error.generic': 'Что-то пошло не так, попробуйте ещё раз.',
  'lang.switch': 'English',
  'common.timesIn': 'Время указано в часовом поясе {zone}.',
  'confirm.no': 'Нет, вернуться',
  'cabinet.seeEarnings': 'Ваш доход и выписка',
  'cabinet.discountBp': 'Скидка поставщику, в базисных пунктах (100 = 1 %)',
};

export type Locale = 'en' | 'ru';
export const LOCALES: Locale[] = ['en', 'ru'];
const catalogs: Record<Locale, Record<string, string>> = { en: { ...en }, ru: { ...ru } };

/**
 * Each feature keeps its own strings beside its pages (e.g. src/billing/billing.messages.ts) and
 * registers them once at import; Russian must define every English key.
 */
export function registerMessages<K extends string>(feature: { en: Record<K, string>; ru: Record<K, string> }): void {
  for (const key of Object.keys(feature.en) as K[]) {
    if (key in catalogs.en) throw new Error(`Message key ${key} is defined twice`);
    catalogs.en[key] = feature.en[key];
  }
  for (const key of Object.keys(feature.ru) as K[]) {
    if (key in catalogs.ru) throw new Error(`Message key ${key} is defined twice`);
    catalogs.ru[key] = feature.ru[key];
  }
}

/** Every key and its text, per locale (for the catalog-completeness test). */
export function catalogEntries(locale: Locale): Record<string, string> {
  return { ...catalogs[locale] };
}

export function translate(locale: Locale, key: string, params: Record<string, unknown> = {}): string {
  const template = catalogs[locale][key] ?? catalogs.en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => (params[name] === undefined ? `{${name}}` : String(params[name])));
}

/** ?lang= (remembered in a cookie), then the cookie, then Accept-Language; English by default. */
export function pickLocale(query: unknown, cookie: unknown, acceptLanguage: string | undefined): Locale {
  for (const candidate of [query, cookie]) if (LOCALES.includes(candidate as Locale)) return candidate as Locale;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag, q] = part.trim().split(';q=');
      return { lang: tag.slice(0, 2).toLowerCase(), q: q === undefined ? 1 : Number(q) };
    })
    .filter((x) => LOCALES.includes(x.lang as Locale))
    .sort((a, b) => b.q - a.q);
  return (ranked[0]?.lang as Locale) ?? 'en';
}

/** Every key with its English and Russian text (the page sweep checks Russian pages against it). */
export function catalogPairs(): { key: string; en: string; ru: string }[] {
  return Object.keys(catalogs.en).map((key) => ({ key, en: catalogs.en[key], ru: catalogs.ru[key] }));
}
