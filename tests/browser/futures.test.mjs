// A migration-futures workshop in a real browser, from statements to an
// action point: once with JavaScript disabled (forms and redirects only) and
// once enabled, where the facilitator's board must show a statement another
// participant adds through the API without a reload (the short event
// stream and board.js). The facilitator (an organiser) links the workshop to
// the demo's 2015 consultation; one participant writes, rates and votes in
// the browser, four more rate and vote through the API so that the group
// reaches five people and the act-now list shows; the facilitator turns the
// top item into an action point with one click and follows the link to it.
// axe checks the board, the results and the report.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { addUser, runCli, startServer, suiteDir } from './lib/server.mjs';
import { assertClean, launchBrowser, newContext } from './lib/browser.mjs';
import { assertAccessible } from './lib/axe.mjs';

const en = {
  ...JSON.parse(readFileSync(path.join(suiteDir, '../../web/i18n/en.json'), 'utf8')),
  ...JSON.parse(readFileSync(path.join(suiteDir, '../../web/i18n/futures.en.json'), 'utf8')),
};
const PASSWORD = 'a long enough password';
const STEP = { timeout: 120_000 };

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

async function signIn(page, email) {
  await page.goto('/signin');
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(PASSWORD);
  await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.locator('main form button[type="submit"]').click()]);
}

async function token(email) {
  const { stdout } = await runCli(['token', 'create', '--db', server.dbUrl, '--email', email]);
  return stdout.trim().split('\n').pop().trim();
}

