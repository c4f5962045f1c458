import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Hono } from 'hono';
import { z } from 'zod';
import { ApiError, errorBody } from './errors.ts';
import { jsonDepth, mount, openApi, route } from './routes.ts';

function app(checkResponses: boolean) {
  const a = new Hono();
  a.onError((e, c) => (e instanceof ApiError ? c.json(errorBody(e.code, e.message), e.status as 400) : c.text(e.message, 500)));
  const routes = [
    route({ method: 'get', path: '/wrong', tag: 't', summary: 's', response: z.object({ a: z.number() }), handler: () => ({ a: 'no' }) }),
    route({ method: 'post', path: '/items/:id', tag: 't', summary: 's', params: z.strictObject({ id: z.string().regex(/^\d+$/) }), query: z.object({ n: z.coerce.number().int().max(5).default(1) }), body: z.strictObject({ name: z.string() }), status: 201, handler: ({ params, query, body }) => ({ id: params.id, n: query.n, name: body.name }) }),
  ];
  mount(a, '/api', routes, checkResponses);
  return { a, routes };
}

const post = (a: Hono, path: string, body: string, type = 'application/json') => a.request(path, { method: 'POST', body, headers: { 'content-type': type } });

test('params, query and body are validated, the error names the path', async () => {
  const { a } = app(false);
  assert.equal((await post(a, '/api/items/7?n=2', '{"name":"x"}')).status, 201);
  const cases: [string, string, string, number, RegExp][] = [
    ['/api/items/x', '{"name":"x"}', 'application/json', 400, /path\.id/],
    ['/api/items/7?n=9', '{"name":"x"}', 'application/json', 400, /query\.n/],
    ['/api/items/7', '{"name":1}', 'application/json', 400, /body\.name/],
    ['/api/items/7', '{"name":"x","extra":1}', 'application/json', 400, /body: Unrecognized key/i],
    ['/api/items/7', 'name=x', 'text/plain', 415, /JSON/],
    ['/api/items/7', '{"name":', 'application/json', 400, /not valid JSON/],
    ['/api/items/7', `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`, 'application/json', 400, /nested deeper than 32/],
  ];
  for (const [path, body, type, status, message] of cases) {
    const r = await post(a, path, body, type);
    assert.equal(r.status, status, `${path} ${body}`);
    assert.match(((await r.json()) as { error: { message: string } }).error.message, message);
  }
});

test('answers are checked against the documented schema when asked', async () => {
  assert.equal((await app(false).a.request('/api/wrong')).status, 200);
  const r = await app(true).a.request('/api/wrong');
  assert.equal(r.status, 500);
  assert.match(await r.text(), /does not match its documented schema: response\.a/);
});

test('the OpenAPI document comes from the same schemas', () => {
  const doc = openApi(app(false).routes, '/api', '1.0.0') as { paths: Record<string, Record<string, { parameters: { name: string; in: string }[]; requestBody?: unknown; responses: Record<string, unknown> }>> };
  const op = doc.paths['/api/items/{id}']!.post!;
  assert.deepEqual(op.parameters.map((p) => `${p.in}:${p.name}`), ['path:id', 'query:n']);
  assert.ok(op.requestBody);
  assert.ok(op.responses['201']);
});

test('jsonDepth', () => {
  assert.equal(jsonDepth(1), 0);
  assert.equal(jsonDepth({ a: [1] }), 2);
  assert.ok(jsonDepth(JSON.parse('['.repeat(100) + ']'.repeat(100))) > 32);
});
