import { ChainNodeError } from '../errors.js';
import { publicKeyFromSecret } from '../crypto/signature.js';
import { toHex } from '../util/bytes.js';
import type { TxStatusJson } from '../api/types.js';
import { ApiRequestError, type ApiClient } from './api-client.js';
import { KindRegistry, type KindEntry } from '../kinds/registry.js';
import { signAction, type ActionInput } from '../wallet/tx-signer.js';

/** Outcome of {@link sendAction}. */
export interface SentAction {
  txid: string;
  actor: string;
  nonce: number;
  status: 'accepted' | 'duplicate';
  /** With `wait`: the transaction once it had enough confirmations. */
  confirmed?: TxStatusJson;
}

/** Throws `NETWORK_MISMATCH` unless the node at the client's URL runs the chain `chainId`. */
export async function ensureSameChain(client: ApiClient, chainId: Uint8Array, networkName: string): Promise<void> {
  const s = await client.status();
  if (s.chainId !== toHex(chainId)) {
    throw new ChainNodeError(
      'NETWORK_MISMATCH',
      `the node at ${client.url} runs network '${s.network}' (chain ${s.chainId.slice(0, 16)}...), but this command is set for '${networkName}': pass --network ${s.network}`,
    );
  }
}

/**
 * Poll GET /txs/:txid until the transaction has `confirmations` confirmations (1 = in the tip block). Throws
 * `TX_WAIT_TIMEOUT` after `timeoutMs`; a transaction that disappears (neither pending nor mined) keeps being
 * polled, since it may come back after a reorg or a restart.
 */
export async function waitForConfirmations(
  client: ApiClient,
  txid: string,
  confirmations: number,
  options: { timeoutMs?: number; pollMs?: number; signal?: AbortSignal; onUpdate?: (status: TxStatusJson) => void } = {},
): Promise<TxStatusJson> {
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  const pollMs = options.pollMs ?? 250;
  let last: TxStatusJson | undefined;
  for (;;) {
    try {
      const prev = last;
      last = await client.tx(txid);
      if (prev === undefined || prev.status !== last.status || prev.confirmations !== last.confirmations || prev.block?.hash !== last.block?.hash)
        options.onUpdate?.(last);
      if (last.status === 'mined' && last.confirmations >= confirmations) return last;
    } catch (err) {
      if (!(err instanceof ApiRequestError && err.code === 'TX_NOT_FOUND')) throw err;
    }
    if (Date.now() >= deadline) {
      throw new ChainNodeError(
        'TX_WAIT_TIMEOUT',
        `tx ${txid} has ${last?.confirmations ?? 0} of ${confirmations} confirmations after ${Math.round((options.timeoutMs ?? 120_000) / 1000)} s (${last?.status ?? 'not found'})`,
      );
    }
    if (options.signal?.aborted === true) throw new ChainNodeError('CANCELLED', 'cancelled');
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/**
 * Check an action's payload against its kind's schema as the node at `client` enforces it (GET /kinds: the
 * standard kinds plus the node's configured ones; the standard ones alone from a node without the route).
 * Throws TX_SCHEMA (a KindSchemaError with the JSON pointer of the first failure) before anything is signed.
 */
export async function checkActionSchema(client: ApiClient, action: ActionInput): Promise<void> {
  let custom: KindEntry[] = [];
  try {
    custom = (await client.request<{ kinds: KindEntry[] }>('GET', '/kinds')).kinds.filter((k) => k.source === 'config');
  } catch (err) {
    if (!(err instanceof ApiRequestError && err.status === 404)) throw err;
  }
  const failure = new KindRegistry(custom).check(action.kind, action.payload);
  if (failure !== undefined) throw failure;
}

/** Callbacks of {@link sendAction}, for showing progress while it waits. */
export interface SendProgress {
  /** The node accepted the transaction (before any waiting). */
  submitted?(sent: SentAction): void;
  /** The transaction's status or confirmation count changed while waiting. */
  update?(status: TxStatusJson): void;
}

/** One progress line: "  pending" / "  3/6 confirmations (block 812 ...)". */
export function describeProgress(status: TxStatusJson, wanted: number): string {
  if (status.status !== 'mined' || status.block === undefined) return `  ${status.status}, 0/${wanted} confirmations`;
  return `  ${Math.min(status.confirmations, wanted)}/${wanted} confirmations (block ${status.block.height} ${status.block.hash.slice(0, 16)}...)`;
}

/**
 * Sign and submit one action: the payload is checked against its kind's schema first (see
 * {@link checkActionSchema}), the nonce comes from GET /accounts/:actor (`pendingNonce`, which counts the
 * node's mempool), the signature is made locally, the transaction goes to POST /txs. With `wait`, waits for
 * that many confirmations.
 */
export async function sendAction(
  client: ApiClient,
  secretKey: Uint8Array,
  action: ActionInput,
  options: { chainId: Uint8Array; wait?: number; timeoutMs?: number; nonce?: number; progress?: SendProgress },
): Promise<SentAction> {
  await checkActionSchema(client, action);
  const actor = toHex(publicKeyFromSecret(secretKey));
  const nonce = options.nonce ?? (await client.account(actor)).pendingNonce;
  const tx = signAction(secretKey, action, { chainId: options.chainId, nonce });
  const r = await client.submitTx(toHex(tx.bytes));
  const out: SentAction = { txid: r.txid, actor, nonce, status: r.status };
  options.progress?.submitted?.(out);
  if (options.wait !== undefined && options.wait > 0) {
    const onUpdate = options.progress?.update;
    out.confirmed = await waitForConfirmations(client, r.txid, options.wait, {
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(onUpdate === undefined ? {} : { onUpdate }),
    });
  }
  return out;
}
