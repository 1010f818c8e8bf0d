// The campaigns journey in a real browser, in English, French and Spanish:
// an editor creates a campaign through the form, submits it, a moderator
// publishes it from the review queue, a search with an accent-free query
// finds its accented words, another organisation adapts it, and the lineage
// page shows both campaigns and the countries reached. French runs with
// JavaScript turned off (the pages must not need it). axe checks the pages.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { addUser, runCli, startServer, suiteDir } from './lib/server.mjs';
import { assertClean, launchBrowser, newContext } from './lib/browser.mjs';
import { formatViolations, runAxe } from './lib/axe.mjs';

const catalogue = (lang) => {
  const dir = path.join(suiteDir, '../../web/i18n');
  return {
    ...JSON.parse(readFileSync(path.join(dir, `${lang}.json`), 'utf8')),
    ...JSON.parse(readFileSync(path.join(dir, `campaigns.${lang}.json`), 'utf8')),
  };
};
const T = { en: catalogue('en'), fr: catalogue('fr'), es: catalogue('es') };
const LOCALES = { en: 'en-GB', fr: 'fr-FR', es: 'es-ES' };
const PASSWORD = 'a long enough passphrase';
const STEP = { timeout: 90_000 };

// Per language: a title with accented words, and the accent-free query that must find it.
const CASES = {
  en: { title: 'Naïve café posters', summary: 'Posters in cafés across the city.', query: 'naive cafe', country: 'GBR', adaptCountry: 'IRL', js: true },
  fr: { title: 'Théâtre émerveillé', summary: 'Un théâtre itinérant dans les écoles.', query: 'theatre emerveille', country: 'FRA', adaptCountry: 'BEL', js: false },
  es: { title: 'Canción del pingüino', summary: 'Una canción para la radio.', query: 'cancion pinguino', country: 'ESP', adaptCountry: 'MEX', js: true },
};

let server;
let browser;

