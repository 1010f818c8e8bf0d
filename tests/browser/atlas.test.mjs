// The Atlas of environmental migration in a real browser, with the demo's
// three case studies, twenty glossary terms and two thematic pages.
// Without JavaScript: /atlas is the server's SVG map (each case a link) and
// the list of the same cases, the Leaflet box stays hidden; a case followed
// from the map opens its page, whose story links glossary terms (the
// definition as the link's title) to their entries; the filter links narrow
// the list; the glossary lists the twenty terms; French from ?lang=fr and
// from the browser's language. With JavaScript: Leaflet over the same
// outlines takes the SVG's place (countries and the three case layers, every
// request to our own origin, no console error); a case opens its popup, whose
// link opens the case page. axe checks /atlas (as without JavaScript, and
// with the Leaflet map), every case page, the glossary, a term and both
// thematic pages in en, fr and es.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, suiteDir } from './lib/server.mjs';
import { assertClean, launchBrowser, newContext, TIMEOUT_MS } from './lib/browser.mjs';
import { formatViolations, runAxe } from './lib/axe.mjs';

const catalogue = (lang) => {
  const dir = path.join(suiteDir, '../../web/i18n');
  return {
    ...JSON.parse(readFileSync(path.join(dir, `${lang}.json`), 'utf8')),
    ...JSON.parse(readFileSync(path.join(dir, `atlas.${lang}.json`), 'utf8')),
  };
};
const T = { en: catalogue('en'), fr: catalogue('fr'), es: catalogue('es') };
const LOCALES = { en: 'en-GB', fr: 'fr-FR', es: 'es-ES' };
const STEP = { timeout: 90_000 };
const AXE_TIMEOUT_MS = 30_000;
// The demo (src/demo/atlas): three case studies, twenty terms, two topics.
const DEMO_CASES = 3;
const DEMO_TERMS = 20;
const TOPICS = ['slow-changes', 'when-disaster-strikes'];

const DEMO_AREAS = 1; // the delta is an area; the others are points
const MAP_LINKS = '#atlas-svg svg a[href^="/atlas/cases/"]';
const LIST_ITEMS = 'main ul.atlas-cases > li';
const STORY_TERMS = 'main section[aria-labelledby="story-heading"] a.term';
const LEAFLET_CASES = '#atlas-map.leaflet-container path.case';

let server;
let browser;
let origin;

