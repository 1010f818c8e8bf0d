// The main journey through the real server and a real browser: first
// sign-in with a one-time password, language switching, creating an
// organisation through the admin form, signing out. Run once with
// JavaScript and once without (the pages must not need it).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { addUser, startServer, suiteDir } from './lib/server.mjs';
import { assertClean, launchBrowser, newContext } from './lib/browser.mjs';

const catalogue = (lang) =>
  JSON.parse(readFileSync(path.join(suiteDir, '../../web/i18n', `${lang}.json`), 'utf8'));
const T = { en: catalogue('en'), fr: catalogue('fr'), es: catalogue('es') };

const STEP = { timeout: 60_000 };
let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The page's language and its path (no query). */
async function where(page) {
  const url = new URL(page.url());
  return { lang: await page.locator('html').getAttribute('lang'), path: url.pathname };
}

function signOutButton(page, lang) {
  return page.locator('header nav').getByRole('button', { name: T[lang].nav_signout, exact: true });
}

function languageButton(page, name) {
  return page.locator('footer form.lang-switch').getByRole('button', { name, exact: true });
}

/**
 * The journey as a list of steps sharing one browser context. `who` is
 * { email, oneTimePassword, newPassword }; `slug` is the organisation to create.
 */
function journey(getContext, who, slug) {
  let page;

  it('signs in with the one-time password, must choose a new one, lands on /account', STEP, async () => {
    page = await getContext().newPage();
    await page.goto('/');
    assert.equal((await where(page)).lang, 'en');
    await page.locator('header nav').getByRole('link', { name: T.en.nav_signin, exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/signin');
    await page.getByLabel(T.en.email, { exact: true }).fill(who.email);
    await page.getByLabel(T.en.password, { exact: true }).fill(who.oneTimePassword);
    await page.locator('main form').getByRole('button', { name: T.en.signin_button, exact: true }).click();

    await page.waitForURL((u) => u.pathname === '/account/password');
    await assertText(page.locator('main .flash[role="status"]'), T.en.password_must_change);
    // Any other page sends us back here until the password is changed.
    await page.goto('/organisations');
    assert.equal(new URL(page.url()).pathname, '/account/password');

    await page.getByLabel(T.en.password_current, { exact: true }).fill(who.oneTimePassword);
    await page.getByLabel(T.en.password_new, { exact: true }).fill(who.newPassword);
    await page.getByLabel(T.en.password_confirm, { exact: true }).fill(who.newPassword);
    await page.locator('main form').getByRole('button', { name: T.en.save, exact: true }).click();

    await page.waitForURL((u) => u.pathname === '/account');
    await assertText(page.locator('main .flash'), T.en.flash_password_changed);
    await assertText(page.locator('main h1'), T.en.account_title);
    await assertText(page.locator('main dl.facts'), who.email);
    assert.equal(await signOutButton(page, 'en').count(), 1);
    // Now other pages open normally.
    await page.goto('/organisations');
    assert.equal(new URL(page.url()).pathname, '/organisations');
  });

  it('switches language with the footer switcher; the choice persists', STEP, async () => {
    await page.goto('/account');
    await languageButton(page, 'Français').click();
    await page.locator('html[lang="fr"]').waitFor({ state: 'attached' });
    assert.deepEqual(await where(page), { lang: 'fr', path: '/account' }, 'stays on the same page, in French');
    await assertText(page.locator('main h1'), T.fr.account_title);
    await assertText(signOutButton(page, 'fr'), T.fr.nav_signout);
    await assertText(page.locator('header nav').getByRole('link', { name: T.fr.nav_account, exact: true }), T.fr.nav_account);
    assert.equal(await languageButton(page, 'Français').getAttribute('aria-pressed'), 'true');
    assert.equal(await languageButton(page, 'English').getAttribute('aria-pressed'), 'false');

    await languageButton(page, 'Español').click();
    await page.locator('html[lang="es"]').waitFor({ state: 'attached' });
    assert.deepEqual(await where(page), { lang: 'es', path: '/account' });
    await assertText(signOutButton(page, 'es'), T.es.nav_signout);
    assert.equal(await languageButton(page, 'Español').getAttribute('aria-pressed'), 'true');

    // Follow links: still Spanish.
    await page.locator('header nav').getByRole('link', { name: T.es.nav_organisations, exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/organisations');
    assert.equal((await where(page)).lang, 'es');
    await assertText(page.locator('main h1'), T.es.organisations_title);
    await page.locator('header .brand').click();
    await page.waitForURL((u) => u.pathname === '/');
    assert.equal((await where(page)).lang, 'es');
    await assertText(page.locator('main h1'), T.es.home_title);
    // A fresh load in a new tab too.
    const other = await getContext().newPage();
    await other.goto('/account');
    assert.equal((await where(other)).lang, 'es');
    await other.close();
  });

  it('creates an organisation: a bad website comes back inline with the typed values kept; fixed, it is saved and listed', STEP, async () => {
    const t = T.es;
    await page.goto('/organisations');
    await page.locator('main').getByRole('link', { name: t.organisation_new, exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/admin/organisations/new');

    const name = `Browser Test Organisation ${slug}`;
    const description = 'Created by the browser journey.\nSecond line.';
    await page.getByLabel(t.field_slug, { exact: true }).fill(slug);
    await page.getByLabel(t.field_name, { exact: true }).fill(name);
    await page.getByLabel(t.field_acronym, { exact: true }).fill('BTO');
    await page.getByLabel(t.field_kind, { exact: true }).selectOption('research');
    await page.getByLabel(t.field_country, { exact: true }).selectOption('FRA');
    // A well-formed URL (so the browser's own type=url check lets it through)
    // that the server refuses: only http(s) addresses are allowed.
    await page.getByLabel(t.field_website, { exact: true }).fill('ftp://files.example.org/');
    await page.getByLabel(t.field_description, { exact: true }).fill(description);
    await page.locator('main form').getByRole('button', { name: t.save, exact: true }).click();
    await page.waitForLoadState();

    // Back on the form (POST /admin/organisations answered 422), not saved.
    assert.equal(new URL(page.url()).pathname, '/admin/organisations');
    assert.equal((await where(page)).lang, 'es');
    const summary = page.locator('main [role="alert"]#form-error');
    await assertText(summary, t.form_has_errors);
    await assertText(summary.getByRole('link'), t.field_website);
    assert.equal(await summary.getByRole('link').getAttribute('href'), '#website');
    const website = page.getByLabel(t.field_website, { exact: true });
    assert.equal(await website.getAttribute('aria-invalid'), 'true');
    const describedBy = (await website.getAttribute('aria-describedby')) ?? '';
    assert.ok(describedBy.split(/\s+/).includes('website-error'), `aria-describedby="${describedBy}"`);
    assert.ok((await page.locator('#website-error').innerText()).trim().length > 0, 'inline error under the field');
    // Only the website is flagged.
    assert.equal(await page.locator('main [aria-invalid="true"]').count(), 1);
    // Everything typed is still there.
    assert.equal(await page.getByLabel(t.field_slug, { exact: true }).inputValue(), slug);
    assert.equal(await page.getByLabel(t.field_name, { exact: true }).inputValue(), name);
    assert.equal(await page.getByLabel(t.field_acronym, { exact: true }).inputValue(), 'BTO');
    assert.equal(await page.getByLabel(t.field_kind, { exact: true }).inputValue(), 'research');
    assert.equal(await page.getByLabel(t.field_country, { exact: true }).inputValue(), 'FRA');
    assert.equal(await website.inputValue(), 'ftp://files.example.org/');
    assert.equal((await page.getByLabel(t.field_description, { exact: true }).inputValue()).replace(/\r\n/g, '\n'), description);
    // The error summary's link takes keyboard focus to the field.
    await summary.getByRole('link').click();
    assert.ok(await website.evaluate((el) => el === document.activeElement), 'the website field has focus');

    await website.fill('https://example.org/browser-test');
    await page.locator('main form').getByRole('button', { name: t.save, exact: true }).click();
    await page.waitForURL((u) => u.pathname === `/organisations/${slug}`);
    await assertText(page.locator('main .flash'), T.es.flash_saved);
    await assertText(page.locator('main h1'), name);
    await assertText(page.locator('main dl.facts'), 'https://example.org/browser-test');

    await page.locator('header nav').getByRole('link', { name: t.nav_organisations, exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/organisations');
    const link = page.locator('main table').getByRole('link', { name, exact: true });
    assert.equal(await link.count(), 1, 'the new organisation is listed');
    assert.equal(await link.getAttribute('href'), `/organisations/${slug}`);
  });

  it('signs out: the sign-in link is back and /account redirects to /signin', STEP, async () => {
    await page.goto('/account');
    await signOutButton(page, 'es').click();
    await page.waitForURL((u) => u.pathname === '/');
    // The language cookie outlives the session: still Spanish.
    assert.equal((await where(page)).lang, 'es');
    await assertText(page.locator('main .flash'), T.es.flash_signed_out);
    assert.equal(await page.locator('header nav').getByRole('link', { name: T.es.nav_signin, exact: true }).count(), 1);
    assert.equal(await signOutButton(page, 'es').count(), 0);
    assert.equal(await page.locator('header nav a[href="/admin"]').count(), 0);

    await page.goto('/account');
    const url = new URL(page.url());
    assert.equal(url.pathname, '/signin');
    assert.equal(url.searchParams.get('next'), '/account');
    await page.close();
    assertClean(getContext());
  });
}

async function assertText(locator, expected) {
  const text = (await locator.first().innerText({ timeout: 15_000 })).replace(/\s+/g, ' ');
  assert.ok(text.includes(expected), `expected "${expected}" in "${text}"`);
}

describe('journey with JavaScript', () => {
  let context;
  before(async () => { context = await newContext(browser, server.url); });
  after(async () => { await context?.close(); });
  journey(() => context, {
    get email() { return server.adminEmail; },
    get oneTimePassword() { return server.adminPassword; },
    newPassword: 'correct horse battery staple',
  }, 'browser-js');
});

describe('journey without JavaScript', () => {
  let context;
  const who = { newPassword: 'another long passphrase' };
  before(async () => {
    // A second platform administrator with a one-time password from the CLI.
    const u = await addUser(server, { email: 'nojs-admin@example.org', name: 'No-JS Admin', admin: true });
    who.email = u.email;
    who.oneTimePassword = u.oneTimePassword;
    context = await newContext(browser, server.url, { javaScriptEnabled: false });
  });
  after(async () => { await context?.close(); });
  journey(() => context, who, 'browser-nojs');
});

describe('keyboard', () => {
  it('the skip link is the first focusable element, has a visible focus outline and moves focus to main', STEP, async () => {
    const context = await newContext(browser, server.url);
    try {
      const page = await context.newPage();
      await page.goto('/');
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        return {
          tag: el.tagName, cls: el.className, href: el.getAttribute('href'), text: el.textContent.trim(),
          outlineStyle: style.outlineStyle, outlineWidth: style.outlineWidth,
          inViewport: box.right > 0 && box.bottom > 0 && box.left < innerWidth && box.top < innerHeight && box.width > 0,
        };
      });
      assert.equal(focused.tag, 'A');
      assert.equal(focused.href, '#main');
      assert.equal(focused.text, T.en.skip_to_content);
      assert.notEqual(focused.outlineStyle, 'none', 'focus outline visible');
      assert.notEqual(focused.outlineWidth, '0px', 'focus outline has a width');
      assert.ok(focused.inViewport, 'the focused skip link is shown on screen');

      await page.keyboard.press('Enter');
      // Following a fragment link is asynchronous: the URL may change after the key press returns.
      await page.waitForURL((u) => u.hash === '#main', { timeout: 5000 }).catch(() => {});
      assert.equal(new URL(page.url()).hash, '#main');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
      assertClean(context);
    } finally {
      await context.close();
    }
  });
});

describe('what the pages show', () => {
  let context;
  before(async () => {
    await addUser(server, { email: 'es-admin@example.org', name: 'Admin ES', admin: true, locale: 'es',
      password: 'una frase bastante larga' });
    context = await newContext(browser, server.url);
  });
  after(async () => {
    try {
      if (context) assertClean(context);
    } finally {
      await context?.close();
    }
  });

  it('an organisation without a website shows no empty website link', STEP, async () => {
    const page = await context.newPage();
    await page.goto('/organisations/jcwi'); // no website in the demo data
    const facts = page.locator('main dl.facts');
    const emptyLinks = await facts.locator('a').evaluateAll((as) =>
      as.filter((a) => !a.textContent.trim() || !a.getAttribute('href')).map((a) => a.outerHTML));
    assert.deepEqual(emptyLinks, [], '/organisations/jcwi: website link without an address or text');
    assert.equal(await facts.getByText(T.en.field_website, { exact: true }).count(), 0,
      '/organisations/jcwi: a "Website" row although the organisation has none');
    await page.close();
  });

  it('organisations without an acronym are listed without an empty "()"', STEP, async () => {
    const page = await context.newPage();
    await page.goto('/organisations'); // 14 demo organisations have no acronym
    const emptyAbbr = await page.locator('main table abbr').evaluateAll((els) =>
      els.filter((e) => e.textContent.replace(/[()\s]/g, '') === '')
        .map((e) => e.closest('tr').querySelector('a').textContent));
    assert.deepEqual(emptyAbbr, [], '/organisations: organisations shown with an empty acronym "()"');
    await page.goto('/organisations/aea'); // Aide et Action International: no acronym
    const heading = (await page.locator('main h1').innerText()).trim();
    assert.equal(heading, 'Aide et Action International', '/organisations/aea: heading');
    await page.close();
  });

  it('form error messages are in the page language', STEP, async () => {
    const page = await context.newPage();
    await page.goto('/signin');
    await page.getByLabel(T.en.email, { exact: true }).fill('es-admin@example.org');
    await page.getByLabel(T.en.password, { exact: true }).fill('una frase bastante larga');
    await page.locator('main form').getByRole('button', { name: T.en.signin_button, exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/');
    assert.equal((await where(page)).lang, 'es', 'the person\'s own language applies once signed in');
    const t = T.es;

    // A message the web layer builds itself: from the catalogue.
    await page.goto('/account/password');
    await page.getByLabel(t.password_current, { exact: true }).fill('una frase bastante larga');
    await page.getByLabel(t.password_new, { exact: true }).fill('otra frase bastante larga');
    await page.getByLabel(t.password_confirm, { exact: true }).fill('otra frase distinta, larga');
    await page.locator('main form').getByRole('button', { name: t.save, exact: true }).click();
    await assertText(page.locator('#form-error'), t.invalid_password_mismatch);

    // A message from the organisation rules must be Spanish too, not the
    // English text an English page shows.
    const websiteError = async () => {
      await page.goto('/admin/organisations/new');
      await page.locator('#slug').fill('lang-check');
      await page.locator('#name').fill('Language check');
      await page.locator('#website').fill('ftp://files.example.org/');
      await page.locator('main form button[type="submit"]').click();
      await page.locator('#website-error').waitFor();
      return { lang: (await where(page)).lang, text: (await page.locator('#website-error').innerText()).trim() };
    };
    const es = await websiteError();
    await page.goto('/account');
    await languageButton(page, 'English').click();
    await page.locator('html[lang="en"]').waitFor({ state: 'attached' });
    const en = await websiteError();
    assert.equal(es.lang, 'es');
    assert.equal(en.lang, 'en');
    assert.notEqual(es.text, en.text,
      `the website error on the Spanish page is the English text "${en.text}"`);
    await page.close();
  });
});
