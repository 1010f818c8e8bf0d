// Forecasts in a real browser, without JavaScript: the demo's Mali case
// (its data folder given by path, as a fresh clone has it beside the
// repository) runs in the background; its run page shows the camp charts,
// the error chart and the network map as SVG with titles, and tables of the
// numbers; a member's what-if copy (Mali–Niger border closed) runs too and
// the two runs are compared side by side. axe checks the list, a run and
// the comparison.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { addUser, runCli, startServer, suiteDir } from './lib/server.mjs';
import { assertClean, launchBrowser, newContext } from './lib/browser.mjs';
import { assertAccessible } from './lib/axe.mjs';

let server;
let browser;
before(async () => {
  server = await startServer({
    demo: true,
    // CAR's demo run (~220 M agent-days, a minute under the sanitizers) is
    // over this limit, so the what-if run below queues only behind Burundi's.
    config: {
      forecast_demo_dir: path.resolve(suiteDir, '../../../shared/data/flee'),
      forecast_workers: 2,
      forecast_max_agent_days: 100_000_000,
    },
  });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function api(pathname, { method = 'GET', token, body } = {}) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body) headers['Content-Type'] = 'application/json';
  const r = await fetch(server.url + pathname, { method, headers, body: body ? JSON.stringify(body) : undefined });
  return { status: r.status, json: await r.json() };
}

async function waitDone(id, token) {
  for (let i = 0; i < 600; i++) {
    const r = await api(`/api/v1/forecasts/runs/${id}`, { token });
    assert.equal(r.status, 200);
    if (!r.json.active) return r.json;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`run ${id} did not finish`);
}

async function accessible(url, label, headers) {
  const ctx = await newContext(browser, server.url, { bypassCSP: true, extraHTTPHeaders: headers });
  const page = await ctx.newPage();
  await page.goto(url);
  await assertAccessible(page, label);
  await ctx.close();
}

it('shows a run\'s charts and map and compares a what-if without JavaScript', { timeout: 300_000 }, async () => {
  const scenarios = (await api('/api/v1/forecasts/scenarios')).json.items;
  const mali = scenarios.find((s) => s.origin === 'demo:mali');
  assert.ok(mali, 'the demo has the Mali case');
  const runs = (await api(`/api/v1/forecasts/scenarios/${mali.id}`)).json.runs;
  assert.equal(runs.length, 1);
  const done = await waitDone(runs[0].id);
  assert.equal(done.state, 'done');

  const ctx = await newContext(browser, server.url, { javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto('/futures/forecasts');
  assert.ok(await page.locator(`a[href="/futures/forecasts/scenarios/${mali.id}"]`).count() >= 1);
  await page.goto(`/futures/forecasts/${done.id}`);
  assert.equal(await page.locator('section.forecast-camp').count(), 7, 'one chart per Mali camp');
  assert.equal(await page.locator('svg.fc-chart').count(), 9, '7 camps, the error, the map');
  assert.equal(await page.locator('svg.fc-chart title').first().count(), 1);
  assert.ok(await page.locator('svg.fc-chart line').count() > 30, 'the map draws the routes');
  assert.ok(await page.locator('a[href$="/series.csv"]').count() === 1);
  await accessible('/futures/forecasts', 'forecast list');
  await accessible(`/futures/forecasts/${done.id}`, 'forecast run');

  // A member copies it with the Mali–Niger border closed and runs the copy.
  await addUser(server, { email: 'forecaster@example.org', name: 'Forecaster', org: 'drc', role: 'member', password: 'forecasts-2026' });
  const token = (await runCli(['token', 'create', '--db', server.dbUrl, '--email', 'forecaster@example.org', '--name', 't']))
    .stdout.trim().split(/\s+/).pop();
  const copy = await api(`/api/v1/forecasts/scenarios/${mali.id}/copy`, {
    method: 'POST', token,
    body: { title: 'Niger closed', changes: [{ kind: 'close_country', a: 'Mali', b: 'Niger', day: 0 }] },
  });
  assert.equal(copy.status, 201, JSON.stringify(copy.json));
  const started = await api(`/api/v1/forecasts/scenarios/${copy.json.id}/runs`, { method: 'POST', token, body: { seeds: 1 } });
  assert.equal(started.status, 202, JSON.stringify(started.json));
  const other = await waitDone(started.json.id, token);
  assert.equal(other.state, 'done');

  const auth = { Authorization: `Bearer ${token}` };
  const mine = await newContext(browser, server.url, { javaScriptEnabled: false, extraHTTPHeaders: auth });
  const cmp = await mine.newPage();
  await cmp.goto(`/futures/forecasts/${done.id}/compare/${other.id}`);
  assert.ok((await cmp.locator('h1').innerText()).length > 0);
  assert.equal(await cmp.locator('table.forecast-compare tbody tr').count(), 8, '7 camps and the error');
  assert.equal(await cmp.locator('svg.fc-chart').count(), 8, 'the error and one chart per camp');
  assert.ok((await cmp.content()).includes('Niger closed'));
  await accessible(`/futures/forecasts/${done.id}/compare/${other.id}`, 'forecast comparison', auth);
  assertClean(ctx);
  await ctx.close();
  await mine.close();
});
