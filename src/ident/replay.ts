import { toHex } from '../util/bytes.js';
import type { Block } from '../primitives/block.js';
import { Keys } from '../store/layout.js';
import { encodeIdentityRecord, encodeIdentUndo, encodeKeyRecord, type IdentityRecord, type IdentUndo, type KeyRecord } from './records.js';
import { applyIdentityBlock, hasIdentityActions } from './rules.js';

/**
 * The identity index rebuilt in memory from main-chain blocks in order (the consistency check compares it with
 * the stored rows): the same rules and encodings as {@link IdentityIndex}, without a database.
 */
export class IdentityReplay {
  readonly #keys = new Map<string, KeyRecord>();
  readonly #identities = new Map<string, IdentityRecord>();
  /** Expected rows of every identity prefix: key hex to value hex. */
  readonly rows = new Map<string, string>();

  /** Apply `block` at `height`; `nextNonce` gives an actor's next nonce before the block. */
  async apply(block: Block, height: number, nextNonce: (hex: string) => number): Promise<void> {
    if (!hasIdentityActions(block.txs)) return;
    const changes = await applyIdentityBlock(
      block.txs,
      { height, hash: block.hash },
      {
        key: async (k) => this.#keys.get(toHex(k)),
        identity: async (r) => this.#identities.get(toHex(r)),
        nextNonce: async (k) => nextNonce(toHex(k)),
      },
    );
    const undo: IdentUndo = [];
    const put = (key: Uint8Array, value: Uint8Array): void => {
      const prior = this.rows.get(toHex(key));
      undo.push([key, prior === undefined ? null : Uint8Array.from(Buffer.from(prior, 'hex'))]);
      this.rows.set(toHex(key), toHex(value));
    };
    for (const [hex, r] of changes.keys) {
      this.#keys.set(hex, r);
      put(Keys.identKey(Buffer.from(hex, 'hex')), encodeKeyRecord(r));
    }
    for (const [hex, r] of changes.identities) {
      this.#identities.set(hex, r);
      put(Keys.identity(Buffer.from(hex, 'hex')), encodeIdentityRecord(r));
    }
    for (const [hex, code] of changes.notes) put(Keys.identNote(Buffer.from(hex, 'hex')), new TextEncoder().encode(code));
    if (undo.length > 0) this.rows.set(toHex(Keys.identUndo(block.hash)), toHex(encodeIdentUndo(undo)));
  }
}
