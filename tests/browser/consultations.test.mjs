// The consultations in a real browser, without JavaScript: the demo's 2015
// consultation shows its four sessions in French with their conclusions; the
// public tracker shows its summary, filters by status through its form and
// leads to a point's page with its progress updates. axe checks the agenda,
// the tracker and a point's page.
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
