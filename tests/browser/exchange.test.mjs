// The idea exchange in a real browser, in English, French and Spanish: post
// an idea on the Ideas board (an empty message comes back inline with the
// typed text kept), reply to it quoting the first post, mark a post useful,
// and see the notification. French runs without JavaScript. Every page
// visited is checked with axe and must weigh under 50 KB.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { addUser, startServer, suiteDir } from './lib/server.mjs';
import { assertClean, launchBrowser, newContext } from './lib/browser.mjs';
import { assertAccessible } from './lib/axe.mjs';

const read = (name) => JSON.parse(readFileSync(path.join(suiteDir, '../../web/i18n', name), 'utf8'));
const catalogue = (lang) => ({ ...read(`${lang}.json`), ...read(`exchange.${lang}.json`) });
const T = { en: catalogue('en'), fr: catalogue('fr'), es: catalogue('es') };
const fill = (text, n) => text.replace('{n}', String(n));

const STEP = { timeout: 90_000 };
const MAX_PAGE_BYTES = 50 * 1024;
let server;
let browser;
let cssBytes = 0;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  cssBytes = (await (await fetch(`${server.url}/static/waymark.css`)).arrayBuffer()).byteLength;
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function assertText(locator, expected) {
  const text = (await locator.first().innerText({ timeout: 15_000 })).replace(/\s+/g, ' ');
  const want = expected.replace(/\s+/g, ' ');
  assert.ok(text.includes(want), `expected "${want}" in "${text}"`);
}

/** Goes to `url` (or waits for the navigation `action` starts) and checks status, weight and axe. */
async function checked(page, label, { url, action, status = 200 } = {}) {
  let response;
  if (url) {
    response = await page.goto(url);
  } else {
    [response] = await Promise.all([page.waitForEvent('response', (r) => r.request().isNavigationRequest() && r.status() !== 303), action()]);
    await page.waitForLoadState();
  }
  assert.equal(response.status(), status, `${label}: HTTP status`);
  const bytes = (await response.body()).length;
  assert.ok(bytes + cssBytes < MAX_PAGE_BYTES, `${label}: ${bytes} B + ${cssBytes} B of CSS`);
  // axe runs as a script in the page: only where JavaScript is on.
  if (page.context().jsEnabled) await assertAccessible(page, label);
  return response;
}

async function signIn(page, email, password) {
  await page.goto('/signin');
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.locator('main form button[type="submit"]').click()]);
}

/**
 * One language: `author` posts an idea, `replier` quotes and answers it and
 * marks the first post useful; the author sees the notification.
 */
