import type { CodeTable } from './table.js';

/** Stable error codes raised by src/log/: HTTP status and meaning of each. */
export const LogCodes = {
  LOG_BAD_INDEX: { status: 400, doc: 'A leaf index outside the log.' },
  NOTE_BAD_KEY_NAME: { status: 400, doc: "A signed-note key name that is empty or holds spaces or '+'." },
  NOTE_BAD_SIGNATURE: { status: 400, doc: 'A note signature line that does not verify with the named key.' },
  NOTE_BAD_SIGNER_KEY: { status: 400, doc: 'A signer key that does not parse.' },
  NOTE_BAD_VERIFIER_KEY: { status: 400, doc: 'A verifier key that does not parse (name+hash+base64 key).' },
  NOTE_MALFORMED: { status: 400, doc: 'A signed note that is not text, signature block as C2SP signed-note.' },
  NOTE_UNVERIFIED: { status: 400, doc: 'No signature of the note verifies with the known keys.' },
} as const satisfies CodeTable;
