// The survey in a real browser, without JavaScript: a member of IOM opens a
// batch and reads its private link; on a small phone screen, a migrant opens
// the link in French, reads the consent statement, agrees, first forgets a
// question (the error names it and keeps the rest), then sends the answers
// and is thanked; the results page shows aggregates only, with its SVG
// chart. axe checks the consent page, the questions and the results.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { addUser, startServer, suiteDir } from './lib/server.mjs';
import { assertClean, launchBrowser, newContext } from './lib/browser.mjs';
import { assertAccessible } from './lib/axe.mjs';

const catalogue = (lang) => {
  const dir = path.join(suiteDir, '../../web/i18n');
  return {
    ...JSON.parse(readFileSync(path.join(dir, `${lang}.json`), 'utf8')),
    ...JSON.parse(readFileSync(path.join(dir, `survey.${lang}.json`), 'utf8')),
  };
};
const fr = catalogue('fr');
const en = catalogue('en');
const PHONE = { viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true };

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
  const ctx = await newContext(browser, server.url, { bypassCSP: true, ...PHONE });
  const page = await ctx.newPage();
  await page.goto(url);
  await assertAccessible(page, label);
  await ctx.close();
}

it('a migrant answers on a phone without JavaScript, consent first', { timeout: 120_000 }, async () => {
  const tag = `${Date.now() % 100000}`;
  const member = await addUser(server, {
    email: `survey-${tag}@example.org`, org: 'iom', role: 'member', password: 'a long enough passphrase here',
  });
  const office = await newContext(browser, server.url, { javaScriptEnabled: false });
  const page = await office.newPage();
  await page.goto('/signin');
  await page.locator('#email').fill(member.email);
  await page.locator('#password').fill(member.password);
  await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.locator('main form button[type="submit"]').click()]);
  await page.goto('/survey/batches');
  await page.getByLabel(en.field_label, { exact: true }).fill(`Niamey ${tag}`);
  await page.locator('#b-country').selectOption('NER');
  await page.locator('#b-lang').selectOption('fr');
  await Promise.all([page.waitForURL(/\/survey\/batches\/\d+/), page.getByRole('button', { name: en.sv_open }).click()]);
  const link = new URL(await page.locator('#batch-link').getAttribute('href'), server.url).pathname;
  assert.match(link, /^\/survey\/b\/[0-9a-f]{48}$/);
  assertClean(office);

  const phoneCtx = await newContext(browser, server.url, { locale: 'fr-FR', javaScriptEnabled: false, ...PHONE });
  const phone = await phoneCtx.newPage();
  await phone.goto(`${link}?lang=fr`);
  await assert.doesNotReject(phone.locator('#consent-text').waitFor());
  assert.ok((await phone.locator('#consent-text').innerText()).includes(fr.sv_consent_2));
  assert.equal(await phone.locator('select[name="origin"]').count(), 0, 'no question before consent');
  await accessible(`${link}?lang=fr`, 'consent');
  // The consent button is a big touch target.
  const box = await phone.locator('#consent-yes').boundingBox();
  assert.ok(box.height >= 44 && box.width >= 300, `consent button ${box.width}x${box.height}`);
  await Promise.all([phone.waitForURL(/consent=yes/), phone.locator('#consent-yes').click()]);

  await phone.locator('#f-origin').selectOption('NER');
  await phone.locator('#f-destination').selectOption('LBY');
  await phone.locator('#f-year').fill('2022');
  await phone.getByLabel(fr['sv_age_18-29'], { exact: true }).check();
  await phone.getByLabel(fr.sv_reason_work, { exact: true }).check();
  await phone.getByLabel(fr.sv_env_main, { exact: true }).check();
  await phone.getByLabel(fr.sv_factor_drought, { exact: true }).check();
  // "Sudden or slow" forgotten.
  await Promise.all([phone.waitForLoadState(), phone.locator('#survey-send').click()]);
  const error = phone.locator('#form-error');
  await error.waitFor();
  assert.ok((await error.innerText()).includes(fr.field_env_how));
  assert.equal(await phone.locator('#f-origin').inputValue(), 'NER', 'the answers are kept');
  assert.equal(await phone.locator('#f-year').inputValue(), '2022');
  await accessible(`${link}?consent=yes&lang=fr`, 'questions');
  await phone.getByLabel(fr.sv_how_slow, { exact: true }).check();
  await Promise.all([phone.waitForURL(/\/done$/), phone.locator('#survey-send').click()]);
  assert.equal(await phone.locator('#survey-done').innerText(), fr.sv_thanks);
  assertClean(phoneCtx);

  await phone.goto('/survey/results?lang=fr');
  assert.ok(await phone.locator('svg.survey-chart').count() >= 1);
  assert.match(await phone.locator('#survey-total').innerText(), /\d+/);
  await accessible('/survey/results?lang=fr', 'results');
  await office.close();
  await phoneCtx.close();
});
