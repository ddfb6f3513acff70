import type { FastifyInstance } from 'fastify';
import { ChainNodeError } from '../../errors.js';
import { buildDidResolution, didOf, DidErrorCode, parseDid, type ChainPlace, type DidResolutionJson, type IdentityKeyView } from '../../ident/did.js';
import type { IdentEvent, IdentityRecord } from '../../ident/records.js';
import { toHex } from '../../util/bytes.js';
import { blockHashToHex } from '../../primitives/header.js';
import type { ReadBudget } from '../block-reader.js';
import type { ApiContext } from '../context.js';
import type { ActionJson, ActionPageJson } from '../types.js';
import { resolveActions } from './index-routes.js';

const looseObject = { type: 'object', additionalProperties: true } as const;

/** Response schema of GET /identities/:did (the documents themselves are open-ended JSON-LD). */
const resolutionSchema = {
  type: 'object',
  required: ['didDocument', 'didResolutionMetadata', 'didDocumentMetadata'],
  properties: {
    didDocument: { ...looseObject, required: ['@context', 'id', 'verificationMethod'] },
    didResolutionMetadata: { type: 'object', properties: { contentType: { type: 'string' } } },
    didDocumentMetadata: looseObject,
  },
} as const;

/** Where a mined transaction lies (height, block, time), or undefined when it is not on the main chain. */
async function placeOfTx(ctx: ApiContext, txid: Uint8Array): Promise<ChainPlace | undefined> {
  const loc = await ctx.chain.txLocation(txid);
  const node = loc === undefined ? undefined : ctx.chain.node(loc.blockHash);
  if (node === undefined) return undefined;
  return { height: node.height, blockHash: node.header.hashHex, txid: toHex(txid), time: node.header.time };
}

function placeOfEvent(ctx: ApiContext, e: IdentEvent): ChainPlace {
  const node = ctx.chain.node(e.block);
  return { height: e.height, blockHash: blockHashToHex(e.block), txid: toHex(e.txid), ...(node === undefined ? {} : { time: node.header.time }) };
}

/** The identity of a DID's key: its record, its identity record (or the implicit one-key identity), nonces. */
async function lookup(ctx: ApiContext, did: string): Promise<{ method: string; key: Uint8Array; identity: IdentityRecord; nonces: number[] }> {
  const { method, network, key } = parseDid(did);
  const notFound = (): never => {
    throw new ChainNodeError(DidErrorCode.notFound, `no identity ${did} on network '${ctx.network.name}'`);
  };
  if (network !== ctx.network.name) notFound();
  const record = await ctx.chain.identity.keyRecord(key);
  const root = record?.root ?? key;
  const identity = (await ctx.chain.identity.identity(root)) ?? { keys: [{ key: root }] };
  const nonces = await ctx.chain.nextNonces(identity.keys.map((k) => k.key));
  if (record === undefined && nonces[0] === 0) notFound();
  return { method, key, identity, nonces };
}

