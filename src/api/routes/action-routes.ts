import type { FastifyInstance } from 'fastify';
import type { ActionSigner, SignRequest, SignResult } from '../../keys/action-signer.js';
import type { NodeKeys, NodeKeyInfo } from '../../keys/node-keys.js';
import { addressSource } from '../../mempool/sources.js';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { requireSignScope } from '../sign-guard.js';

/** Most actions in one `POST /actions/batch`. */
export const MAX_ACTION_BATCH = 5000;

const keyName = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' } as const;
const actionProps = {
  kind: { type: 'string', minLength: 1, maxLength: 64 },
  subject: { type: 'string', minLength: 1, maxLength: 128 },
  payload: { description: 'JSON data of the action; {"/": {"bytes": "<base64>"}} stands for a byte string' },
} as const;
const action = { type: 'object', additionalProperties: false, required: ['kind', 'payload'], properties: actionProps } as const;
const signedSchema = { type: 'object', required: ['txid', 'nonce'], properties: { txid: { type: 'string' }, nonce: { type: 'integer' } } } as const;
const keySchema = {
  type: 'object',
  required: ['name', 'publicKey', 'did', 'created'],
  properties: { name: { type: 'string' }, publicKey: { type: 'string' }, did: { type: 'string' }, created: { type: 'string' } },
} as const;

/** The signer and keys of a context, or `KEYS_DISABLED`. */
export function signingOf(ctx: ApiContext): { keys: NodeKeys; signer: ActionSigner } {
  if (ctx.keys === undefined || ctx.signer === undefined) throw new ApiError('KEYS_DISABLED', 'this node does not hold keys');
  return { keys: ctx.keys, signer: ctx.signer };
}

function toRequest(a: { kind: string; subject?: string; payload: unknown }): SignRequest {
  return { kind: a.kind, payload: a.payload, ...(a.subject === undefined ? {} : { subject: a.subject }) };
}

/**
 * Server-side signing with node-held keys: `POST /actions` and `POST /actions/batch` (the node assigns nonces,
 * signs and submits), `POST /keys` and `GET /keys` (admin).
 */
export function actionRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const guard = requireSignScope();
  const security = [{ bearer: [] }];

  // A payload may be as large as a transaction allows (JSON is not larger than its CBOR by more than ~2x).
  const actionBodyLimit = 2 * ctx.network.maxTxBytes + 16 * 1024;
  app.post<{ Body: { key: string; kind: string; subject?: string; payload: unknown } }>(
    '/actions',
    {
      config: { scope: 'sign:*' },
      preValidation: guard,
      bodyLimit: actionBodyLimit,
      schema: {
        summary: 'Sign an action with a node-held key and submit it: the node assigns the next nonce',
        tags: ['keys'],
        security,
        body: { type: 'object', additionalProperties: false, required: ['key', 'kind', 'payload'], properties: { key: keyName, ...actionProps } },
        response: { 202: signedSchema },
      },
    },
    async (req, reply) => {
      const { signer } = signingOf(ctx);
      const [r] = await signer.submit(req.body.key, [toRequest(req.body)], addressSource('api', req.ip));
      if (!r!.ok) throw new ApiError(r!.code, r!.message);
      void reply.code(202);
      return { txid: r!.txid, nonce: r!.nonce };
    },
  );

  app.post<{ Body: { key: string; actions: Array<{ kind: string; subject?: string; payload: unknown }> } }>(
    '/actions/batch',
    {
      config: { scope: 'sign:*' },
      preValidation: guard,
      bodyLimit: 8 * 1024 * 1024,
      schema: {
        summary: `Sign up to ${MAX_ACTION_BATCH} actions with one node-held key, consecutive nonces in order; one result per action`,
        tags: ['keys'],
        security,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['key', 'actions'],
          properties: { key: keyName, actions: { type: 'array', minItems: 1, maxItems: MAX_ACTION_BATCH, items: action } },
        },
        response: {
          200: {
            type: 'object',
            required: ['accepted', 'rejected', 'results'],
            properties: {
              accepted: { type: 'integer' },
              rejected: { type: 'integer' },
              results: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['ok'],
                  properties: {
                    ok: { type: 'boolean' },
                    txid: { type: 'string' },
                    nonce: { type: 'integer' },
                    code: { type: 'string' },
                    message: { type: 'string' },
                  },
                },
              },
            },
          },
        },
      },
    },
    async (req): Promise<{ accepted: number; rejected: number; results: SignResult[] }> => {
      const { signer } = signingOf(ctx);
      const results = await signer.submit(req.body.key, req.body.actions.map(toRequest), addressSource('api', req.ip));
      const accepted = results.filter((r) => r.ok).length;
      return { accepted, rejected: results.length - accepted, results };
    },
  );

  app.post<{ Body: { name: string } }>(
    '/keys',
    {
      config: { scope: 'admin' },
      schema: {
        summary: 'Create a node-held key (admin): its public key and DID',
        tags: ['keys'],
        security,
        body: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: keyName } },
        response: { 201: keySchema },
      },
    },
    async (req, reply): Promise<NodeKeyInfo> => {
      const info = await signingOf(ctx).keys.create(req.body.name);
      void reply.code(201);
      return info;
    },
  );

  app.get(
    '/keys',
    {
      config: { scope: 'admin' },
      schema: {
        summary: 'Node-held keys (admin): names, public keys, DIDs',
        tags: ['keys'],
        security,
        response: { 200: { type: 'object', properties: { locked: { type: 'boolean' }, keys: { type: 'array', items: keySchema } } } },
      },
    },
    async () => {
      const { keys } = signingOf(ctx);
      return { locked: keys.locked, keys: await keys.list() };
    },
  );
}
