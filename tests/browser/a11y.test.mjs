// axe-core on every page, signed out and signed in as a platform
// administrator, in English, French and Spanish, including the states a
// form can come back in; and every page (document + subresources) must
// weigh less than 50 KB.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { addUser, startServer, suiteDir } from './lib/server.mjs';
import { assertClean, launchBrowser, newContext } from './lib/browser.mjs';
import { assertAccessible } from './lib/axe.mjs';

const MAX_PAGE_BYTES = 50 * 1024;
const LANGS = ['en', 'fr', 'es'];
const ACCEPT_LANGUAGE = { en: 'en-GB', fr: 'fr-FR', es: 'es-ES' };
const PASSWORD = 'accessible pages only';
const PAGE = { timeout: 45_000 };

const T = Object.fromEntries(LANGS.map((l) =>
  [l, JSON.parse(readFileSync(path.join(suiteDir, '../../web/i18n', `${l}.json`), 'utf8'))]));

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  for (const lang of LANGS) {
    await addUser(server, { email: `admin-${lang}@example.org`, name: `Admin ${lang.toUpperCase()}`,
      admin: true, locale: lang, password: PASSWORD });
  }
  await addUser(server, { email: 'member@example.org', name: 'Plain Member', org: 'drc', role: 'member',
    locale: 'en', password: PASSWORD });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/**
 * Runs `action` (a navigation or a form submission), waits for the page to
 * load, and returns the response that produced the document plus the total
 * bytes of all response bodies (document and subresources).
 */
async function load(page, action) {
  const responses = [];
  const onResponse = (r) => responses.push(r);
  page.on('response', onResponse);
  try {
    await action();
    await page.waitForLoadState('load');
  } finally {
    page.off('response', onResponse);
  }
  let bytes = 0;
  const parts = [];
  let document;
  for (const r of responses) {
    let n = 0;
    try { n = (await r.body()).length; } catch { /* redirects have no body */ }
    bytes += n;
    parts.push(`${r.status()} ${r.url()} ${n} B`);
    if (r.request().isNavigationRequest() && r.request().frame() === page.mainFrame()) document = r;
  }
  return { document, bytes, parts };
}

/** Checks the page we are on: expected status, path and language, axe, weight. */
async function check(t, page, loaded, { status = 200, pathname, lang }) {
  const label = `${page.url()} [${lang}]`;
  assert.ok(loaded.document, `no document response for ${label}`);
  assert.equal(loaded.document.status(), status, `HTTP status of ${label}`);
  if (pathname) assert.equal(new URL(page.url()).pathname, pathname, 'where we ended up');
  assert.equal(await page.locator('html').getAttribute('lang'), lang, '<html lang>');
  const lesser = await assertAccessible(page, label);
  for (const v of lesser) t.diagnostic(`axe ${v.impact}: ${v.id} (${v.nodes.map((n) => n.target).join(', ')})`);
  assert.ok(loaded.bytes < MAX_PAGE_BYTES,
    `${label} transferred ${loaded.bytes} B (limit ${MAX_PAGE_BYTES}):\n  ${loaded.parts.join('\n  ')}`);
  t.diagnostic(`${loaded.bytes} B`);
}

async function signIn(page, email, lang) {
  await page.goto('/signin');
  await page.getByLabel(T[lang].email, { exact: true }).fill(email);
  await page.getByLabel(T[lang].password, { exact: true }).fill(PASSWORD);
  await page.locator('main form').getByRole('button', { name: T[lang].signin_button, exact: true }).click();
  await page.waitForURL((u) => u.pathname !== '/signin');
}

