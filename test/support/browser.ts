import { existsSync } from 'node:fs';
import { chromium, Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/**
 * Debian's chromium, headless. Browser tests skip (with a reason) when it is not installed, except
 * in CI, where .ci/run installs it and a missing browser is a failure.
 */
export function browserSkipReason(): string | false {
  if (existsSync(CHROMIUM)) return false;
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing in CI: .ci/run should have installed it`);
  return `chromium not installed at ${CHROMIUM} (apt-get install -y chromium)`;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}
