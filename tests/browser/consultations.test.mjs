// The consultations in a real browser, without JavaScript: the demo's 2015
// consultation shows its four sessions in French with their conclusions; the
// public tracker shows its summary, filters by status through its form and
// leads to a point's page with its progress updates. axe checks the agenda,
// the tracker and a point's page. An organiser (the demo admin), without
// JavaScript, edits a point, adds a consultation and carries the point over
// to it (an older target is refused on the form, naming the field); axe
// checks the edit pages and the point's organiser forms.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, suiteDir } from './lib/server.mjs';
import { assertClean, launchBrowser, newContext } from './lib/browser.mjs';
import { assertAccessible } from './lib/axe.mjs';

const catalogue = (lang) => {
  const dir = path.join(suiteDir, '../../web/i18n');
  return {
    ...JSON.parse(readFileSync(path.join(dir, `${lang}.json`), 'utf8')),
    ...JSON.parse(readFileSync(path.join(dir, `consultations.${lang}.json`), 'utf8')),
  };
};
const fr = catalogue('fr');
const en = catalogue('en');

let server;
let browser;
before(async () => {
  server = await startServer({ demo: true });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

// axe runs as a script: the same page in a context with JavaScript and the CSP bypassed.
async function accessible(url, label) {
  const ctx = await newContext(browser, server.url, { bypassCSP: true });
  const page = await ctx.newPage();
  await page.goto(url);
  await assertAccessible(page, label);
  await ctx.close();
}

it('reads the 2015 agenda and follows the action points without JavaScript', { timeout: 120_000 }, async () => {
  const ctx = await newContext(browser, server.url, { javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto('/consultations/2015?lang=fr');
  assert.equal(await page.locator('li.session').count(), 4);
  const first = await page.locator('#session-1 h3').innerText();
  assert.ok(first.includes('09:15') && first.includes('Des approches globales'), first);
  assert.ok((await page.locator('#session-4 .conclusions').innerText()).includes(fr.cn_conclusions));
  assert.equal(await page.locator('ul.participants li').count(), 34);
  assert.equal(await page.locator('a[href="/consultations/2015.ics"]').count(), 1);
  await accessible('/consultations/2015?lang=fr', 'agenda');

  await page.goto('/action-points?lang=en');
  assert.match(await page.locator('#tracker-summary').innerText(), /^Since 2015: 7 points/);
  assert.equal(await page.locator('#tracker-filtered').count(), 0, 'no second summary without a filter');
  await page.locator('#f-status').selectOption('done');
  await Promise.all([page.waitForURL(/status=done/), page.getByRole('button', { name: en.cn_filter }).click()]);
  const rows = page.locator('table.action-points tbody tr');
  assert.equal(await rows.count(), 3, 'points 2, 3 and 4.1 are done');
  assert.match(await page.locator('#tracker-filtered').innerText(), /done: 2$/, 'two points done; 4.1 is a sub-point');
  await accessible('/action-points?status=done', 'tracker');

  await page.goto('/action-points');
  await Promise.all([page.waitForURL(/\/action-points\/\d+$/), page.locator('table.action-points a', { hasText: 'working group' }).click()]);
  assert.equal(await page.locator('#point-status').innerText(), en.cn_point_done);
  assert.ok(await page.locator('ol.updates li').count() >= 2);
  assert.equal(await page.locator('form').filter({ has: page.locator('textarea[name="text"]') }).count(), 0,
    'no progress form for a reader');
  await accessible(new URL(page.url()).pathname, 'action point');
  assertClean(ctx);
  await ctx.close();
});

/** Signs the demo admin in (one-time password, then a new one) in `ctx`. */
async function signInAdmin(page) {
  await page.goto('/signin');
  await page.getByLabel(en.email, { exact: true }).fill(server.adminEmail);
  await page.getByLabel(en.password, { exact: true }).fill(server.adminPassword);
  await Promise.all([page.waitForURL((u) => u.pathname !== '/signin'),
    page.locator('main form').getByRole('button', { name: en.signin_button, exact: true }).click()]);
  if (new URL(page.url()).pathname === '/account/password') {
    const fresh = 'Organiser-password-2026';
    await page.getByLabel(en.password_current, { exact: true }).fill(server.adminPassword);
    await page.getByLabel(en.password_new, { exact: true }).fill(fresh);
    await page.getByLabel(en.password_confirm, { exact: true }).fill(fresh);
    await Promise.all([page.waitForURL((u) => u.pathname === '/account'),
      page.locator('main form').getByRole('button', { name: en.save, exact: true }).click()]);
  }
}

it('an organiser edits a point and carries it over without JavaScript', { timeout: 180_000 }, async () => {
  const ctx = await newContext(browser, server.url, { javaScriptEnabled: false });
  const page = await ctx.newPage();
  await signInAdmin(page);

  // An open or in-progress point of 2015.
  await page.goto('/action-points?status=in_progress&lang=en');
  await Promise.all([page.waitForURL(/\/action-points\/\d+$/),
    page.locator('table.action-points tbody tr:not(.sub-point) a').first().click()]);
  const pointPath = new URL(page.url()).pathname;
  await Promise.all([page.waitForURL(/\/edit$/), page.getByRole('link', { name: en.cn_edit_point }).click()]);
  await page.locator('#p-text').fill('Keep the platform running, edited in the browser');
  await Promise.all([page.waitForURL((u) => u.pathname === pointPath),
    page.getByRole('button', { name: en.cn_save }).click()]);
  assert.equal(await page.locator('.point-text').innerText(), 'Keep the platform running, edited in the browser');

  // A milestone through its form.
  await page.locator('#m-date').fill('2016-06-30');
  await page.locator('#m-text').fill('Halfway review');
  await Promise.all([page.waitForURL(/msg=flash_cn_milestone_added/),
    page.getByRole('button', { name: en.cn_add_milestone }).click()]);
  assert.ok((await page.locator('main').innerText()).includes('2016-06-30: Halfway review'));

  // Two more consultations through the organisers' form: one older, one later.
  for (const [year, day] of [['2014', '2014-06-17'], ['2016', '2016-10-20']]) {
    await page.goto('/consultations');
    await page.locator('#n-title').fill(`Consultation ${year} (browser)`);
    await page.locator('#n-year').fill(year);
    await page.locator('#n-starts_on').fill(day);
    await page.locator('#n-venue').fill('Geneva');
    await Promise.all([page.waitForURL(/\/consultations\/\d{4}\?msg=/),
      page.getByRole('button', { name: en.cn_create }).click()]);
  }

  // Carrying it to the older one is refused on the form, naming the field.
  await page.goto(pointPath);
  await page.locator('#c-to').selectOption('2014');
  await page.getByRole('button', { name: en.cn_carry_over }).click();
  assert.equal(new URL(page.url()).pathname, `${pointPath}/carry-over`);
  const refused = await page.locator('#carry-over ~ div.error').innerText();
  assert.ok(refused.includes(en.cn_field_consultation) && refused.includes(en.invalid_carry_over_older), refused);
  await page.locator('#c-to').selectOption('2016');
  await page.locator('#c-number').fill('8');
  await Promise.all([page.waitForURL(/msg=flash_cn_carried_over/),
    page.getByRole('button', { name: en.cn_carry_over }).click()]);
  const nextPath = new URL(page.url()).pathname;
  assert.notEqual(nextPath, pointPath);
  assert.match(await page.locator('h1').innerText(), /2016\/8$/);
  assert.equal(await page.locator(`a[href="${pointPath}"]`).count(), 1, 'it links back to where it comes from');
  await page.goto(pointPath);
  assert.equal(await page.locator('#point-status').innerText(), en.cn_point_carried_over);
  assert.equal(await page.locator('#c-to').count(), 0, 'nothing leaves carried_over');
  assertClean(ctx);

  // axe on the organisers' forms, signed in, in a context that runs it.
  const state = await ctx.storageState();
  await ctx.close();
  const axeCtx = await newContext(browser, server.url, { bypassCSP: true, storageState: state });
  const axePage = await axeCtx.newPage();
  for (const [url, label] of [[nextPath, 'point with organiser forms'], [`${nextPath}/edit`, 'point edit'],
    ['/consultations/2015/edit', 'consultation edit'], ['/consultations/2015', 'consultation as organiser']]) {
    await axePage.goto(url);
    await assertAccessible(axePage, label);
  }
  await axePage.goto('/consultations/2015/edit');
  await Promise.all([axePage.waitForURL(/\/sessions\/\d+\/edit$/), axePage.locator('ul.sessions a').first().click()]);
  await assertAccessible(axePage, 'session edit');
  await axeCtx.close();
});
