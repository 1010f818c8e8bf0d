// The practices portal in a real browser: someone without an account (and
// without JavaScript) shares a practice in French, first forgetting the title
// (the error names the field and keeps the rest), follows it on the private
// status page; the demo administrator publishes it from the moderation queue;
// anyone then finds it by a French word and by a phase facet. The same in
// Spanish, found by a Spanish word and the language facet. axe checks the
// list, the form (also with its errors), a practice page, the matrix and the
// status page.
//
// The server refuses a form sent sooner than practices_min_fill_ms (5 s by
// default) after it was shown; startServer() passes no config file, so the
// tests wait that long (bounded) before each submission.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, suiteDir } from './lib/server.mjs';
import { assertClean, launchBrowser, newContext } from './lib/browser.mjs';
import { formatViolations, runAxe } from './lib/axe.mjs';

const catalogue = (lang) => {
  const dir = path.join(suiteDir, '../../web/i18n');
  return {
    ...JSON.parse(readFileSync(path.join(dir, `${lang}.json`), 'utf8')),
    ...JSON.parse(readFileSync(path.join(dir, `practices.${lang}.json`), 'utf8')),
  };
};
const T = { en: catalogue('en'), fr: catalogue('fr'), es: catalogue('es') };
const LOCALES = { en: 'en-GB', fr: 'fr-FR', es: 'es-ES' };
const STEP = { timeout: 90_000 };
const MIN_FILL_MS = 5_000; // practices_min_fill_ms, default
const SEARCH_POLLS = 40; // reloads while the index catches up (x 250 ms)
const ADMIN_PASSWORD = 'a long enough passphrase for the admin';

const tag = `${Date.now() % 100000}`;
// Per language: the texts typed in, a word of the summary to search for, the
// phase and crisis type ticked, a crisis country.
const CASES = {
  fr: {
    title: `Hébergement solidaire des travailleurs migrants ${tag}`,
    summary: 'Des familles volontaires ont accueilli des travailleuses saisonnières bloquées par les inondations.',
    description: 'Une permanence téléphonique en plusieurs langues a mis en relation les familles et les travailleuses.',
    word: 'saisonnières',
    lead: `Association Accueil Rivière ${tag}`,
    phase: 'post-crisis',
    crisis: 'disaster',
    country: 'MOZ',
    email: `contributrice-${tag}@example.org`,
  },
  es: {
    title: `Radio comunitaria para trabajadores migrantes ${tag}`,
    summary: 'Emisoras locales difundieron avisos de evacuación en las lenguas de los jornaleros durante el huracán.',
    description: 'Locutores voluntarios tradujeron los boletines oficiales cada hora.',
    word: 'jornaleros',
    lead: `Red de Emisoras Comunitarias ${tag}`,
    phase: 'emergency',
    crisis: 'disaster',
    country: 'HND',
    email: `contribuidor-${tag}@example.org`,
  },
};

let server;
let browser;
let adminCtx;
const submitted = {}; // lang -> { statusUrl, id }
const errorSummary = {}; // lang -> [{ name, href, targets, tag }] of the refused form

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  if (adminCtx) assertClean(adminCtx);
  await adminCtx?.close();
  await browser?.close();
  await server?.stop();
});

/** Fails on serious or critical axe violations; resolves the lesser ones. */
async function assertAccessible(page, what) {
  const all = await runAxe(page);
  const bad = all.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.equal(bad.length, 0, `${what}: ${formatViolations(bad)}`);
  return all;
}

async function text(locator) {
  return (await locator.innerText()).replace(/\s+/g, ' ').trim();
}

/** Waits until the form shown at `shownAt` may be sent (min fill time, plus a margin). */
async function waitFillTime(shownAt) {
  const left = shownAt + MIN_FILL_MS + 400 - Date.now();
  if (left > 0) await sleep(Math.min(left, MIN_FILL_MS + 400));
}

