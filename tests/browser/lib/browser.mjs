// Launches Debian's chromium through playwright-core and makes contexts that
// cannot reach anything but 127.0.0.1.
import { chromium } from 'playwright-core';

export const TIMEOUT_MS = 15_000;

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    timeout: 30_000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A fresh context (own cookies) whose requests are confined to 127.0.0.1:
 * any other host is aborted and remembered in context.blocked, and page
 * errors / console errors (CSP refusals among them) are kept in
 * context.problems. Options go to browser.newContext (baseURL is set).
 */
export async function newContext(browser, baseURL, options = {}) {
  const context = await browser.newContext({ baseURL, locale: 'en-GB', ...options });
  context.setDefaultTimeout(TIMEOUT_MS);
  context.setDefaultNavigationTimeout(TIMEOUT_MS);
  context.blocked = [];
  context.problems = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    let host = '';
    try { host = new URL(url).hostname; } catch { /* unparsable: block */ }
    if (host === '127.0.0.1') return route.continue();
    context.blocked.push(url);
    return route.abort('blockedbyclient');
  });
  context.on('page', (page) => watchPage(context, page));
  return context;
}

function watchPage(context, page) {
  page.on('pageerror', (err) => context.problems.push(`${page.url()}: page error: ${err.message}`));
  page.on('console', (msg) => {
    // A 4xx page (404, 422 form errors...) is logged as "Failed to load
    // resource"; that is expected here. CSP refusals and the like are not.
    if (msg.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text())) context.problems.push(`${page.url()}: console error: ${msg.text()}`);
  });
}

/** Fails listing any request that was blocked or any page/console error seen in the context. */
export function assertClean(context) {
  const lines = [
    ...context.blocked.map((u) => `request to a host other than 127.0.0.1 was blocked: ${u}`),
    ...context.problems,
  ];
  if (lines.length) throw new Error(`unexpected browser activity:\n  ${lines.join('\n  ')}`);
}
