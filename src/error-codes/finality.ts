import type { CodeTable } from './table.js';

/** Stable error codes raised by src/finality/: HTTP status and meaning of each. */
export const FinalityCodes = {
  CHECKPOINT_BAD_SIGNATURE: { status: 400, doc: 'Invalid signature by witness …+….' },
  CHECKPOINT_MALFORMED: { status: 400, doc: 'Checkpoint has extension lines.' },
  CHECKPOINT_WRONG_LOG: { status: 400, doc: "Checkpoint of log '…', not '…'." },
  FINALITY_STATE_INVALID: { status: 400, doc: '… is damaged (…); a witness must not guess what it signed.' },
  FINALITY_STATE_UNREADABLE: { status: 400, doc: 'Cannot read …: ….' },
  WITNESS_FILE_UNREADABLE: { status: 400, doc: "'…' is neither a verifier key nor a readable file: …." },
  WITNESS_KEY_INVALID: { status: 400, doc: '… does not hold a witness key: ….' },
  WITNESS_KEY_UNREADABLE: { status: 400, doc: 'Cannot read …: ….' },
} as const satisfies CodeTable;
