import { ChainNodeError, type ErrorCode } from '../errors.js';

/** Why a peer is penalised: the offence's stable code, the points it costs, and a detail for people. */
export interface PeerPenalty {
  /** Stable code of the offence (an error code such as `BLOCK_BAD_POW`, or a penalty code such as `P2P_UNREQUESTED`). */
  readonly code: ErrorCode;
  /** Penalty points (see `Penalty` and `P2pPenalty`; never a bare number). */
  readonly points: number;
  /** What happened, for logs and the bans view. */
  readonly detail: string;
}

/** What a penalise call takes: a penalty, or the rejected message's error (its code, penalty points and message). */
export type PenaltyInput = PeerPenalty | ChainNodeError;

/** The penalty an input stands for. */
export function toPenalty(input: PenaltyInput): PeerPenalty {
  if (input instanceof ChainNodeError) return { code: input.code, points: input.penalty, detail: input.message };
  return input;
}

/** The reason text logged and shown with a ban: `CODE: detail` (the code alone when there is no detail). */
export function penaltyReason(p: Omit<PeerPenalty, 'code'> & { readonly code: string }): string {
  return p.detail === '' ? p.code : `${p.code}: ${p.detail}`;
}
