/** Which records a hook receives (undefined fields match anything). */
export interface HookFilter {
  actor?: string;
  subject?: string;
  kind?: string;
  /** Confirmations a record's block needs before it is delivered (1 = as soon as it is in the tip block). */
  blocks?: number;
  /** Deliver only records covered by a final checkpoint (SPEC 12). */
  finality?: boolean;
}

/** A registered hook as stored (the secret never leaves the node after creation). */
export interface Hook {
  id: string;
  url: string;
  filter: HookFilter;
  secret: string;
  createdAt: string;
  /** Last main-chain block whose records were turned into deliveries (display hash). */
  cursor: { height: number; hash: string };
}

/** One delivery: a record to a hook, kept until delivered or dead-lettered. */
export interface Delivery {
  /** Idempotency key: the same for every attempt, and for the same record re-entering after a reorg. */
  key: string;
  hook: string;
  seq: number;
  /** The exact JSON body sent (and signed). */
  body: string;
  attempts: number;
  createdAt: string;
  /** Unix ms of the next attempt. */
  nextAt: number;
  lastError?: string;
  lastStatus?: number;
}

/** One attempt in a hook's delivery log. */
export interface DeliveryLogEntry {
  key: string;
  seq: number;
  at: string;
  attempt: number;
  ok: boolean;
  status?: number;
  error?: string;
  ms: number;
  /** What happened next: delivered, retry (with `nextAt`) or dead (moved to the dead-letter list). */
  outcome: 'delivered' | 'retry' | 'dead';
  nextAt?: string;
}
