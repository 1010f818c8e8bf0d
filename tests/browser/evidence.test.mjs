// The evidence module in a real browser: an administrator (a data officer by
// right) imports an MMP file and an IDMC table through the upload form and
// reads the report; the dashboard then draws its chart (uPlot), its map of
// incidents and its choropleth (Leaflet over world-atlas, nothing fetched
// from other hosts, no CSP refusal) in English; in French without
// JavaScript it is tables only; in Spanish a filter form narrows it. The
// quarantine refuses a discard without a reason. axe checks every page.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { addUser, startServer, suiteDir } from './lib/server.mjs';
import { assertClean, launchBrowser, newContext } from './lib/browser.mjs';
import { formatViolations, runAxe } from './lib/axe.mjs';

const catalogue = (lang) => {
  const dir = path.join(suiteDir, '../../web/i18n');
  return {
    ...JSON.parse(readFileSync(path.join(dir, `${lang}.json`), 'utf8')),
    ...JSON.parse(readFileSync(path.join(dir, `evidence.${lang}.json`), 'utf8')),
  };
};
const T = { en: catalogue('en'), fr: catalogue('fr'), es: catalogue('es') };
const LOCALES = { en: 'en-GB', fr: 'fr-FR', es: 'es-ES' };
const PASSWORD = 'a long enough passphrase';
const STEP = { timeout: 120_000 };
const DATA = path.resolve(suiteDir, '../../../shared/data');
const MMP = path.join(DATA, 'iom-missing-migrants/mmp_website_export_2026.csv');
const IDMC = path.join(DATA, 'idmc-gidd/gidd_conflict_idps_country_year_2009-2024.csv');

let server;
let browser;
let admin;