/** The practice's French/Spanish texts and the rest of the form, as a person would fill it. */
async function fillForm(page, lang, c, { withTitle = true } = {}) {
  const t = T[lang];
  const fieldset = page.locator(`fieldset[lang="${lang}"]`);
  // The reader's language is open; the others are folded away.
  assert.equal(await page.locator('details.lang-texts[open]').count(), 1);
  assert.ok(await fieldset.isVisible(), `the ${lang} texts are open`);
  if (withTitle) await fieldset.getByLabel(t.pr_field_title, { exact: true }).fill(c.title);
  await fieldset.getByLabel(t.pr_field_summary, { exact: true }).fill(c.summary);
  await fieldset.getByLabel(t.pr_field_description, { exact: true }).fill(c.description);
  await page.getByLabel(t.pr_field_lead_name, { exact: true }).fill(c.lead);
  await page.locator(`#f-phases-${c.phase}`).check();
  await page.locator(`#f-crises-${c.crisis}`).check();
  await page.getByLabel(t.pr_field_countries_crisis, { exact: true }).fill(c.country);
  await page.getByLabel(t.pr_field_contributor_email, { exact: true }).fill(c.email);
}

function sendButton(page, lang) {
  return page.locator('main form.practice-form').getByRole('button', { name: T[lang].pr_send, exact: true });
}

