import type { ChainNodeError } from '../errors.js';
import type { TxPolicy } from '../mempool/types.js';
import { cborToJson } from '../primitives/cbor-json.js';
import type { Transaction } from '../primitives/transaction.js';
import type { KindRegistry } from './registry.js';

/** Options of {@link KindPolicy}. */
export interface KindPolicyOptions {
  /** Also check transactions relayed by peers (refused without penalty); default only API submissions. */
  enforceGossip?: boolean;
}

/**
 * The kind-schema admission policy (README "Record kinds"): payloads submitted through this node's API must
 * satisfy their kind's schema (TX_SCHEMA with the JSON pointer of the first failure). Transactions relayed by
 * peers are admitted unchecked unless `enforceGossip`, and then refused without penalty; blocks are never
 * checked. Transactions returning from a reorg or reloaded from mempool.dat (source `local`) are not checked.
 */
export class KindPolicy implements TxPolicy {
  readonly #registry: KindRegistry;
  readonly #gossip: boolean;

  constructor(options: KindPolicyOptions, deps: { registry: KindRegistry }) {
    this.#registry = deps.registry;
    this.#gossip = options.enforceGossip === true;
  }

  /** The refusal of `tx` from `source`, or undefined when it passes (or is not checked). */
  check(tx: Transaction, source: string): ChainNodeError | undefined {
    if (!source.startsWith('api:') && !(this.#gossip && source.startsWith('peer:'))) return undefined;
    const kind = tx.fields.kind;
    if (this.#registry.match(kind) === undefined) return undefined;
    const err = this.#registry.check(kind, cborToJson(tx.fields.payload, 2));
    if (err !== undefined) Object.defineProperty(err, 'message', { value: `tx ${tx.txidHex}: ${err.message}` });
    return err;
  }
}