before(async () => {
  server = await startServer({ demo: false });
  browser = await launchBrowser();
  admin = await addUser(server, { email: 'officer@example.org', name: 'Data Officer', admin: true, password: PASSWORD });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function signedInContext(user, lang, { js = true, bypassCSP = false } = {}) {
  const context = await newContext(browser, server.url, { locale: LOCALES[lang], javaScriptEnabled: js, bypassCSP });
  const page = await context.newPage();
  await page.goto('/signin');
  await page.getByLabel(T[lang].email, { exact: true }).fill(user.email);
  await page.getByLabel(T[lang].password, { exact: true }).fill(PASSWORD);
  await page.locator('main form').getByRole('button', { name: T[lang].signin_button, exact: true }).click();
  await page.waitForURL((u) => u.pathname !== '/signin');
  await page.close();
  return context;
}

async function assertAccessible(page, what) {
  const bad = (await runAxe(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.equal(bad.length, 0, `${what}: ${formatViolations(bad)}`);
}

async function upload(page, t, file, target) {
  await page.goto('/evidence/imports');
  await page.getByLabel(t.ev_file, { exact: true }).setInputFiles(file);
  await page.locator(`#ev-target-${target}`).check();
  await page.getByRole('button', { name: t.ev_upload_button, exact: true }).click();
  await page.waitForSelector('#ev-report-summary');
  return page.locator('#ev-report-summary').innerText();
}

describe('evidence', () => {
  it('an officer imports files through the form and reads the report', STEP, async () => {
    const t = T.en;
    const ctx = await signedInContext(admin, 'en', { bypassCSP: true });
    const page = await ctx.newPage();
    await page.goto('/evidence');
    await page.locator('header nav').getByRole('link', { name: t.nav_ev_imports, exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/evidence/imports');
    await assertAccessible(page, 'imports page');
    const mmp = await upload(page, t, MMP, 'incidents');
    assert.match(mmp, new RegExp(`${t.ev_accepted} \\d+`));
    assert.ok(!mmp.includes(`${t.ev_accepted} 0,`), mmp);
    await assertAccessible(page, 'import report');
    const idmc = await upload(page, t, IDMC, 'displacement');
    assert.match(idmc, new RegExp(`${t.ev_accepted} \\d+`));
    // Again: nothing new.
    const again = await upload(page, t, MMP, 'incidents');
    assert.ok(again.includes(`${t.ev_accepted} 0,`) && again.includes(`${t.ev_updated} 0,`), again);
    assert.ok(await page.locator('table caption', { hasText: t.ev_batches_caption }).count() === 1);
    await ctx.close();
  });

  it('draws the chart and both maps in English, from our origin only', STEP, async () => {
    const t = T.en;
    const ctx = await newContext(browser, server.url, { locale: LOCALES.en });
    const page = await ctx.newPage();
    await page.goto('/evidence');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.equal(await page.locator('main h1').innerText(), t.ev_title);
    await page.locator('#ev-chart .uplot canvas').waitFor();
    await page.locator('#ev-map.leaflet-container path').first().waitFor();
    await page.waitForFunction(() => {
      const n = document.querySelector('#ev-map')?.getAttribute('data-points');
      return n && n !== 'unavailable' && Number(n) > 0;
    });
    assert.ok(await page.locator('#ev-map path.leaflet-interactive').count() > 0, 'incident circles');
    await page.waitForFunction(() => document.querySelector('#ev-choropleth')?.getAttribute('data-countries') !== null);
    assert.ok(Number(await page.locator('#ev-choropleth').getAttribute('data-countries')) > 0, 'countries with a figure');
    assert.ok(await page.locator('#ev-choropleth .ev-legend').count() === 1);
    // The accessible tables are there too, with captions.
    assert.ok(await page.locator('table caption', { hasText: t.ev_years_caption }).count() === 1);
    assert.ok(await page.locator('table caption', { hasText: t.ev_regions_caption }).count() === 1);
    // Licence and citation beside the numbers.
    assert.ok((await page.locator('.ev-source').first().innerText()).includes(t.ev_licence));
    assertClean(ctx);
    await ctx.close();
    const axeCtx = await newContext(browser, server.url, { locale: LOCALES.en, bypassCSP: true });
    const axePage = await axeCtx.newPage();
    await axePage.goto('/evidence');
    await axePage.locator('#ev-map.leaflet-container').waitFor();
    await assertAccessible(axePage, 'dashboard (en)');
    await axeCtx.close();
  });

  it('is tables only in French without JavaScript', STEP, async () => {
    const t = T.fr;
    const ctx = await newContext(browser, server.url, { locale: LOCALES.fr, javaScriptEnabled: false, bypassCSP: true });
    const page = await ctx.newPage();
    await page.goto('/evidence?lang=fr');
    assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
    assert.equal(await page.locator('main h1').innerText(), t.ev_title);
    assert.ok(await page.locator('#ev-chart').isHidden());
    assert.ok(await page.locator('#ev-map').isHidden());
    assert.ok(await page.locator('table caption', { hasText: t.ev_years_caption }).count() === 1);
    assert.ok(await page.locator('table caption', { hasText: t.ev_dyears_caption }).count() === 1);
    // A region link filters the page.
    const region = page.locator('table:has(caption:has-text("' + t.ev_regions_caption + '")) tbody a').first();
    const name = await region.innerText();
    await region.click();
    await page.waitForURL((u) => u.searchParams.get('region') === name);
    assert.equal(await page.locator('#ev-region').inputValue(), name);
    const filtered = page.url();
    assertClean(ctx);
    await ctx.close();
    // axe runs as a script: the same page in a context with JavaScript.
    const axeCtx = await newContext(browser, server.url, { locale: LOCALES.fr, bypassCSP: true });
    const axePage = await axeCtx.newPage();
    await axePage.goto(filtered);
    await assertAccessible(axePage, 'dashboard (fr, filtered)');
    await axeCtx.close();
  });

  it('filters with the form in Spanish', STEP, async () => {
    const t = T.es;
    const ctx = await newContext(browser, server.url, { locale: LOCALES.es, bypassCSP: true });
    const page = await ctx.newPage();
    await page.goto('/evidence?lang=es');
    await page.getByLabel(t.ev_cause, { exact: true }).selectOption('drowning');
    await page.getByLabel(t.ev_from, { exact: true }).fill('2016');
    await page.locator('form.ev-filters').first().getByRole('button', { name: t.ev_apply, exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get('cause') === 'drowning' && u.searchParams.get('from') === '2016');
    assert.equal(await page.locator('#ev-cause').inputValue(), 'drowning');
    assert.ok(await page.getByRole('link', { name: t.ev_clear, exact: true }).count() === 1);
    await assertAccessible(page, 'dashboard (es, filtered)');
    // A bad year is said, not guessed.
    const bad = await page.goto('/evidence?lang=es&from=20');
    assert.equal(bad.status(), 422);
    await ctx.close();
  });

  it('the quarantine lists rejected rows and wants a reason to discard', STEP, async () => {
    const t = T.en;
    const ctx = await signedInContext(admin, 'en', { bypassCSP: true });
    const page = await ctx.newPage();
    await page.goto('/evidence/quarantine');
    assert.equal(await page.locator('main h1').innerText(), t.ev_quarantine_title);
    await assertAccessible(page, 'quarantine');
    const rows = page.locator('main table tbody th a');
    if ((await rows.count()) > 0) {
      await rows.first().click();
      await page.waitForURL((u) => /^\/evidence\/quarantine\/\d+$/.test(u.pathname));
      await assertAccessible(page, 'quarantined row');
      assert.ok((await page.getByLabel(t.ev_raw, { exact: true }).inputValue()).length > 0);
      // The browser's own check would stop an empty reason; the server says it too.
      await page.locator('#ev-reason').evaluate((el) => el.removeAttribute('required'));
      await page.getByRole('button', { name: t.ev_discard, exact: true }).click();
      await page.waitForSelector('#form-error');
      await page.getByLabel(t.ev_discard_reason, { exact: true }).fill('duplicate of another row');
      await page.getByRole('button', { name: t.ev_discard, exact: true }).click();
      await page.waitForURL((u) => u.pathname === '/evidence/quarantine');
      assert.ok((await page.locator('main .flash').innerText()).includes(t.flash_ev_discarded));
    }
    await ctx.close();
  });
});
