import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiContext } from '../context.js';
import { requireScope } from '../auth.js';
import { txToJson } from '../json.js';
import type { BansJson, MempoolJson, MiningStatusJson, PeerJson, TxJson } from '../types.js';

/**
 * onRequest hook demanding scope `admin` (the cookie token, an admin API token or JWT). Routes declare
 * `config: { scope: 'admin' }` instead; this stays for routes that guard themselves explicitly.
 */
export function requireAdmin(_ctx?: ApiContext): (req: FastifyRequest) => Promise<void> {
  return requireScope('admin');
}

const expiry = {
  until: { type: 'string', format: 'date-time', description: 'When the ban ends (UTC)' },
  expiresIn: { type: 'integer', minimum: 0, description: 'Seconds until it ends' },
} as const;

/** Response schema of GET /peers/bans (see {@link BansJson}). */
const bansSchema = {
  type: 'object',
  required: ['peers', 'addresses'],
  properties: {
    peers: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'code', 'reason', 'points', 'until', 'expiresIn'],
        properties: {
          id: { type: 'string', description: 'Peer id' },
          code: { type: 'string', description: 'Stable code of the offence (P2P_GRAYLISTED, P2P_OPERATOR_BLOCK, OTHER for none)' },
          reason: { type: 'string' },
          points: { type: 'number', description: 'Penalty points now (they decay)' },
          ...expiry,
        },
      },
    },
    addresses: {
      type: 'array',
      items: {
        type: 'object',
        required: ['address', 'kind', 'peer', 'code', 'reason', 'until', 'expiresIn'],
        properties: {
          address: { type: 'string', description: 'An IPv4 address, an IPv6 /64 or an IPv4 /24' },
          kind: { type: 'string', enum: ['address', 'subnet'] },
          peer: { type: ['string', 'null'], description: 'The banned peer that caused it (for a subnet, the one whose ban completed it)' },
          code: { type: 'string', description: "Code of the peer's offence; P2P_SUBNET_BANNED for a subnet" },
          reason: { type: 'string' },
          ...expiry,
        },
      },
    },
  },
} as const;

/** Health, metrics, mempool, peers, mining and admin routes. */
export function nodeRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const admin = { scope: 'admin' } as const;
  const adminSecurity = [{ bearer: [] }];

  app.get(
    '/health',
    { config: { scope: 'public' }, schema: { summary: 'Liveness (always 200 while the process serves) with readiness detail', tags: ['node'] } },
    async () => {
      const s = ctx.sync();
      // status: 'ok' is the container-metrics service's health shape (see routes/metrics-facade.ts).
      return { status: 'ok', live: true, ready: !s.syncing, height: ctx.chain.height };
    },
  );
  app.get(
    '/health/ready',
    { config: { scope: 'public' }, schema: { summary: 'Readiness: 200 when synced and serving, else 503', tags: ['node'] } },
    async (_req, reply) => {
      const s = ctx.sync();
      if (s.syncing) return reply.code(503).send({ error: { code: 'NOT_READY', message: `syncing (${Math.round(s.progress * 100)} %)` } });
      return { ready: true, height: ctx.chain.height };
    },
  );
  app.get('/metrics', { schema: { summary: 'Prometheus metrics', tags: ['node'] } }, async (_req, reply) => {
    void reply.type('text/plain; version=0.0.4');
    return ctx.metrics.render();
  });

  app.get('/mempool', { schema: { summary: 'Mempool size', tags: ['mempool'] } }, async (): Promise<MempoolJson> => {
    const s = ctx.mempool.stats();
    return { count: s.count, bytes: s.bytes, actors: s.actors };
  });
  app.get<{ Querystring: { limit?: number; cursor?: string } }>(
    '/mempool/txs',
    {
      schema: {
        summary: 'Pending transactions, oldest first',
        tags: ['mempool'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'integer', minimum: 1, maximum: 1000 }, cursor: { type: 'string', maxLength: 200 } },
        },
      },
    },
    async (req): Promise<{ txs: TxJson[]; nextCursor?: string }> => {
      const page = ctx.mempool.list(req.query.limit ?? 100, req.query.cursor);
      return { txs: page.txs.map(txToJson), ...(page.cursor === undefined ? {} : { nextCursor: page.cursor }) };
    },
  );

  app.get(
    '/peers',
    { schema: { summary: 'Connected peers with scores and addresses', tags: ['peers'] } },
    async (): Promise<{ self: string[]; peers: PeerJson[] }> => ({
      self: ctx.peers.addresses(),
      peers: ctx.peers.list(),
    }),
  );
  app.get(
    '/peers/bans',
    {
      schema: {
        summary: 'Bans in force: peer ids (reason code, points, expiry), and addresses and subnets banned with a peer',
        tags: ['peers'],
        response: { 200: bansSchema },
      },
    },
    async (): Promise<BansJson> => ctx.peers.bans?.() ?? { peers: [], addresses: [] },
  );
  app.post<{ Body: { addr: string } }>(
    '/peers/connect',
    {
      config: admin,
      schema: {
        summary: 'Dial a peer (admin)',
        tags: ['peers'],
        security: adminSecurity,
        body: { type: 'object', additionalProperties: false, required: ['addr'], properties: { addr: { type: 'string', minLength: 3, maxLength: 512 } } },
      },
    },
    async (req) => {
      await ctx.peers.connect(req.body.addr);
      return { ok: true };
    },
  );
  app.post<{ Body: { id: string } }>(
    '/peers/disconnect',
    {
      config: admin,
      schema: {
        summary: 'Disconnect a peer (admin)',
        tags: ['peers'],
        security: adminSecurity,
        body: { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 200 } } },
      },
    },
    async (req) => {
      await ctx.peers.disconnect(req.body.id);
      return { ok: true };
    },
  );

  app.get('/mining', { schema: { summary: 'Mining status', tags: ['mining'] } }, async (): Promise<MiningStatusJson> => ctx.mining.status());
  app.post<{ Body: { threads?: number; backend?: string } }>(
    '/mining/start',
    {
      config: admin,
      schema: {
        summary: 'Start mining (admin)',
        tags: ['mining'],
        security: adminSecurity,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { threads: { type: 'integer', minimum: 0, maximum: 1024 }, backend: { type: 'string', enum: ['auto', 'cuda', 'native-cpu', 'wasm'] } },
        },
      },
    },
    async (req): Promise<MiningStatusJson> => {
      await ctx.mining.start(req.body ?? {});
      return ctx.mining.status();
    },
  );
  app.post(
    '/mining/stop',
    { config: admin, schema: { summary: 'Stop mining (admin)', tags: ['mining'], security: adminSecurity } },
    async (): Promise<MiningStatusJson> => {
      await ctx.mining.stop();
      return ctx.mining.status();
    },
  );
  app.post(
    '/admin/shutdown',
    { config: admin, schema: { summary: 'Shut the node down gracefully (admin)', tags: ['node'], security: adminSecurity } },
    async (_req, reply) => {
      reply.raw.on('finish', () => ctx.shutdown());
      return { ok: true, message: 'shutting down' };
    },
  );
}