function exchangeJourney(lang, { javaScriptEnabled }) {
  const t = T[lang];
  const suffix = `${lang}-${javaScriptEnabled ? 'js' : 'nojs'}`;
  const title = { en: 'Footballers against racism', fr: 'Des footballeurs contre le racisme', es: 'Futbolistas contra el racismo' }[lang] + ` ${suffix}`;
  const body = { en: 'Ask **clubs** to wear the shirt <script>alert(1)</script>', fr: 'Demander aux **clubs** de porter le maillot <script>alert(1)</script>', es: 'Pedir a los **clubes** que lleven la camiseta <script>alert(1)</script>' }[lang];
  const answer = { en: 'The referees could join too.', fr: 'Les arbitres pourraient aussi participer.', es: 'Los árbitros también podrían participar.' }[lang];
  let authorCtx;
  let replierCtx;
  let author;
  let replier;
  let threadPath;

  before(async () => {
    author = await addUser(server, { email: `author-${suffix}@example.org`, name: `Author ${suffix}`, org: 'jcwi', role: 'member', locale: lang, password: 'a long enough password' });
    replier = await addUser(server, { email: `replier-${suffix}@example.org`, name: `Replier ${suffix}`, org: 'jcwi', role: 'member', locale: lang, password: 'a long enough password' });
    authorCtx = await newContext(browser, server.url, { javaScriptEnabled, bypassCSP: true });
    replierCtx = await newContext(browser, server.url, { javaScriptEnabled, bypassCSP: true });
    authorCtx.jsEnabled = javaScriptEnabled;
    replierCtx.jsEnabled = javaScriptEnabled;
  });
  after(async () => {
    try {
      if (authorCtx) assertClean(authorCtx);
      if (replierCtx) assertClean(replierCtx);
    } finally {
      await authorCtx?.close();
      await replierCtx?.close();
    }
  });

  it(`${lang}: posts an idea; an empty message comes back inline with the text kept`, STEP, async () => {
    const page = await authorCtx.newPage();
    await signIn(page, author.email, author.password);
    assert.equal(await page.locator('html').getAttribute('lang'), lang);
    await page.locator('header nav').getByRole('link', { name: t.ex_nav_ideas, exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/ideas');
    if (javaScriptEnabled) await assertAccessible(page, `/ideas (${lang})`);
    await assertText(page.locator('main h1'), t.ex_ideas_title);
    await page.locator('main').getByRole('link', { name: t.ex_idea_new, exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/ideas/new');

    await page.getByLabel(t.ex_field_title, { exact: true }).fill(title);
    await page.getByLabel(t.ex_field_tags, { exact: true }).fill('sport, youth');
    await page.getByLabel(t.ex_field_lang, { exact: true }).selectOption(lang);
    // The browser's own "required" check would stop an empty message; a
    // message of spaces gets through to the server, which refuses it.
    await page.getByLabel(t.ex_field_body, { exact: true }).fill('   ');
    await checked(page, `POST /ideas 422 (${lang})`, { status: 422, action: () => page.locator('main form').getByRole('button', { name: t.ex_publish, exact: true }).click() });
    await assertText(page.locator('main [role="alert"]#form-error'), t.form_has_errors);
    const bodyField = page.getByLabel(t.ex_field_body, { exact: true });
    assert.equal(await bodyField.getAttribute('aria-invalid'), 'true');
    assert.ok((await page.locator('#body-error').innerText()).trim().length > 0);
    assert.equal(await page.getByLabel(t.ex_field_title, { exact: true }).inputValue(), title, 'title kept');
    assert.equal(await page.getByLabel(t.ex_field_tags, { exact: true }).inputValue(), 'sport, youth', 'tags kept');
    assert.equal(await page.getByLabel(t.ex_field_lang, { exact: true }).inputValue(), lang, 'language kept');

    await bodyField.fill(body);
    await page.locator('main form').getByRole('button', { name: t.ex_publish, exact: true }).click();
    await page.waitForURL((u) => /^\/threads\/\d+$/.test(u.pathname));
    threadPath = new URL(page.url()).pathname;
    await assertText(page.locator('main h1'), title);
    await assertText(page.locator('main .flash'), t.flash_saved);
    // Markdown is rendered; the script is not (and is not run: no page error).
    assert.equal(await page.locator('main .ex-post strong').first().innerText(), { en: 'clubs', fr: 'clubs', es: 'clubes' }[lang]);
    assert.equal(await page.locator('main script').count(), 0);
    await checked(page, `${threadPath} (${lang})`, { url: threadPath });
    await page.close();
  });

  it(`${lang}: another member quotes the idea, replies and marks it useful`, STEP, async () => {
    const page = await replierCtx.newPage();
    await signIn(page, replier.email, replier.password);
    await page.goto(threadPath);
    const first = page.locator('main .ex-post').first();
    const firstId = await first.getAttribute('id');
    await first.getByRole('link', { name: new RegExp(`^${t.ex_quote}`) }).click();
    await page.waitForURL((u) => u.searchParams.has('quote'));
    if (javaScriptEnabled) await assertAccessible(page, `${threadPath}?quote (${lang})`);
    const quoted = page.getByLabel(t.ex_quoted_passage, { exact: true });
    assert.ok((await quoted.inputValue()).includes(body.split(' <script>')[0]), 'the quoted post fills the passage');
    await quoted.fill(body.split(' <script>')[0]);
    await page.getByLabel(t.ex_field_body, { exact: true }).fill(answer);
    await page.locator('#reply form').getByRole('button', { name: t.ex_post_reply, exact: true }).click();
    await page.waitForURL((u) => u.pathname === threadPath && !u.searchParams.has('quote'));
    const reply = page.locator('main .ex-post').nth(1);
    await assertText(reply, answer);
    await assertText(reply.locator('blockquote'), body.split(' <script>')[0]);
    assert.equal(await reply.locator('blockquote a').getAttribute('href'), `${threadPath}#${firstId}`);

    // Useful: the button says 0, then 1 and is pressed; pressing again takes it back.
    const useful = () => page.locator(`#${firstId} button.ex-useful`);
    assert.equal((await useful().innerText()).trim(), fill(t.ex_useful_button, 0));
    await Promise.all([page.waitForEvent('load'), useful().click()]);
    assert.equal((await useful().innerText()).trim(), fill(t.ex_useful_button, 1));
    assert.equal(await useful().getAttribute('aria-pressed'), 'true');
    await checked(page, `${threadPath} after useful (${lang})`, { url: threadPath });
    await page.close();
  });

  it(`${lang}: the author is notified of the reply`, STEP, async () => {
    const page = await authorCtx.newPage();
    await page.goto('/ideas');
    const nav = page.locator('header nav').getByRole('link', { name: new RegExp(`^${t.ex_nav_notifications}`) });
    await assertText(nav, fill(t.ex_nav_unread, 1));
    await nav.click();
    await page.waitForURL((u) => u.pathname === '/notifications');
    await checked(page, `/notifications (${lang})`, { url: '/notifications' });
    await assertText(page.locator('main .ex-notifications'), title);
    await Promise.all([page.waitForEvent('load'),
      page.locator('main').getByRole('button', { name: t.ex_mark_all_read, exact: true }).click()]);
    assert.equal(await page.locator('main .ex-unread').count(), 0);
    // The idea is listed on the board with its tag.
    await page.goto('/ideas?tag=sport');
    assert.equal(await page.locator('main .ex-list').getByRole('link', { name: title, exact: true }).count(), 1);
    await checked(page, `/groups (${lang})`, { url: '/groups' });
    await checked(page, `/groups/new (${lang})`, { url: '/groups/new' });
    await page.close();
  });
}

describe('idea exchange in English (JavaScript)', () => exchangeJourney('en', { javaScriptEnabled: true }));
describe('idea exchange in French (no JavaScript)', () => exchangeJourney('fr', { javaScriptEnabled: false }));
describe('idea exchange in Spanish (JavaScript)', () => exchangeJourney('es', { javaScriptEnabled: true }));

describe('exchange pages for a moderator (axe, weight)', () => {
  for (const lang of ['en', 'fr', 'es']) {
    it(`${lang}: moderation queue, a working group, the Ideas board and notifications pass axe`, STEP, async () => {
      const email = `mod-exchange-${lang}@example.org`;
      await addUser(server, { email, name: `Moderator ${lang}`, org: 'jcwi', role: 'moderator', locale: lang, password: 'a long enough password' });
      const context = await newContext(browser, server.url, { bypassCSP: true });
      context.jsEnabled = true;
      try {
        const page = await context.newPage();
        await signIn(page, email, 'a long enough password');
        assert.equal(await page.locator('html').getAttribute('lang'), lang);
        assert.equal(await page.locator('header nav').getByRole('link', { name: T[lang].ex_nav_moderation, exact: true }).count(), 1,
          'moderators get a Moderation link');
        await page.goto('/groups');
        const group = await page.locator('main .ex-list a').first().getAttribute('href');
        assert.ok(group, 'the demo data has a working group');
        await checked(page, `/moderation (${lang})`, { url: '/moderation' });
        await assertText(page.locator('main h1'), T[lang].ex_moderation_title);
        await checked(page, `${group} (${lang})`, { url: group });
        await checked(page, `/ideas (${lang})`, { url: '/ideas' });
        await checked(page, `/notifications (${lang})`, { url: '/notifications' });
        await checked(page, `/ideas/new (${lang})`, { url: '/ideas/new' });
        await checked(page, `/groups/new (${lang})`, { url: '/groups/new' });
        await page.close();
        assertClean(context);
      } finally {
        await context.close();
      }
    });
  }
});