before(async () => {
  server = await startServer({ demo: false });
  browser = await launchBrowser();
  await runCli(['org', 'add', '--db', server.dbUrl, '--slug', 'mods', '--name', 'Review desk', '--kind', 'iom']);
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

/** The campaign id in /campaigns/ID... */
const idOf = (url) => Number(new URL(url).pathname.split('/')[2]);

for (const [lang, c] of Object.entries(CASES)) {
  const t = T[lang];
  describe(`campaign journey in ${lang}${c.js ? '' : ' without JavaScript'}`, () => {
    const tag = `${lang}${Date.now() % 100000}`;
    const title = `${c.title} ${tag}`;
    let editor;
    let adapter;
    let moderator;
    let editorCtx;
    let adapterCtx;
    let id;
    let adaptedId;

    before(async () => {
      for (const slug of [`origin-${lang}`, `adapter-${lang}`]) {
        await runCli(['org', 'add', '--db', server.dbUrl, '--slug', slug, '--name', `Org ${slug}`, '--kind', 'cso']);
      }
      editor = await addUser(server, { email: `editor-${lang}@example.org`, name: `Editor ${lang}`, org: `origin-${lang}`, role: 'editor', locale: lang, password: PASSWORD });
      adapter = await addUser(server, { email: `adapter-${lang}@example.org`, name: `Adapter ${lang}`, org: `adapter-${lang}`, role: 'editor', locale: lang, password: PASSWORD });
      moderator = await addUser(server, { email: `moderator-${lang}@example.org`, name: `Moderator ${lang}`, org: `origin-${lang}`, role: 'moderator', locale: lang, password: PASSWORD });
      editorCtx = await signedInContext(editor, lang, { js: c.js });
      adapterCtx = await signedInContext(adapter, lang, { js: c.js });
    });
    after(async () => {
      if (editorCtx) assertClean(editorCtx);
      if (adapterCtx) assertClean(adapterCtx);
      await editorCtx?.close();
      await adapterCtx?.close();
    });

    it('creates a campaign through the form, errors inline and text kept', STEP, async () => {
      const page = await editorCtx.newPage();
      await page.goto('/campaigns');
      assert.equal(await page.locator('html').getAttribute('lang'), lang);
      await page.locator('header nav').getByRole('link', { name: t.nav_campaigns, exact: true }).click();
      await page.locator('main').getByRole('link', { name: t.campaign_new, exact: true }).click();
      await page.waitForURL((u) => u.pathname === '/campaigns/new');
      await page.locator(`#title_${lang}`).fill(title);
      await page.locator(`#summary_${lang}`).fill(c.summary);
      await page.locator(`#body_${lang}`).fill(`**${c.summary}**\n\n<script>alert(1)</script>`);
      await page.getByLabel(t.cp_field_countries_text, { exact: true }).fill(`${c.country}, XQZ`);
      await page.locator('#theme-xenophobia').check();
      await page.locator('#channel-posters').check();
      await page.getByLabel(t.cp_field_figures, { exact: true }).fill('reach: 12000');
      await page.locator('main form.campaign-form').getByRole('button', { name: t.save, exact: true }).click();
      // XQZ is not a country: the form comes back with the error and everything typed.
      await page.waitForSelector('#form-error');
      assert.ok((await page.locator('#countries-error').innerText()).includes('XQZ'));
      assert.equal(await page.locator(`#title_${lang}`).inputValue(), title);
      assert.equal(await page.locator('#figures').inputValue(), 'reach: 12000');
      assert.ok(await page.locator('#theme-xenophobia').isChecked());
      await page.getByLabel(t.cp_field_countries_text, { exact: true }).fill(c.country);
      await page.locator('main form.campaign-form').getByRole('button', { name: t.save, exact: true }).click();
      await page.waitForURL((u) => /^\/campaigns\/\d+$/.test(u.pathname));
      id = idOf(page.url());
      assert.equal(await page.locator('main h1').innerText(), title);
      assert.ok((await page.locator('main .flash').innerText()).includes(t.flash_saved));
      assert.equal(await page.locator('main .body strong').innerText(), c.summary);
      assert.equal(await page.locator('main script').count(), 0, 'raw HTML in Markdown is never run');
      assert.ok((await page.locator('main .lifecycle').innerText()).includes(t.cp_lifecycle_draft));

      await page.getByRole('button', { name: t.cp_action_submit_button, exact: true }).click();
      await page.waitForURL((u) => u.pathname === `/campaigns/${id}`);
      assert.ok((await page.locator('main .flash').innerText()).includes(t.flash_campaign_submitted));
      assert.ok((await page.locator('main .lifecycle').innerText()).includes(t.cp_lifecycle_submitted));
      await page.close();
    });

    it('a moderator publishes it from the review queue', STEP, async () => {
      const ctx = await signedInContext(moderator, lang, { js: c.js });
      const page = await ctx.newPage();
      await page.goto('/moderation/campaigns');
      assert.equal(await page.locator('main h1').innerText(), t.moderation_campaigns_title);
      await page.locator(`form[action="/campaigns/${id}/publish"] button`).click();
      await page.waitForURL((u) => u.pathname === '/moderation/campaigns');
      assert.ok((await page.locator('main .flash').innerText()).includes(t.flash_campaign_published));
      assert.equal(await page.locator(`form[action="/campaigns/${id}/publish"]`).count(), 0);
      assertClean(ctx);
      await ctx.close();
    });

    it('search finds it with an accent-free query, and facets filter', STEP, async () => {
      const ctx = await newContext(browser, server.url, { locale: LOCALES[lang], javaScriptEnabled: c.js });
      const page = await ctx.newPage();
      await page.goto('/campaigns');
      await page.getByLabel(t.cp_search_label, { exact: true }).fill(c.query);
      await page.getByRole('button', { name: t.cp_search_button, exact: true }).click();
      await page.waitForURL((u) => u.searchParams.get('q') === c.query);
      const link = page.locator('ol.campaign-results h3 a', { hasText: title });
      assert.equal(await link.count(), 1, `"${c.query}" should find "${title}"`);
      assert.ok(await page.locator('ol.campaign-results .snippet mark').count() > 0, 'matches highlighted');
      // Country facet with its count, then narrowed to it.
      await page.locator(`#f-country-${c.country}`).check();
      await page.getByRole('button', { name: t.cp_facets_apply, exact: true }).click();
      await page.waitForURL((u) => u.searchParams.getAll('country').includes(c.country));
      assert.equal(await page.locator('ol.campaign-results h3 a', { hasText: title }).count(), 1);
      await link.click();
      await page.waitForURL((u) => u.pathname === `/campaigns/${id}`);
      assertClean(ctx);
      await ctx.close();
    });

    it('another organisation adapts it; the lineage shows both', STEP, async () => {
      const page = await adapterCtx.newPage();
      await page.goto(`/campaigns/${id}`);
      await page.getByLabel(t.adapt_for, { exact: true }).selectOption(`adapter-${lang}`);
      await page.getByRole('button', { name: t.adapt_button, exact: true }).click();
      await page.waitForURL((u) => /^\/campaigns\/\d+\/edit$/.test(u.pathname));
      adaptedId = idOf(page.url());
      assert.notEqual(adaptedId, id);
      assert.equal(await page.locator(`#title_${lang}`).inputValue(), title, 'pre-filled from the source');
      await page.locator(`#title_${lang}`).fill(`${title} (${c.adaptCountry})`);
      await page.getByLabel(t.cp_field_countries_text, { exact: true }).fill(c.adaptCountry);
      await page.locator('main form.campaign-form').getByRole('button', { name: t.save, exact: true }).click();
      await page.waitForURL((u) => u.pathname === `/campaigns/${adaptedId}`);
      const notice = await page.locator('main .adaptation').innerText();
      assert.ok(notice.includes(t.adapted_from) && notice.includes(title), notice);

      await page.getByRole('link', { name: t.lineage_title, exact: true }).click();
      await page.waitForURL((u) => u.pathname === `/campaigns/${adaptedId}/lineage`);
      const tree = page.locator('main ul.lineage');
      assert.equal(await tree.locator(`a[href="/campaigns/${id}"]`).innerText(), title);
      assert.equal(await tree.locator(`ul.lineage a[href="/campaigns/${adaptedId}"]`).innerText(), `${title} (${c.adaptCountry})`);
      const reach = await page.locator('main table').innerText();
      const names = new Intl.DisplayNames([lang], { type: 'region' });
      for (const code of [c.country, c.adaptCountry]) {
        const alpha2 = { GBR: 'GB', IRL: 'IE', FRA: 'FR', BEL: 'BE', ESP: 'ES', MEX: 'MX' }[code];
        assert.ok(reach.includes(names.of(alpha2).split(' ')[0]), `${code} in ${reach}`);
      }
      const map = page.locator('main img.world-map');
      assert.ok((await map.getAttribute('alt')).length > 10);
      const svg = await page.request.get(await map.getAttribute('src'));
      assert.equal(svg.status(), 200);
      assert.match(svg.headers()['content-type'], /^image\/svg\+xml/);
      await page.close();
    });

    it('the campaign pages are accessible and light', STEP, async () => {
      const ctx = await signedInContext(editor, lang, { bypassCSP: true });
      const page = await ctx.newPage();
      for (const url of ['/campaigns', `/campaigns?q=${encodeURIComponent(c.query)}`, `/campaigns/${id}`,
        `/campaigns/${id}/edit`, `/campaigns/${id}/history`, `/campaigns/${id}/lineage`, '/campaigns/new']) {
        const res = await page.goto(url);
        assert.equal(res.status(), 200, url);
        assert.ok((await res.body()).length < 50 * 1024, `${url} is over 50 KB`);
        await assertAccessible(page, `${lang} ${url}`);
      }
      await ctx.close();
    });
  });
}
