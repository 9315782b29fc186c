const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'", '#x3D': '=', '#x60': '`', nbsp: ' ' };

export function decodeEntities(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39|#x27|#x3D|#x60|nbsp);/g, (_, e: string) => ENTITIES[e]);
}

/**
 * The plain-text part of a message, from its HTML: links become "label (url)", block elements
 * become line breaks. Small and fast on purpose: it runs once per recipient.
 */
export function htmlToText(html: string): string {
  return decodeEntities(
    html
      .replace(/<(style|script|title)[^>]*>[\s\S]*?<\/\1>/gi, '')
      .replace(/<img[^>]*>/gi, '')
      .replace(/<a\s[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, (_, href: string, label: string) => {
        const text = label.replace(/<[^>]+>/g, '').trim();
        return text && text !== href ? `${text} (${href})` : href;
      })
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<\/(p|div|h[1-6]|li|tr|table)>/gi, '\n\n')
      .replace(/<li[^>]*>/gi, '- ')
      .replace(/<[^>]+>/g, ''),
  )
    .replace(/[ \t]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
