import type { Browser, BrowserContext, Page } from 'playwright-core';

/** A browser context signed in with a session token (what the login form sets), or anonymous. */
export async function contextFor(browser: Browser, base: string, opts: { token?: string; width: number; lang?: string }): Promise<BrowserContext> {
  const ctx = await browser.newContext({ viewport: { width: opts.width, height: 900 }, locale: opts.lang === 'ru' ? 'ru-RU' : 'en-US' });
  const cookies = [{ name: 'lang', value: opts.lang ?? 'en', url: base }];
  if (opts.token) cookies.push({ name: 'hs_session', value: opts.token, url: base });
  await ctx.addCookies(cookies);
  await ctx.addInitScript({
    content: `window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + e.sourceFile + ':' + e.lineNumber));`,
  });
  return ctx;
}

/** CSP violations of a page so far: the in-page events plus Chromium's console reports (all frames). */
export function watchCsp(page: Page): () => Promise<string[]> {
  const console: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) console.push(m.text());
  });
  return async () => {
    const inPage = ((await page.evaluate('window.__cspViolations || []').catch(() => [])) as string[]) ?? [];
    return [...inPage, ...console];
  };
}