async function api(method, url, tok, body) {
  const r = await fetch(server.url + url, {
    method,
    headers: { Authorization: `Bearer ${tok}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : null, text };
}

// Submits the form whose button has `name` and waits for the page it ends on.
async function press(page, name, scope = page.locator('main')) {
  await Promise.all([page.waitForEvent('load'), scope.getByRole('button', { name, exact: false }).first().click()]);
}

function workshopRun(javaScriptEnabled) {
  const mode = javaScriptEnabled ? 'js' : 'nojs';
  let facCtx;
  let parCtx;
  let fac;
  let par;
  let others;
  let boardPath;
  const title = `Futures in the room ${mode}`;

  before(async () => {
    await addUser(server, { email: `fac-${mode}@example.org`, name: `Facilitator ${mode}`, admin: true, password: PASSWORD });
    await addUser(server, { email: `par-${mode}@example.org`, name: `Participant ${mode}`, password: PASSWORD });
    others = [];
    for (let i = 0; i < 4; i++) {
      const email = `other${i}-${mode}@example.org`;
      await addUser(server, { email, name: `Other ${i} ${mode}`, password: PASSWORD });
      others.push(await token(email));
    }
    facCtx = await newContext(browser, server.url, { javaScriptEnabled, bypassCSP: true });
    parCtx = await newContext(browser, server.url, { javaScriptEnabled, bypassCSP: true });
    fac = await facCtx.newPage();
    par = await parCtx.newPage();
    await signIn(fac, `fac-${mode}@example.org`);
    await signIn(par, `par-${mode}@example.org`);
  });
  after(async () => {
    try {
      if (facCtx) assertClean(facCtx);
      if (parCtx) assertClean(parCtx);
    } finally {
      await facCtx?.close();
      await parCtx?.close();
    }
  });

  it(`${mode}: the facilitator starts a workshop linked to the 2015 consultation`, STEP, async () => {
    await fac.goto('/futures');
    await fac.locator('#w-title').fill(title);
    await fac.locator('#w-horizon_year').fill('2045');
    await fac.locator('#w-vote_budget').fill('2');
    const value = await fac.locator('#w-consultation option', { hasText: '2015' }).first().getAttribute('value');
    await fac.locator('#w-consultation').selectOption(value);
    await press(fac, en.fu_create);
    assert.match(new URL(fac.url()).pathname, /^\/futures\/workshops\/[a-z0-9-]+$/);
    boardPath = new URL(fac.url()).pathname;
    assert.equal(await fac.locator('main h1').innerText(), title);
    assert.ok((await fac.locator('#phase-now').innerText()).includes(en.fu_phase_statements));
    assert.equal(await fac.locator('#board section.area').count(), 5);
    if (javaScriptEnabled) await assertAccessible(fac, `board (${mode})`);
  });

  it(`${mode}: a participant adds a statement; a bad one comes back naming the field`, STEP, async () => {
    await par.goto(boardPath);
    await par.locator('#st-area').selectOption('technology');
    await par.getByLabel(en.fu_kind_predicted, { exact: true }).check();
    await par.locator('#st-text').fill('   ');  // passes `required`; the server trims it to nothing
    await press(par, en.fu_add_statement, par.locator('#add-statement + form'));
    assert.ok((await par.locator('#form-error').innerText()).includes(en.fu_field_text));
    await par.locator('#st-text').fill('Phones are the first tool of every journey');
    await par.locator('#st-drivers').fill('Cheap data');
    await par.locator('#st-signals').fill('Groups on messaging apps');
    await press(par, en.fu_add_statement, par.locator('#add-statement + form'));
    assert.ok((await par.locator('#board').innerText()).includes('Phones are the first tool of every journey'));
  });

  if (javaScriptEnabled) {
    it('js: the board shows another participant\'s statement without a reload', STEP, async () => {
      await fac.goto(boardPath);
      await fac.evaluate(() => { window.notReloaded = true; });
      await fac.waitForSelector('#board[data-live="on"]');
      const slug = boardPath.split('/').pop();
      const added = await api('POST', `/api/v1/futures/workshops/${slug}/statements`, others[0],
        { area: 'governance', kind: 'preferred', text: 'Cities plan migration together with migrants' });
      assert.equal(added.status, 201, added.text);
      await fac.locator('#board', { hasText: 'Cities plan migration together with migrants' }).waitFor({ timeout: 12_000 });
      assert.equal(await fac.evaluate(() => window.notReloaded), true, 'the page was not reloaded');
      await assertAccessible(fac, 'live board');
    });
  }

  it(`${mode}: rating, voting, closing, and the act-now item becomes an action point`, STEP, async () => {
    const slug = boardPath.split('/').pop();
    await fac.goto(boardPath);
    await press(fac, en.fu_open_rating);
    assert.ok((await fac.locator('#phase-now').innerText()).includes(en.fu_phase_rating));

    await par.goto(boardPath);
    const article = par.locator('article.statement', { hasText: 'Phones are the first tool' });
    const sid = (await article.getAttribute('id')).replace('statement-', '');
    await article.locator('select[name="likelihood"]').selectOption('4');
    await article.locator('select[name="desirability"]').selectOption('3');
    await press(par, en.fu_rate, article);
    assert.ok((await par.locator(`#statement-${sid}`).innerText()).includes(en.fu_change_rating));
    for (const tok of others) {
      const r = await api('PUT', `/api/v1/futures/workshops/${slug}/statements/${sid}/rating`, tok, { likelihood: 5, desirability: 4 });
      assert.equal(r.status, 200, r.text);
    }

    await fac.goto(boardPath);
    await press(fac, en.fu_open_voting);
    await par.goto(boardPath);
    await press(par, en.fu_vote, par.locator(`#statement-${sid}`));
    await press(par, en.fu_vote, par.locator(`#statement-${sid}`));
    assert.ok((await par.locator('#votes-left').innerText()).includes('2'));
    assert.equal(await par.locator(`#statement-${sid}`).getByRole('button', { name: en.fu_vote }).count(), 0,
      'no vote button once the budget is spent');
    for (const tok of others) {
      const r = await api('POST', `/api/v1/futures/workshops/${slug}/statements/${sid}/votes`, tok);
      assert.equal(r.status, 201, r.text);
    }
    await fac.goto(boardPath);
    await press(fac, en.fu_open_closed);
    assert.ok((await fac.locator('#phase-now').innerText()).includes(en.fu_phase_closed));

    await fac.goto(`${boardPath}/results`);
    const item = fac.locator(`#act-${sid}`);
    assert.ok((await item.innerText()).includes(`6 ${en.fu_votes}`));
    assert.ok((await fac.locator('figure.futures-plot svg title').first().textContent()).length > 0);
    if (javaScriptEnabled) await assertAccessible(fac, 'results');
    await press(fac, en.fu_make_point, item);
    assert.match(fac.url(), /\/results\?msg=flash_fu_point/);
    const link = fac.locator(`#act-${sid} a.point-link`);
    assert.equal(await link.count(), 1);
    await Promise.all([fac.waitForURL(/\/action-points\/\d+$/), link.click()]);
    assert.ok((await fac.locator('.point-text').innerText()).includes('Phones are the first tool of every journey'));

    await fac.goto(`${boardPath}/report`);
    assert.ok((await fac.locator('main').innerText()).includes(en.fu_act_now));
    if (javaScriptEnabled) await assertAccessible(fac, 'report');
  });
}

describe('without JavaScript', () => workshopRun(false));
describe('with JavaScript', () => workshopRun(true));
