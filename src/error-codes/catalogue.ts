import { CryptoCodes } from './crypto.js';
import { PrimitivesCodes } from './primitives.js';
import { LogCodes } from './log.js';
import { ConsensusCodes } from './consensus.js';
import { StoreCodes } from './store.js';
import { IdentCodes } from './ident.js';
import { ChainCodes } from './chain.js';
import { MempoolCodes } from './mempool.js';
import { KindsCodes } from './kinds.js';
import { WalletCodes } from './wallet.js';
import { KeysCodes } from './keys.js';
import { MiningCodes } from './mining.js';
import { FinalityCodes } from './finality.js';
import { WireCodes } from './wire.js';
import { SyncCodes } from './sync.js';
import { P2pCodes } from './p2p.js';
import { AuthCodes } from './auth.js';
import { ApiCodes } from './api.js';
import { WebhooksCodes } from './webhooks.js';
import { ClientCodes } from './client.js';
import { SdkCodes } from './sdk.js';
import { ClusterCodes } from './cluster.js';
import { ConfigCodes } from './config.js';
import { NodeCodes } from './node.js';
import { CliCodes } from './cli.js';
import type { CodeInfo } from './table.js';

/**
 * Every stable error code chain-node raises, grouped by the module that raises it (one table per module, in
 * layer order). `ErrorCode` is derived from it, so a code that is not listed here cannot be thrown, tested with
 * `hasCode` or mapped to an HTTP status; docs/error-codes.md is generated from it (`npm run gen:error-codes`).
 */
export const ERROR_CATALOGUE = {
  crypto: CryptoCodes,
  primitives: PrimitivesCodes,
  log: LogCodes,
  consensus: ConsensusCodes,
  store: StoreCodes,
  ident: IdentCodes,
  chain: ChainCodes,
  mempool: MempoolCodes,
  kinds: KindsCodes,
  wallet: WalletCodes,
  keys: KeysCodes,
  mining: MiningCodes,
  finality: FinalityCodes,
  wire: WireCodes,
  sync: SyncCodes,
  p2p: P2pCodes,
  auth: AuthCodes,
  api: ApiCodes,
  webhooks: WebhooksCodes,
  client: ClientCodes,
  sdk: SdkCodes,
  cluster: ClusterCodes,
  config: ConfigCodes,
  node: NodeCodes,
  cli: CliCodes,
} as const;

/** A module name of {@link ERROR_CATALOGUE}. */
export type ErrorModule = keyof typeof ERROR_CATALOGUE;

/** One stable error code: the union of every module table's codes. */
export type ErrorCode = { [M in ErrorModule]: keyof (typeof ERROR_CATALOGUE)[M] }[ErrorModule];

const INFO: ReadonlyMap<string, CodeInfo> = new Map(Object.values(ERROR_CATALOGUE).flatMap((table) => Object.entries(table as Record<string, CodeInfo>)));

/** The catalogue entry (HTTP status, meaning) of `code`. */
export function codeInfo(code: ErrorCode): CodeInfo {
  return INFO.get(code)!;
}

/** True when `code` is a stable error code of the catalogue (for codes read from outside, e.g. an API answer). */
export function isErrorCode(code: string): code is ErrorCode {
  return INFO.has(code);
}