/** DID resolution of an identity's key (README "Identities"). */
async function resolve(ctx: ApiContext, did: string): Promise<DidResolutionJson> {
  const { method, key, identity, nonces } = await lookup(ctx, did);
  const index = ctx.chain.identity;
  const chain = ctx.chain;
  const keys = identity.keys.map((k) => k.key);
  const root = keys[0]!;
  const records = await Promise.all(keys.map((k) => index.keyRecord(k)));
  const views: IdentityKeyView[] = identity.keys.map((k, i) => {
    const r = records[i];
    const from = Math.min(r?.rotatedFrom ?? Infinity, r?.revokedFrom ?? Infinity);
    const next = identity.keys[i + 1]?.added;
    return {
      key: toHex(k.key),
      did: didOf(ctx.network.name, k.key, method),
      ...(k.added === undefined ? {} : { added: placeOfEvent(ctx, k.added) }),
      ...(next === undefined ? {} : { rotatedOut: placeOfEvent(ctx, next) }),
      records: nonces[i]!,
      flagged: Number.isFinite(from) ? Math.max(0, nonces[i]! - from) : 0,
    };
  });
  const first = (await chain.actionsByActor(root, { limit: 1 })).items[0];
  let last: ChainPlace | undefined;
  for (let i = 0; i < keys.length; i++) {
    if (nonces[i] === 0) continue;
    const item = (await chain.actionsByActor(keys[i]!, { limit: 1, reverse: true })).items[0];
    const place = item === undefined ? undefined : await placeOfTx(ctx, item.txid);
    if (place !== undefined && (last === undefined || place.height >= last.height)) last = place;
  }
  const firstRecord = first === undefined ? undefined : await placeOfTx(ctx, first.txid);
  return buildDidResolution({
    network: ctx.network.name,
    did: didOf(ctx.network.name, key, method),
    keys: views,
    ...(identity.revoked === undefined ? {} : { revoked: placeOfEvent(ctx, identity.revoked) }),
    ...(firstRecord === undefined ? {} : { firstRecord }),
    ...(last === undefined ? {} : { lastRecord: last }),
  });
}

/**
 * The identity's records following its chain of rotations: every record of its first key in nonce order, then
 * of the next key, ... (flags mark records of a key after its rotation). The cursor is the key's position (two hex
 * digits) followed by the actor index's cursor.
 */
async function history(ctx: ApiContext, did: string, q: { limit?: number; cursor?: string }, budget: ReadBudget | undefined): Promise<ActionPageJson> {
  const { identity } = await lookup(ctx, did);
  const limit = q.limit ?? 100;
  let k = q.cursor === undefined || q.cursor === '' ? 0 : parseInt(q.cursor.slice(0, 2), 16);
  let inner = q.cursor === undefined || q.cursor.length <= 2 ? undefined : q.cursor.slice(2);
  const items: ActionJson[] = [];
  while (k < identity.keys.length && items.length < limit) {
    const page = await ctx.chain.actionsByActor(identity.keys[k]!.key, {
      limit: limit - items.length,
      ...(inner === undefined ? {} : { cursor: inner }),
    });
    const got = await resolveActions(ctx, page, budget);
    items.push(...got.items);
    if (got.nextCursor !== undefined) return { items, nextCursor: k.toString(16).padStart(2, '0') + got.nextCursor };
    k++;
    inner = undefined;
  }
  return { items, ...(k < identity.keys.length ? { nextCursor: k.toString(16).padStart(2, '0') } : {}) };
}

/** GET /identities/:did: the W3C DID resolution result of an identity (DID document plus chain metadata). */
export function identityRoutes(app: FastifyInstance, ctx: ApiContext, budget?: ReadBudget): void {
  app.get<{ Params: { did: string }; Querystring: { limit?: number; cursor?: string } }>(
    '/identities/:did/actions',
    {
      schema: {
        summary: "An identity's mined records following its chain of rotations (each key's in nonce order, oldest key first), with flags; cursor pagination",
        tags: ['identities'],
        params: { type: 'object', properties: { did: { type: 'string' } }, required: ['did'] },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 1000 },
            cursor: { type: 'string', pattern: '^([0-9a-f]{2}[0-9a-f]*)?$', maxLength: 600 },
          },
        },
      },
    },
    async (req) => history(ctx, req.params.did, req.query, budget),
  );
  app.get<{ Params: { did: string } }>(
    '/identities/:did',
    {
      schema: {
        summary:
          'DID resolution (W3C DID Core 1.0) of did:chain-node:<network>:<key>: every key of its rotations, current key, revocation, first and last record, counts',
        tags: ['identities'],
        params: { type: 'object', properties: { did: { type: 'string' } }, required: ['did'] },
        response: { 200: resolutionSchema },
      },
    },
    async (req) => resolve(ctx, req.params.did),
  );
}
