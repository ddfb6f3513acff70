// Route schemas compile lazily (src/api/lazy-compilers.ts) yet validate and serialize exactly like fastify's default
// compilers: same verdicts and error messages, coercion included, same response bodies (properties outside the
// response schema left out); the warm-up, a while after listen, compiles the rest.
import Fastify, { type FastifyInstance } from 'fastify';
import t from 'tap';
import { lazyCompilers, type LazyCompilers } from '../../src/api/lazy-compilers.js';

const AJV = { customOptions: { coerceTypes: true, removeAdditional: false, allErrors: false } };

function app(lazy: LazyCompilers | undefined): FastifyInstance {
  const a = Fastify({
    ajv: AJV,
    ...(lazy === undefined
      ? {}
      : { schemaController: { compilersFactory: { buildValidator: lazy.buildValidator as never, buildSerializer: lazy.buildSerializer as never } } }),
  });
  a.post(
    '/items',
    {
      schema: {
        body: { type: 'object', additionalProperties: false, required: ['n'], properties: { n: { type: 'integer', minimum: 1 } } },
        response: { 200: { type: 'object', properties: { n: { type: 'integer' }, label: { type: 'string' } } } },
      },
    },
    async (req) => ({ ...(req.body as object), label: 7, secret: 'not in the schema' }),
  );
  a.get(
    '/items/:id',
    {
      schema: {
        params: { type: 'object', properties: { id: { type: 'integer' } } },
        querystring: { type: 'object', properties: { limit: { type: 'integer', maximum: 10 } } },
        response: { 200: { type: 'object', properties: { params: { type: 'object', properties: { id: { type: 'integer' } } } } } },
      },
    },
    async (req) => ({ params: req.params, query: req.query }),
  );
  return a;
}

t.test('lazy compilers answer like the default compilers, and compile on first use or on warm()', async (t) => {
  const lazy = lazyCompilers();
  const l = app(lazy);
  const eager = app(undefined);
  t.teardown(() => Promise.all([l.close(), eager.close()]));
  await l.ready();
  await eager.ready();
  // Validators: body; params and querystring of GET /items/:id and of its automatic HEAD route. Serializers: the
  // 200 response of each of the three routes.
  t.equal(lazy.pending, 8, 'nothing compiled at ready');
  const requests = [
    { method: 'POST' as const, url: '/items', payload: { n: 2 } },
    { method: 'POST' as const, url: '/items', payload: { n: 0 } },
    { method: 'POST' as const, url: '/items', payload: { n: 1, extra: true } },
    { method: 'POST' as const, url: '/items', payload: { n: '3' } },
    { method: 'GET' as const, url: '/items/7?limit=5' },
    { method: 'GET' as const, url: '/items/x' },
  ];
  for (const r of requests) {
    const [a, b] = [await l.inject(r), await eager.inject(r)];
    t.same([a.statusCode, a.body], [b.statusCode, b.body], `${r.method} ${r.url} ${JSON.stringify(r.payload ?? '')}: ${a.statusCode} ${a.body}`);
  }
  t.same((await l.inject(requests[0]!)).json(), { n: 2, label: '7' }, 'the response serialized by its schema');
  t.equal(lazy.pending, 3, "the schemas requests used were compiled; the HEAD route's not yet");
  lazy.warm(300);
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setTimeout(r, 20));
  t.equal(lazy.pending, 3, 'warm(300) compiles nothing before its delay');
  for (let i = 0; i < 200 && lazy.pending > 0; i++) await new Promise((r) => setTimeout(r, 25));
  t.equal(lazy.pending, 0, 'warm() compiled the rest after its delay');
  const last = await l.inject({ method: 'GET', url: '/items/7?limit=50' });
  t.equal(last.statusCode, 400);
});
