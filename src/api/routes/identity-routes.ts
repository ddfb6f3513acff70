import type { FastifyInstance } from 'fastify';
import { ChainNodeError } from '../../errors.js';
import { buildDidResolution, didOf, DidErrorCode, parseDid, type ChainPlace, type DidResolutionJson, type IdentityKeyView } from '../../ident/did.js';
import type { IdentEvent } from '../../ident/records.js';
import { toHex } from '../../primitives/bytes.js';
import { blockHashToHex } from '../../primitives/header.js';
import type { ApiContext } from '../context.js';

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
  const loc = await ctx.chain.store.getTxLocation(txid);
  const node = loc === undefined ? undefined : ctx.chain.tree.get(loc.blockHash);
  if (node === undefined) return undefined;
  return { height: node.height, blockHash: node.header.hashHex, txid: toHex(txid), time: node.header.time };
}

function placeOfEvent(ctx: ApiContext, e: IdentEvent): ChainPlace {
  const node = ctx.chain.tree.get(e.block);
  return { height: e.height, blockHash: blockHashToHex(e.block), txid: toHex(e.txid), ...(node === undefined ? {} : { time: node.header.time }) };
}

/** DID resolution of an identity's key (README "Identities"). */
async function resolve(ctx: ApiContext, did: string): Promise<DidResolutionJson> {
  const { method, network, key } = parseDid(did);
  const notFound = (): never => {
    throw new ChainNodeError(DidErrorCode.notFound, `no identity ${did} on network '${ctx.network.name}'`);
  };
  if (network !== ctx.network.name) notFound();
  const index = ctx.chain.identity;
  const store = ctx.chain.store;
  const record = await index.keyRecord(key);
  const root = record?.root ?? key;
  const identity = (await index.identity(root)) ?? { keys: [{ key: root }] };
  const keys = identity.keys.map((k) => k.key);
  const nonces = await store.getNextNonces(keys);
  if (record === undefined && nonces[0] === 0) notFound();
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
  const first = (await store.actionsByActor(root, { limit: 1 })).items[0];
  let last: ChainPlace | undefined;
  for (let i = 0; i < keys.length; i++) {
    if (nonces[i] === 0) continue;
    const item = (await store.actionsByActor(keys[i]!, { limit: 1, reverse: true })).items[0];
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

/** GET /identities/:did: the W3C DID resolution result of an identity (DID document plus chain metadata). */
export function identityRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{ Params: { did: string } }>(
    '/identities/:did',
    {
      schema: {
        summary: 'DID resolution (W3C DID Core 1.0) of did:chain-node:<network>:<key>: every key of its rotations, current key, revocation, first and last record, counts',
        tags: ['identities'],
        params: { type: 'object', properties: { did: { type: 'string' } }, required: ['did'] },
        response: { 200: resolutionSchema },
      },
    },
    async (req) => resolve(ctx, req.params.did),
  );
}
