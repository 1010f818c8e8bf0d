// GET /api/v1/openapi.json is an OpenAPI 3 document that a real validator
// (@apidevtools/swagger-parser, pinned in package.json) accepts, and it
// describes every /api/v1 route the server answers.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import SwaggerParser from '@apidevtools/swagger-parser';
import { startServer } from './lib/server.mjs';

let server;
before(async () => { server = await startServer({ demo: false }); });
after(async () => { await server?.stop(); });

it('serves a valid OpenAPI 3 document covering the API', { timeout: 60_000 }, async () => {
  const res = await fetch(`${server.url}/api/v1/openapi.json`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  const doc = await res.json();
  assert.match(doc.openapi, /^3\.0\./);
  // validate() dereferences a copy and throws with the problems listed.
  await SwaggerParser.validate(structuredClone(doc));
  for (const p of ['/api/v1/me', '/api/v1/organisations', '/api/v1/organisations/{slug}',
    '/api/v1/campaigns', '/api/v1/campaigns/{id}', '/api/v1/campaigns/{id}/submit',
    '/api/v1/campaigns/{id}/publish', '/api/v1/campaigns/{id}/return', '/api/v1/campaigns/{id}/adapt',
    '/api/v1/campaigns/{id}/lineage', '/api/v1/campaigns/{id}/revisions', '/api/v1/campaigns/{id}/media',
    '/api/v1/campaigns.csv', '/api/v1/threads', '/api/v1/threads/{id}', '/api/v1/threads/{id}/posts',
    '/api/v1/campaigns/{id}/posts', '/api/v1/posts/{id}/useful', '/api/v1/groups']) {
    assert.ok(doc.paths[p], `missing ${p}`);
  }
  // Every documented GET without path parameters really answers (not 404/405).
  for (const [p, ops] of Object.entries(doc.paths)) {
    if (!ops.get || p.includes('{')) continue;
    const r = await fetch(`${server.url}${p}`);
    assert.ok(r.status !== 404 && r.status !== 405, `${p} answered ${r.status}`);
  }
});
