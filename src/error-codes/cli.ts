import type { CodeTable } from './table.js';

/** Stable error codes raised by bin/ (the command line): HTTP status and meaning of each. */
export const CliCodes = {
  API_URL_UNKNOWN: { status: 400, doc: 'The API port is configured as 0 (any free port): pass --api <url> (the node prints it at start)' },
  AUTH_COOKIE_UNREADABLE: { status: 400, doc: 'Cannot read the admin token file …: ….' },
  BAD_OPTION: { status: 400, doc: '… must be an integer >= ….' },
  BAD_TXID: { status: 400, doc: 'A txid argument that is not 64 hex characters.' },
  CANCELLED: { status: 400, doc: 'Export cancelled.' },
  CLI_BAD_ARGUMENT: { status: 400, doc: '… must be a non-negative integer.' },
  GENESIS_INVALID: { status: 400, doc: "Cannot read genesis file '…': …." },
  HELP_UNKNOWN_TOPIC: { status: 400, doc: "No command or topic '…' (topics: …)" },
  KEY_BAD_SECRET: { status: 400, doc: 'Expected a secret key as 64 hex characters, or a keystore JSON file.' },
  KEY_CONFIRMATION_REQUIRED: { status: 400, doc: 'Printing a secret key needs --yes when there is no terminal to confirm on.' },
  KEY_IMPORT_UNREADABLE: { status: 400, doc: 'Cannot read the key to import: ….' },
  KEY_PASSPHRASE_EMPTY: { status: 400, doc: 'The key passphrase file … starts with an empty line.' },
  KEY_PASSPHRASE_FILE: { status: 400, doc: 'Cannot read the key passphrase file …: ….' },
  LOAD_OUTPUT_UNWRITABLE: { status: 400, doc: 'Cannot write …: ….' },
  NETWORK_EXISTS: { status: 400, doc: "Network '…' already exists (…); pass --force to replace it (its chains become invalid)" },
  PROOF_FILE_UNREADABLE: { status: 400, doc: "Cannot read proof file '…': …." },
  PROOF_FILE_UNWRITABLE: { status: 400, doc: 'Cannot write …: ….' },
  THRESHOLD_INVALID: { status: 400, doc: '--threshold must be a positive integer.' },
  TX_BAD_PAYLOAD: { status: 400, doc: 'Cannot read …: ….' },
  WAIT_INVALID: { status: 400, doc: '--wait-final takes a positive number of seconds.' },
  WITNESSES_EMPTY: { status: 400, doc: '--witnesses named no keys.' },
} as const satisfies CodeTable;