before(async () => {
  server = await startServer();
  origin = new URL(server.url).origin;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function text(locator) {
  return (await locator.innerText()).replace(/\s+/g, ' ').trim();
}

/** Remembers every request of `page` that is not for the server's origin. */
function watchOrigin(page) {
  const away = [];
  page.on('request', (r) => {
    let o = '';
    try { o = new URL(r.url()).origin; } catch { /* unparsable: away */ }
    if (o !== origin && !r.url().startsWith('data:')) away.push(r.url());
  });
  return away;
}

/** axe, bounded; fails on any violation, whatever its impact. */
async function assertNoViolations(page, what) {
  let timer;
  const violations = await Promise.race([
    runAxe(page),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`axe did not finish within ${AXE_TIMEOUT_MS} ms on ${what}`)), AXE_TIMEOUT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
  assert.equal(violations.length, 0, `${what}:\n${formatViolations(violations)}`);
}

/** href -> title of the case studies listed on the page we are on. */
async function listedCases(page) {
  const links = page.locator(`${LIST_ITEMS} h3 a`);
  const out = {};
  for (let i = 0; i < await links.count(); i++) {
    out[await links.nth(i).getAttribute('href')] = await text(links.nth(i));
  }
  return out;
}

/** slug -> definition, read from the glossary page in `lang`. */
async function glossary(page, lang) {
  await page.goto(`/atlas/glossary?lang=${lang}`);
  const terms = page.locator('main dl.glossary > dt');
  const out = {};
  for (let i = 0; i < await terms.count(); i++) {
    const dt = terms.nth(i);
    out[await dt.getAttribute('id')] = await text(dt.locator('xpath=following-sibling::dd[1]'));
  }
  return out;
}

/** The story's glossary links on the page we are on: [{ text, href, title }]. */
async function storyTerms(page) {
  return page.locator(STORY_TERMS).evaluateAll((as) => as.map((a) => ({
    text: a.textContent.replace(/\s+/g, ' ').trim(),
    href: a.getAttribute('href'),
    title: (a.getAttribute('title') || '').replace(/\s+/g, ' ').trim(),
  })));
}

describe('the Atlas without JavaScript', () => {
  const t = T.en;
  let ctx;
  let page;
  let away;
  before(async () => {
    ctx = await newContext(browser, server.url, { locale: LOCALES.en, javaScriptEnabled: false });
    page = await ctx.newPage();
    away = watchOrigin(page);
  });
  after(async () => {
    assert.deepEqual(away, [], 'requests to another origin');
    assertClean(ctx);
    await ctx?.close();
  });

  it('/atlas is the server-drawn SVG map and the list of the three case studies; the Leaflet box stays hidden', STEP, async () => {
    const response = await page.goto('/atlas');
    assert.equal(response.status(), 200);
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.equal(await text(page.locator('main h1')), t.atlas_title);
    assert.ok((await page.title()).startsWith(t.atlas_title), await page.title());
    assert.ok(await page.locator('#atlas-svg svg').isVisible(), 'the SVG map is shown');
    assert.ok(await page.locator('#atlas-svg svg path').count() > 100, 'the SVG map draws the countries');
    assert.ok(await page.locator('#atlas-map').isHidden(), 'the Leaflet box stays hidden');
    assert.equal(await page.locator('#atlas-map .leaflet-container, #atlas-map.leaflet-container').count(), 0);
    const onMap = page.locator(MAP_LINKS);
    // An area case is drawn as its area and as a marker at its anchor (two links to one page).
    const mapHrefs = new Set(await onMap.evaluateAll((as) => as.map((a) => a.getAttribute('href'))));
    assert.equal(mapHrefs.size, DEMO_CASES, 'the cases drawn as links on the map');
    assert.equal(await onMap.count(), DEMO_CASES + DEMO_AREAS, 'one link per point, two per area');
    assert.equal(await page.locator(LIST_ITEMS).count(), DEMO_CASES, 'the cases listed');
    assert.equal(await text(page.locator('#atlas-cases-heading')), `${t.atlas_cases_heading} (${DEMO_CASES})`);
    // The map and the list show the same case studies, under the same titles.
    const listed = await listedCases(page);
    const drawn = {};
    for (let i = 0; i < await onMap.count(); i++) {
      const a = onMap.nth(i);
      drawn[await a.getAttribute('href')] = (await a.locator('title').textContent()).trim();
      assert.ok(await a.locator('circle, path, rect, polygon').count() > 0, 'each link on the map has a shape');
    }
    assert.deepEqual(drawn, listed);
    // Both thematic pages are offered.
    for (const slug of TOPICS) {
      assert.equal(await page.locator(`main a[href="/atlas/topics/${slug}"]`).count(), 1, slug);
    }
  });

  it('each case followed from the map opens its page; the stories link glossary terms to their entries, the definition as title', STEP, async () => {
    await page.goto('/atlas');
    const n = await page.locator(MAP_LINKS).count();
    assert.equal(n, DEMO_CASES + DEMO_AREAS);
    const found = []; // { page, text, href, title }
    const visited = new Set();
    for (let i = 0; i < n; i++) {
      await page.goto('/atlas');
      const href = await page.locator(MAP_LINKS).nth(i).getAttribute('href');
      if (visited.has(href)) continue;
      visited.add(href);
      // An area's marker is drawn after (over) the area: click the last link to the case.
      const a = page.locator(`#atlas-svg svg a[href="${href}"]`).last();
      const title = (await a.locator('title').textContent()).trim();
      await a.click();
      await page.waitForURL((u) => u.pathname === href);
      assert.equal(await text(page.locator('main h1')), title, `the page of ${href}`);
      // Its own small map links back to it.
      assert.ok(await page.locator(`main .atlas-map svg a[href="${href}"]`).count() >= 1);
      for (const term of await storyTerms(page)) found.push({ page: href, ...term });
    }
    assert.ok(found.length > 0, 'at least one story links a glossary term');
    const definitions = await glossary(page, 'en');
    for (const term of found) {
      const slug = term.href.match(/^\/atlas\/glossary\/([a-z0-9-]+)$/)?.[1];
      assert.ok(slug, `${term.page}: "${term.text}" links to ${term.href}`);
      assert.ok(slug in definitions, `${term.page}: ${term.href} is in the glossary`);
      assert.equal(term.title, definitions[slug], `${term.page}: the title of "${term.text}" is its definition`);
    }
    // A term followed from a story opens its entry.
    const first = found[0];
    await page.goto(first.page);
    await page.locator(STORY_TERMS).first().click();
    await page.waitForURL((u) => u.pathname === first.href);
    assert.equal(await text(page.locator('main h1 + p')), first.title, 'the entry gives the definition');
    const names = `${await text(page.locator('main h1'))} ${await page.locator('main p.meta').allInnerTexts()}`.toLowerCase();
    assert.ok(names.includes(first.text.toLowerCase()), `the entry names "${first.text}" (the term or an alias): ${names}`);
  });

  it('the filter links narrow the map and the list (Drought leaves one case), and Any widens them again', STEP, async () => {
    await page.goto('/atlas');
    const filters = page.locator('main nav.atlas-filters');
    await filters.getByRole('link', { name: t.atlas_hazard_drought, exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get('hazard') === 'drought');
    assert.equal(await page.locator(LIST_ITEMS).count(), 1);
    assert.equal(await page.locator(MAP_LINKS).count(), 1);
    assert.equal(await text(page.locator('#atlas-cases-heading')), `${t.atlas_cases_heading} (1)`);
    assert.ok((await text(page.locator(`${LIST_ITEMS} .meta`))).includes(t.atlas_hazard_drought));
    assert.equal(await filters.getByRole('link', { name: t.atlas_hazard_drought, exact: true }).getAttribute('aria-current'), 'true');
    await filters.locator('div').first().getByRole('link', { name: t.atlas_any, exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/atlas' && !u.searchParams.has('hazard'));
    assert.equal(await page.locator(LIST_ITEMS).count(), DEMO_CASES);
  });

  it('the glossary lists the twenty terms; a term opens its entry', STEP, async () => {
    await page.goto('/atlas');
    await page.locator('main p.actions').getByRole('link', { name: t.atlas_glossary_title, exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/atlas/glossary');
    assert.equal(await text(page.locator('main h1')), t.atlas_glossary_title);
    const terms = page.locator('main dl.glossary > dt');
    assert.equal(await terms.count(), DEMO_TERMS);
    assert.equal(await page.locator('main dl.glossary > dd').count(), DEMO_TERMS);
    for (let i = 0; i < DEMO_TERMS; i++) {
      const dt = terms.nth(i);
      assert.equal(await dt.locator('a').getAttribute('href'), `/atlas/glossary/${await dt.getAttribute('id')}`);
      assert.ok((await text(dt.locator('xpath=following-sibling::dd[1]'))).length > 20, 'a definition');
    }
    const dt = terms.nth(4);
    const name = await text(dt.locator('a'));
    const definition = await text(dt.locator('xpath=following-sibling::dd[1]'));
    await dt.locator('a').click();
    await page.waitForURL((u) => u.pathname.startsWith('/atlas/glossary/'));
    assert.equal(await text(page.locator('main h1')), name);
    assert.equal(await text(page.locator('main h1 + p')), definition);
    await page.locator('main .breadcrumb').getByRole('link', { name: t.atlas_glossary_title, exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/atlas/glossary');
  });

  it('a thematic page maps its case studies and links its glossary terms', STEP, async () => {
    await page.goto('/atlas');
    await page.locator('main a[href="/atlas/topics/slow-changes"]').click();
    await page.waitForURL((u) => u.pathname === '/atlas/topics/slow-changes');
    const cases = page.locator('main ul.atlas-cases > li > a');
    assert.ok(await cases.count() > 0, 'the topic lists case studies');
    const mapped = [...new Set(await page.locator('main .atlas-map svg a[href^="/atlas/cases/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href'))))].sort();
    const listed = await cases.evaluateAll((as) => as.map((a) => a.getAttribute('href')).sort());
    assert.deepEqual(mapped, listed, 'the topic map draws the cases it lists');
    const terms = page.locator('main a.term');
    assert.ok(await terms.count() > 0, 'the text links glossary terms');
    for (const href of await terms.evaluateAll((as) => as.map((a) => a.getAttribute('href')))) {
      assert.match(href, /^\/atlas\/glossary\/[a-z0-9-]+$/);
    }
  });
});

describe('the Atlas in French', () => {
  const t = T.fr;

  it('?lang=fr and a French browser both give the French page', STEP, async () => {
    for (const [locale, url] of [[LOCALES.en, '/atlas?lang=fr'], [LOCALES.fr, '/atlas']]) {
      const ctx = await newContext(browser, server.url, { locale, javaScriptEnabled: false });
      const page = await ctx.newPage();
      const away = watchOrigin(page);
      await page.goto(url);
      const what = `${url} with ${locale}`;
      assert.equal(await page.locator('html').getAttribute('lang'), 'fr', what);
      assert.equal(await text(page.locator('main h1')), t.atlas_title, what);
      assert.ok((await page.title()).startsWith(t.atlas_title), `${what}: ${await page.title()}`);
      assert.equal(await page.locator(LIST_ITEMS).count(), DEMO_CASES, what);
      assert.equal(await page.locator('main nav.atlas-filters').getByRole('link', { name: t.atlas_hazard_drought, exact: true }).count(), 1, what);
      assert.deepEqual(away, [], what);
      assertClean(ctx);
      await ctx.close();
    }
  });

  it('the French stories link the French glossary, the French definition as title', STEP, async () => {
    const ctx = await newContext(browser, server.url, { locale: LOCALES.fr, javaScriptEnabled: false });
    const page = await ctx.newPage();
    const definitions = await glossary(page, 'fr');
    assert.equal(await text(page.locator('main h1')), t.atlas_glossary_title);
    assert.equal(Object.keys(definitions).length, DEMO_TERMS);
    await page.goto('/atlas?lang=fr');
    const hrefs = Object.keys(await listedCases(page));
    let linked = 0;
    for (const href of hrefs) {
      await page.goto(href);
      assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
      for (const term of await storyTerms(page)) {
        linked++;
        const slug = term.href.replace('/atlas/glossary/', '');
        assert.equal(term.title, definitions[slug], `${href}: the title of "${term.text}"`);
      }
    }
    assert.ok(linked > 0, 'a French story links a term');
    assertClean(ctx);
    await ctx.close();
  });
});

describe('the Atlas with JavaScript', () => {
  /** Opens /atlas (in `lang`) and waits for Leaflet to draw the cases. */
  async function openMap(page, lang) {
    await page.goto(lang === 'en' ? '/atlas' : `/atlas?lang=${lang}`);
    await page.locator('#atlas-map.leaflet-container').waitFor();
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length > 0, LEAFLET_CASES);
  }

  it('Leaflet takes the SVG map\'s place: countries and the three case studies, everything from our origin', STEP, async (tc) => {
    // The real CSP: nothing refused, nothing fetched from another host.
    const ctx = await newContext(browser, server.url, { locale: LOCALES.en });
    const page = await ctx.newPage();
    const away = watchOrigin(page);
    const warnings = [];
    page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
    await openMap(page, 'en');
    assert.ok(await page.locator('#atlas-svg').isHidden(), 'the SVG map is hidden');
    assert.ok(await page.locator('#atlas-map').isVisible(), 'the Leaflet box is shown');
    const countries = page.locator('#atlas-map.leaflet-container path.country');
    assert.ok(await countries.count() > 100, `countries drawn: ${await countries.count()}`);
    const classes = await countries.evaluateAll((ps) => ps.map((p) => p.getAttribute('class')));
    assert.ok(classes.every((c) => /\b(land|step[1-5])\b/.test(c)), 'each country is land or a layer step');
    tc.diagnostic(`countries shaded by the displacement layer: ${classes.filter((c) => /\bstep[1-5]\b/.test(c)).length} of ${classes.length}`);
    const cases = page.locator(LEAFLET_CASES);
    assert.equal(await cases.count(), DEMO_CASES + DEMO_AREAS, 'the case layers: a marker more for an area');
    const caseClasses = await cases.evaluateAll((ps) => ps.map((p) => p.getAttribute('class')));
    assert.ok(caseClasses.every((c) => /\bonset-(sudden|slow)\b/.test(c) && /\bleaflet-interactive\b/.test(c)), caseClasses.join('; '));
    // The list of the same cases stays below the map.
    assert.equal(await page.locator(LIST_ITEMS).count(), DEMO_CASES);
    assert.deepEqual(away, [], 'requests to another origin');
    assert.deepEqual(warnings.filter((w) => w.startsWith('atlas map:')), [], 'atlas.js fell back to the SVG');
    assertClean(ctx);
    await ctx.close();
  });

  for (const lang of ['en', 'fr']) {
    it(`a case clicked on the Leaflet map opens its popup, whose link opens the case page (${lang})`, STEP, async (tc) => {
      const ctx = await newContext(browser, server.url, { locale: LOCALES[lang] });
      const page = await ctx.newPage();
      const away = watchOrigin(page);
      await openMap(page, lang);
      const listed = await listedCases(page);
      const n = await page.locator(LEAFLET_CASES).count();
      assert.equal(n, DEMO_CASES + DEMO_AREAS);
      const opened = [];
      let last = -1;
      for (let i = 0; i < n; i++) {
        if (i > 0) await openMap(page, lang); // a fresh map: no popup over the next case
        const shape = page.locator(LEAFLET_CASES).nth(i);
        const box = await shape.boundingBox();
        if (!box || box.width < 4 || box.height < 4) {
          // An area case (the delta) is a pixel or two at the fitted zoom.
          tc.diagnostic(`case layer ${i} is ${box ? `${box.width}x${box.height}` : 'not'} drawn: too small to click`);
          continue;
        }
        await shape.click();
        const link = page.locator('#atlas-map .leaflet-popup-content a');
        await link.waitFor();
        const href = await link.getAttribute('href');
        assert.match(href, /^\/atlas\/cases\/\d+$/);
        assert.ok(href in listed, `${href} is a listed case`);
        assert.equal(await text(link), listed[href], `the popup names the case in ${lang}`);
        opened.push(href);
        last = i;
      }
      assert.equal(new Set(opened).size, DEMO_CASES, `every case opens its popup (the area from its marker): ${opened}`);
      // Open the last one again and follow its popup's link.
      await openMap(page, lang);
      await page.locator(LEAFLET_CASES).nth(last).click();
      const link = page.locator('#atlas-map .leaflet-popup-content a');
      const title = await text(link);
      await link.click();
      await page.waitForURL((u) => u.pathname === opened.at(-1));
      assert.equal(await text(page.locator('main h1')), title);
      assert.deepEqual(away, [], 'requests to another origin');
      assertClean(ctx);
      await ctx.close();
    });
  }
});

describe('accessibility of the Atlas pages (axe)', () => {
  for (const lang of ['en', 'fr', 'es']) {
    it(`no violations in ${lang}`, STEP, async (tc) => {
      // axe is a script, so the context runs JavaScript (the pages' CSP
      // bypassed for it); /atlas is first checked as without JavaScript, the
      // map script answered with an empty one so the SVG map stays.
      const ctx = await newContext(browser, server.url, { locale: LOCALES[lang], bypassCSP: true });
      const page = await ctx.newPage();
      await page.route(/\/static\/atlas\/atlas\.js(\?|$)/, (route) =>
        route.fulfill({ status: 200, contentType: 'text/javascript', body: '' }));
      const bytes = {};
      page.on('response', async (r) => {
        if (r.request().resourceType() !== 'document') return;
        try { bytes[new URL(r.url()).pathname] = (await r.body()).length; } catch { /* redirect */ }
      });
      await page.goto(`/atlas?lang=${lang}`);
      assert.ok(await page.locator('#atlas-map').isHidden() && await page.locator('#atlas-svg svg').isVisible(), 'the no-JavaScript page');
      await assertNoViolations(page, `/atlas without the map script (${lang})`);
      const cases = Object.keys(await listedCases(page));
      assert.equal(cases.length, DEMO_CASES);
      await page.goto(`/atlas/glossary?lang=${lang}`);
      const term = await page.locator('main dl.glossary > dt a').first().getAttribute('href');
      const pages = [...cases, '/atlas/glossary', term, ...TOPICS.map((s) => `/atlas/topics/${s}`), '/atlas?hazard=drought'];
      for (const p of pages) {
        const sep = p.includes('?') ? '&' : '?';
        const response = await page.goto(`${p}${sep}lang=${lang}`);
        assert.equal(response.status(), 200, p);
        assert.equal(await page.locator('html').getAttribute('lang'), lang, p);
        await assertNoViolations(page, `${p} (${lang})`);
      }
      // And /atlas with the Leaflet map.
      await page.unroute(/\/static\/atlas\/atlas\.js(\?|$)/);
      await page.goto(`/atlas?lang=${lang}`);
      await page.waitForFunction((sel) => document.querySelectorAll(sel).length > 0, LEAFLET_CASES, { timeout: TIMEOUT_MS });
      await assertNoViolations(page, `/atlas with the Leaflet map (${lang})`);
      tc.diagnostic(`document sizes: ${Object.entries(bytes).map(([p, n]) => `${p} ${n} B`).join(', ')}`);
      assertClean(ctx);
      await ctx.close();
    });
  }
});
