// Route schemas compile lazily (src/api/lazy-validators.ts) yet validate exactly like fastify's default compiler:
// same verdicts and error messages, coercion included; the warm-up, a while after listen, compiles the rest.
import Fastify, { type FastifyInstance } from 'fastify';
import t from 'tap';
import { lazyValidators, type LazyValidators } from '../../src/api/lazy-validators.js';

const AJV = { customOptions: { coerceTypes: true, removeAdditional: false, allErrors: false } };

function app(lazy: LazyValidators | undefined): FastifyInstance {
  const a = Fastify({ ajv: AJV, ...(lazy === undefined ? {} : { schemaController: { compilersFactory: { buildValidator: lazy.buildValidator as never } } }) });
  a.post(
    '/items',
    { schema: { body: { type: 'object', additionalProperties: false, required: ['n'], properties: { n: { type: 'integer', minimum: 1 } } } } },
    async (req) => req.body,
  );
  a.get(
    '/items/:id',
    {
      schema: {
        params: { type: 'object', properties: { id: { type: 'integer' } } },
        querystring: { type: 'object', properties: { limit: { type: 'integer', maximum: 10 } } },
      },
    },
    async (req) => ({ params: req.params, query: req.query }),
  );
  return a;
}

t.test('lazy validators answer like the default compiler, and compile on first use or on warm()', async (t) => {
  const lazy = lazyValidators();
  const l = app(lazy);
  const eager = app(undefined);
  t.teardown(() => Promise.all([l.close(), eager.close()]));
  await l.ready();
  await eager.ready();
  // body; params and querystring of GET /items/:id and of its automatic HEAD route.
  t.equal(lazy.pending, 5, 'nothing compiled at ready');
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
    t.same([a.statusCode, a.json()], [b.statusCode, b.json()], `${r.method} ${r.url} ${JSON.stringify(r.payload ?? '')}: ${a.statusCode}`);
  }
  t.equal(lazy.pending, 2, "the schemas requests used were compiled; the HEAD route's not yet");
  lazy.warm(300);
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setTimeout(r, 20));
  t.equal(lazy.pending, 2, 'warm(300) compiles nothing before its delay');
  for (let i = 0; i < 200 && lazy.pending > 0; i++) await new Promise((r) => setTimeout(r, 25));
  t.equal(lazy.pending, 0, 'warm() compiled the rest after its delay');
  const last = await l.inject({ method: 'GET', url: '/items/7?limit=50' });
  t.equal(last.statusCode, 400);
});