/** Submits the form in an anonymous no-JS context; resolves the status page URL. */
async function submitAnonymously(lang, { tryWithoutTitle }) {
  const t = T[lang];
  const c = CASES[lang];
  const ctx = await newContext(browser, server.url, { locale: LOCALES[lang], javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto(`/practices/new?lang=${lang}`);
  let shownAt = Date.now();
  assert.equal(await page.locator('html').getAttribute('lang'), lang);
  assert.equal(await text(page.locator('main h1')), t.pr_new_title);

  if (tryWithoutTitle) {
    await fillForm(page, lang, c, { withTitle: false });
    await waitFillTime(shownAt);
    await sendButton(page, lang).click();
    await page.waitForLoadState();
    shownAt = Date.now();
    // Refused: the summary names the title, and nothing typed is lost.
    const summary = page.locator('main #form-error[role="alert"]');
    await summary.waitFor();
    assert.ok((await text(summary)).includes(t.pr_form_has_errors), await text(summary));
    const links = summary.getByRole('link');
    errorSummary[lang] = [];
    for (let i = 0; i < await links.count(); i++) {
      const href = await links.nth(i).getAttribute('href');
      const target = page.locator(`[id="${href.slice(1)}"]`);
      errorSummary[lang].push({
        name: await text(links.nth(i)),
        href,
        targets: await target.count(),
        tag: await target.count() ? await target.first().evaluate((e) => e.tagName.toLowerCase()).catch(() => null) : null,
      });
    }
    assert.ok(errorSummary[lang].some((l) => l.name === t.pr_field_title),
      `the summary names the title: ${await text(summary)}`);
    for (const l of errorSummary[lang]) assert.equal(l.targets, 1, `the error link ${l.href} leads somewhere`);
    const fieldset = page.locator(`fieldset[lang="${lang}"]`);
    assert.ok(await fieldset.isVisible(), 'the texts in error stay open');
    assert.equal(await fieldset.getByLabel(t.pr_field_title, { exact: true }).inputValue(), '');
    assert.equal(await fieldset.getByLabel(t.pr_field_summary, { exact: true }).inputValue(), c.summary);
    assert.equal(await fieldset.getByLabel(t.pr_field_description, { exact: true }).inputValue(), c.description);
    assert.equal(await page.getByLabel(t.pr_field_lead_name, { exact: true }).inputValue(), c.lead);
    assert.ok(await page.locator(`#f-phases-${c.phase}`).isChecked(), 'phase still ticked');
    assert.ok(await page.locator(`#f-crises-${c.crisis}`).isChecked(), 'crisis type still ticked');
    assert.equal(await page.getByLabel(t.pr_field_countries_crisis, { exact: true }).inputValue(), c.country);
    assert.equal(await page.getByLabel(t.pr_field_contributor_email, { exact: true }).inputValue(), c.email);
    await fieldset.getByLabel(t.pr_field_title, { exact: true }).fill(c.title);
  } else {
    await fillForm(page, lang, c);
  }
  await waitFillTime(shownAt);
  await sendButton(page, lang).click();
  await page.waitForLoadState();
  assert.equal(await text(page.locator('main h1')), t.pr_submitted_title,
    `answer page: ${await text(page.locator('main'))}`);
  const link = page.locator('main a#status-link');
  const statusUrl = await link.getAttribute('href');
  assert.match(new URL(statusUrl, server.url).pathname, /^\/practices\/status\/[0-9a-f]{48}$/);
  await link.click();
  await page.waitForURL((u) => u.pathname.startsWith('/practices/status/'));
  assert.equal(await text(page.locator('main #status-lifecycle')), t.pr_lifecycle_submitted);
  assert.ok((await text(page.locator('main'))).includes(c.title));
  assertClean(ctx);
  await ctx.close();
  return new URL(statusUrl, server.url).pathname;
}

/** The demo admin, signed in once (one-time password, then a new one). */
async function admin() {
  if (adminCtx) return adminCtx;
  const t = T.en;
  const ctx = await newContext(browser, server.url, { locale: LOCALES.en });
  const page = await ctx.newPage();
  await page.goto('/signin');
  await page.getByLabel(t.email, { exact: true }).fill(server.adminEmail);
  await page.getByLabel(t.password, { exact: true }).fill(server.adminPassword);
  await page.locator('main form').getByRole('button', { name: t.signin_button, exact: true }).click();
  await page.waitForURL((u) => u.pathname === '/account/password');
  await page.getByLabel(t.password_current, { exact: true }).fill(server.adminPassword);
  await page.getByLabel(t.password_new, { exact: true }).fill(ADMIN_PASSWORD);
  await page.getByLabel(t.password_confirm, { exact: true }).fill(ADMIN_PASSWORD);
  await page.locator('main form').getByRole('button', { name: t.save, exact: true }).click();
  await page.waitForURL((u) => u.pathname === '/account');
  await page.close();
  adminCtx = ctx;
  return ctx;
}

/** The admin opens the queue, the practice, and publishes it; resolves its id. */
async function publish(lang) {
  const c = CASES[lang];
  const page = await (await admin()).newPage();
  await page.goto('/moderation/practices');
  const t = T[await page.locator('html').getAttribute('lang')];
  assert.equal(await text(page.locator('main h1')), t.pr_moderation_title);
  const item = page.locator('main ol.campaign-results li', { hasText: c.title });
  assert.equal(await item.count(), 1, `${c.title} is in the queue`);
  assert.ok((await text(item)).includes(t.pr_open_contribution), 'marked as an open contribution');
  await item.getByRole('link', { name: c.title, exact: true }).click();
  await page.waitForURL((u) => /^\/practices\/\d+$/.test(u.pathname));
  const id = Number(new URL(page.url()).pathname.split('/')[2]);
  assert.equal(await text(page.locator('main h1')), c.title);
  await page.locator('#publish').click();
  await page.waitForLoadState();
  assert.ok((await text(page.locator('main .flash'))).includes(t.flash_pr_publish), await text(page.locator('main')));
  assert.equal(await page.locator('#publish').count(), 0, 'no Publish button once published');
  await page.goto('/moderation/practices');
  assert.equal(await page.locator('main ol.campaign-results li', { hasText: c.title }).count(), 0, 'left the queue');
  await page.close();
  return id;
}

/** Result titles on a list page. */
function resultLink(page, title) {
  return page.locator('main ol.campaign-results h3 a', { hasText: title });
}

/** Reloads (bounded) until `title` is among the results: the index is updated asynchronously. */
async function untilListed(page, title) {
  for (let i = 0; i < SEARCH_POLLS; i++) {
    if (await resultLink(page, title).count() > 0) return;
    await sleep(250);
    await page.reload();
  }
  assert.fail(`"${title}" not listed at ${page.url()} after ${SEARCH_POLLS} reloads:\n${await text(page.locator('main'))}`);
}

for (const lang of ['fr', 'es']) {
  const t = T[lang];
  const c = CASES[lang];
  const other = lang === 'fr' ? CASES.es : CASES.fr;

  describe(`a practice shared in ${lang} without an account and without JavaScript`, () => {
    it('is sent through the open form and followed on its status page', STEP, async () => {
      submitted[lang] = { statusUrl: await submitAnonymously(lang, { tryWithoutTitle: lang === 'fr' }) };
    });

    if (lang === 'fr') {
      it('the refused form\'s error summary names the missing title once, linking to its input', STEP, async () => {
        assert.ok(errorSummary[lang], 'the form was refused');
        const title = errorSummary[lang].filter((l) => l.name === t.pr_field_title);
        assert.equal(title.length, 1, `one entry for the title, not ${JSON.stringify(title)}`);
        assert.equal(title[0].href, `#f-title-${lang}`, `it leads to the ${lang} title input`);
      });
    }

    it('the demo admin publishes it from the moderation queue', STEP, async () => {
      assert.ok(submitted[lang], 'submitted');
      submitted[lang].id = await publish(lang);
      // The contributor's status page says so.
      const ctx = await newContext(browser, server.url, { locale: LOCALES[lang], javaScriptEnabled: false });
      const page = await ctx.newPage();
      await page.goto(submitted[lang].statusUrl);
      assert.equal(await text(page.locator('main #status-lifecycle')), t.pr_lifecycle_published);
      assert.equal(await page.locator(`main a[href="/practices/${submitted[lang].id}"]`).count(), 1);
      assertClean(ctx);
      await ctx.close();
    });

    it(`is found by a ${lang} word typed in the search box and by a facet`, STEP, async () => {
      assert.ok(submitted[lang]?.id, 'published');
      const ctx = await newContext(browser, server.url, { locale: LOCALES[lang], javaScriptEnabled: false });
      const page = await ctx.newPage();
      await page.goto(`/practices?lang=${lang}`);
      assert.equal(await page.locator('html').getAttribute('lang'), lang);
      await page.getByLabel(t.pr_search_label, { exact: true }).fill(c.word);
      await page.getByRole('button', { name: t.pr_search_button, exact: true }).click();
      await page.waitForURL((u) => u.searchParams.get('q') === c.word);
      await untilListed(page, c.title);
      assert.equal(await page.locator('html').getAttribute('lang'), lang, 'still in the chosen language');
      assert.equal(await resultLink(page, other.title).count(), 0, `"${c.word}" does not find the other practice`);
      assert.ok(await page.locator('main ol.campaign-results .snippet mark').count() > 0, 'the match is highlighted');

      // By facet, with no words: the phase for French, the language for Spanish.
      await page.goto(`/practices?lang=${lang}`);
      const box = lang === 'fr' ? page.locator(`#f-phase-${c.phase}`) : page.locator('#f-lang-es');
      if (lang === 'es') assert.equal(await text(page.locator('label[for="f-lang-es"]')).then((s) => s.startsWith(t.pr_language_es)), true);
      await box.check();
      await page.getByRole('button', { name: t.pr_facets_apply, exact: true }).click();
      const [param, value] = lang === 'fr' ? ['phase', c.phase] : ['language', 'es'];
      await page.waitForURL((u) => u.searchParams.getAll(param).includes(value));
      await untilListed(page, c.title);
      assert.ok(await page.locator(`main input[name="${param}"][value="${value}"]`).isChecked(), 'the facet stays ticked');
      if (lang === 'es') {
        assert.equal(await resultLink(page, other.title).count(), 0, 'the French-only practice is not in Spanish');
      }
      await resultLink(page, c.title).click();
      await page.waitForURL((u) => u.pathname === `/practices/${submitted[lang].id}`);
      assert.equal(await text(page.locator('main h1')), c.title);
      assert.ok((await text(page.locator('main'))).includes(c.summary));
      assert.equal(await page.locator('#publish').count(), 0, 'no moderator buttons for the public');
      assertClean(ctx);
      await ctx.close();
    });
  });
}

describe('the page language', () => {
  // ?lang= is how every page is asked for in a language (the footer switcher
  // and the tests above use it); on the practices list and matrix it must not
  // also narrow the results to the practices written in that language (the
  // language facet's parameter is `language`).
  it('?lang= on /practices and /practices/matrix chooses the language of the page; it does not filter', STEP, async () => {
    const ctx = await newContext(browser, server.url, { locale: LOCALES.en, javaScriptEnabled: false });
    const page = await ctx.newPage();
    const found = () => text(page.locator('main .results [role="status"]'));
    const counts = async () => (await page.locator('main table .count').allInnerTexts()).join(' ');
    const problems = [];
    for (const lang of ['fr', 'es']) {
      await page.goto(`/practices?lang=${lang}`);
      assert.equal(await page.locator('html').getAttribute('lang'), lang);
      if (await page.locator(`#f-lang-${lang}`).isChecked()) {
        problems.push(`/practices?lang=${lang} ticks the "${T[lang][`pr_language_${lang}`]}" language facet`);
      }
      const shown = await found();
      await page.goto('/practices'); // same page language (the cookie set by ?lang=)
      const unfiltered = await found();
      if (shown !== unfiltered) problems.push(`/practices?lang=${lang} says "${shown}", /practices "${unfiltered}"`);
      await page.goto(`/practices/matrix?lang=${lang}`);
      const matrix = await counts();
      await page.goto('/practices/matrix');
      if (matrix !== await counts()) {
        problems.push(`/practices/matrix?lang=${lang} counts "${matrix}", /practices/matrix "${await counts()}"`);
      }
    }
    // An unsupported page language is ignored, as on the other pages.
    assert.equal((await page.goto('/campaigns?lang=de')).status(), 200);
    for (const p of ['/practices?lang=de', '/practices/matrix?lang=de']) {
      const status = (await page.goto(p)).status();
      if (status !== 200) problems.push(`${p} answers ${status} (/campaigns?lang=de: 200)`);
    }
    assert.deepEqual(problems, []);
    assertClean(ctx);
    await ctx.close();
  });
});

describe('accessibility of the practices pages (axe)', () => {
  for (const lang of ['en', 'fr', 'es']) {
    it(`has no serious or critical violations in ${lang}`, STEP, async (t) => {
      const ctx = await newContext(browser, server.url, { locale: LOCALES[lang], bypassCSP: true });
      const page = await ctx.newPage();
      const pages = ['/practices', '/practices/new', '/practices/matrix', '/practices?q=migrants&phase=emergency'];
      for (const s of Object.values(submitted)) {
        if (s.id) pages.push(`/practices/${s.id}`);
        if (s.statusUrl) pages.push(s.statusUrl);
      }
      for (const p of pages) {
        const sep = p.includes('?') ? '&' : '?';
        const response = await page.goto(`${p}${sep}lang=${lang}`);
        assert.equal(response.status(), 200, p);
        assert.equal(await page.locator('html').getAttribute('lang'), lang);
        const minor = await assertAccessible(page, `${p} (${lang})`);
        for (const v of minor) t.diagnostic(`${p} (${lang}): [${v.impact}] ${v.id} at ${v.nodes.map((n) => n.target).join(', ')}`);
      }
      // The form with errors (sent at once: too fast, and no title): 422.
      await page.goto(`/practices/new?lang=${lang}`);
      await page.locator('main form.practice-form').getByRole('button', { name: T[lang].pr_send, exact: true }).click();
      await page.waitForLoadState();
      assert.equal(await page.locator('main [role="alert"]').count() > 0, true, 'the form comes back with errors');
      const minor = await assertAccessible(page, `/practices/new with errors (${lang})`);
      for (const v of minor) t.diagnostic(`/practices/new with errors (${lang}): [${v.impact}] ${v.id} at ${v.nodes.map((n) => n.target).join(', ')}`);
      assert.equal(pages.length, 8, 'the practice pages and status pages of both practices were checked');
      assertClean(ctx);
      await ctx.close();
    });
  }
});
