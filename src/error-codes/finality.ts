import type { CodeTable } from './table.js';

/** Stable error codes raised by src/finality/: HTTP status and meaning of each. */
export const FinalityCodes = {
  CHECKPOINT_BAD_SIGNATURE: { status: 400, doc: 'A witness signature on a checkpoint does not verify.' },
  CHECKPOINT_MALFORMED: { status: 400, doc: 'Checkpoint has extension lines.' },
  CHECKPOINT_WRONG_LOG: { status: 400, doc: 'A checkpoint of another log (origin).' },
  FINALITY_STATE_INVALID: { status: 400, doc: 'The witness state file is damaged; a witness must not guess what it signed.' },
  FINALITY_STATE_UNREADABLE: { status: 400, doc: 'The witness state file cannot be read.' },
  WITNESS_FILE_UNREADABLE: { status: 400, doc: 'A witness argument is neither a verifier key nor a readable file.' },
  WITNESS_KEY_INVALID: { status: 400, doc: 'The file does not hold a witness key.' },
  WITNESS_KEY_UNREADABLE: { status: 400, doc: 'The witness key file cannot be read.' },
} as const satisfies CodeTable;
