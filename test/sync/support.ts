import pino from 'pino';
import type { Test } from 'tap';
import type { Chain } from '../../src/chain/chain.js';
import { decodeEnvelope, EncodedReply } from '../../src/wire/rpc.js';
import type { CborValue } from '../../src/primitives/cbor.js';
import type { SyncOptions } from '../../src/sync/options.js';
import type { SyncProtocol, SyncServer } from '../../src/sync/server.js';
import { Synchronizer, type SyncTransport } from '../../src/sync/synchronizer.js';
import { openChain, tempDir } from '../utils/chain.js';

/** A chain and store in a temporary directory, closed and removed when `t` ends. */
export async function chainIn(t: Test): Promise<Chain> {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const { chain, store } = await openChain(dir.path);
  t.teardown(async () => {
    await chain.idle();
    await store.close();
  });
  return chain;
}

/** Resolves once `fn()` holds (checked every `stepMs`); rejects with 'timed out' after `ms`. */
export function waitUntil(fn: () => boolean, ms = 10_000, stepMs = 20): Promise<void> {
  return new Promise((resolve, reject) => {
    const end = Date.now() + ms;
    const tick = (): void => {
      if (fn()) resolve();
      else if (Date.now() > end) reject(new Error('timed out'));
      else setTimeout(tick, stepMs);
    };
    tick();
  });
}

/** `server`'s answer to `message` from peer 'local', as it arrives over the wire: a pre-encoded reply decoded. */
export async function serve(server: SyncServer, protocol: SyncProtocol, message: CborValue): Promise<CborValue> {
  const reply = await server.handle(protocol, message, 'local');
  return reply instanceof EncodedReply ? decodeEnvelope(reply.bytes, protocol) : reply;
}

/** A synchronizer for `chain` over `transport` (silent logs, disconnects ignored), stopped when `t` ends. */
export function syncOver(t: Test, chain: Chain, options: SyncOptions, transport: Pick<SyncTransport, 'request' | 'penalise'>): Synchronizer {
  const sync = new Synchronizer(options, {
    chain,
    logger: pino({ level: 'silent' }),
    transport: { ...transport, disconnect: () => undefined },
  });
  t.teardown(() => sync.stop());
  return sync;
}
