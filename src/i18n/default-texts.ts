import type { Locale } from './messages';

/**
 * The texts a fresh install starts with (offer version 1, exchange rules version 1), in every
 * language. The stored version is the English text the migrations wrote; while a program still
 * uses it, a reader sees it in their own language. A text an admin wrote is shown as written.
 */
const DEFAULT_TEXTS: Record<Locale, string>[] = [
  {
    en: `Handshake partner offer, version 1.

1. You recommend the service to suppliers you work with and give them your promo code or link.
2. A supplier that signs up with your code gets the discount you chose; you earn the commission share
   of every payment it makes for as long as the program's commission period lasts.
3. Commission is held for the program's hold period, then becomes available and is paid out once it
   reaches the payout minimum. Refunds and disputes reverse the commission they came from.
4. You may not refer your own company.`,
    ru: `Партнёрская оферта Handshake, версия 1.

1. Вы рекомендуете сервис поставщикам, с которыми работаете, и даёте им свой промокод или ссылку.
2. Поставщик, зарегистрировавшийся по вашему коду, получает выбранную вами скидку; вы получаете долю
   комиссии с каждого его платежа, пока длится срок комиссии программы.
3. Комиссия удерживается в течение срока удержания программы, затем становится доступной и
   выплачивается, когда достигает минимума выплаты. Возвраты и споры отменяют комиссию, с которой связаны.
4. Нельзя рекомендовать собственную компанию.`,
  },
  {
    en: `Handshake lead exchange rules, version 1.

1. Members pass each other leads they cannot serve; each lead goes to exactly one member.
2. A member answers an offered lead (accept or decline) within the time the operator sets.
3. A member keeps the status of the leads it accepted up to date, up to won or lost.
4. No poaching: a member does not hire or solicit the staff of another member, nor approach the
   customers another member passed on for anything but the passed request.
5. Lead data is used only to serve the lead.`,
    ru: `Правила обмена лидами Handshake, версия 1.

1. Участники передают друг другу лиды, которые не могут обслужить сами; каждый лид уходит ровно одному участнику.
2. Участник отвечает на предложенный лид (принять или отклонить) в срок, который задаёт оператор.
3. Участник поддерживает статус принятых лидов в актуальном состоянии — вплоть до «выигран» или «проигран».
4. Без переманивания: участник не нанимает и не переманивает сотрудников другого участника и не обращается
   к клиентам, переданным другим участником, ни с чем, кроме переданного запроса.
5. Данные лида используются только для работы с этим лидом.`,
  },
];

const normalize = (text: string) => text.replace(/\r\n?/g, '\n').replace(/[ \t]+/g, ' ').trim();
const BY_ENGLISH = new Map(DEFAULT_TEXTS.map((t) => [normalize(t.en), t]));

/** The text in the reader's language when it is one of the install's default texts; else as stored. */
export function localizedDefaultText(text: string, locale: Locale): string {
  return BY_ENGLISH.get(normalize(text))?.[locale] ?? text;
}