for (const lang of LANGS) {
  const t = T[lang];

  describe(`signed out, ${lang}`, () => {
    let context;
    let page;
    before(async () => {
      // Signed out, the language comes from the browser's Accept-Language.
      context = await newContext(browser, server.url, { bypassCSP: true, locale: ACCEPT_LANGUAGE[lang] });
      page = await context.newPage();
    });
    after(async () => {
      assertClean(context);
      await context?.close();
    });

    const pages = [
      ['/', {}],
      ['/signin', {}],
      ['/organisations', {}],
      ['/organisations/jcwi', {}],
      ['/no-such-page', { status: 404 }],
    ];
    for (const [url, expect] of pages) {
      it(`${url}`, PAGE, async (tc) => {
        const loaded = await load(page, () => page.goto(url));
        await check(tc, page, loaded, { pathname: url, lang, ...expect });
      });
    }

    it('/signin after a wrong password (401, error shown)', PAGE, async (tc) => {
      await page.goto('/signin');
      await page.getByLabel(t.email, { exact: true }).fill('nobody@example.org');
      await page.getByLabel(t.password, { exact: true }).fill('not the password');
      const loaded = await load(page, () =>
        page.locator('main form').getByRole('button', { name: t.signin_button, exact: true }).click());
      assert.ok((await page.locator('#form-error').innerText()).includes(t.signin_failed));
      await check(tc, page, loaded, { status: 401, pathname: '/signin', lang });
    });
  });

  describe(`signed in as administrator, ${lang}`, () => {
    let context;
    let page;
    before(async () => {
      context = await newContext(browser, server.url, { bypassCSP: true });
      page = await context.newPage();
      await signIn(page, `admin-${lang}@example.org`, 'en');
    });
    after(async () => {
      assertClean(context);
      await context?.close();
    });

    const pages = [
      '/account', '/account/password', '/admin', '/admin/users', '/admin/users/1',
      '/admin/organisations', '/admin/organisations/new', '/organisations/jcwi/edit', '/admin/audit',
      '/organisations', '/organisations/jcwi',
    ];
    for (const url of pages) {
      it(url, PAGE, async (tc) => {
        const loaded = await load(page, () => page.goto(url));
        await check(tc, page, loaded, { pathname: url, lang });
      });
    }

    it('/admin/organisations/new sent with errors (422)', PAGE, async (tc) => {
      await page.goto('/admin/organisations/new');
      await page.getByLabel(t.field_slug, { exact: true }).fill(`bad-${lang}`);
      await page.getByLabel(t.field_name, { exact: true }).fill('Has a bad website');
      await page.getByLabel(t.field_website, { exact: true }).fill('ftp://files.example.org/');
      const loaded = await load(page, () =>
        page.locator('main form').getByRole('button', { name: t.save, exact: true }).click());
      assert.equal(await page.locator('#form-error').count(), 1);
      await check(tc, page, loaded, { status: 422, pathname: '/admin/organisations', lang });
    });

    it('/account/password sent with differing new passwords (422)', PAGE, async (tc) => {
      await page.goto('/account/password');
      await page.getByLabel(t.password_current, { exact: true }).fill(PASSWORD);
      await page.getByLabel(t.password_new, { exact: true }).fill('one new passphrase');
      await page.getByLabel(t.password_confirm, { exact: true }).fill('another new passphrase');
      const loaded = await load(page, () =>
        page.locator('main form').getByRole('button', { name: t.save, exact: true }).click());
      assert.ok((await page.locator('#form-error').innerText()).includes(t.invalid_password_mismatch));
      await check(tc, page, loaded, { status: 422, pathname: '/account/password', lang });
    });

    it('/admin/users after adding a person (one-time password shown)', PAGE, async (tc) => {
      await page.goto('/admin/users');
      await page.getByLabel(t.email, { exact: true }).fill(`new-${lang}@example.org`);
      await page.getByLabel(t.field_name, { exact: true }).fill(`New person ${lang}`);
      const loaded = await load(page, () =>
        page.locator('main form.stack').getByRole('button', { name: t.user_add, exact: true }).click());
      assert.equal(await page.locator('#one-time-password').count(), 1);
      await check(tc, page, loaded, { status: 201, pathname: '/admin/users', lang });
    });

    it('/account after creating an API token (token shown once)', PAGE, async (tc) => {
      await page.goto('/account');
      await page.getByLabel(t.token_label, { exact: true }).fill(`token ${lang}`);
      const loaded = await load(page, () =>
        page.locator('main').getByRole('button', { name: t.token_create, exact: true }).click());
      assert.match(await page.locator('#new-token').innerText(), /^wm_/);
      await check(tc, page, loaded, { status: 201, pathname: '/account/tokens', lang });
    });
  });
}

describe('signed in as a member, en', () => {
  let context;
  let page;
  before(async () => {
    context = await newContext(browser, server.url, { bypassCSP: true });
    page = await context.newPage();
    await signIn(page, 'member@example.org', 'en');
  });
  after(async () => {
    try {
      if (context) assertClean(context);
    } finally {
      await context?.close();
    }
  });

  it('/admin is a 403 page', PAGE, async (tc) => {
    const loaded = await load(page, () => page.goto('/admin'));
    await check(tc, page, loaded, { status: 403, pathname: '/admin', lang: 'en' });
  });

  it('/account', PAGE, async (tc) => {
    const loaded = await load(page, () => page.goto('/account'));
    await check(tc, page, loaded, { pathname: '/account', lang: 'en' });
  });
});
