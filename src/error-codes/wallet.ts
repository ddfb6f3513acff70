import type { CodeTable } from './table.js';

/** Stable error codes raised by src/wallet/: HTTP status and meaning of each. */
export const WalletCodes = {
  KEY_BAD_NAME: { status: 400, doc: "Bad key name '…': use 1-64 letters, digits, '.', '_' or '-' (not starting with '.', '_' or '-')" },
  KEY_BAD_PASSPHRASE: { status: 400, doc: "Wrong passphrase for key '…'." },
  KEY_KDF_TOO_COSTLY: {
    status: 400,
    doc: 'Keystore file: scrypt N = 2^…, r = …, p = … costs more than accepted (N <= 2^…, N * r * p <= …); re-encrypt the key with lower parameters.',
  },
  KEY_PASSPHRASE_MISMATCH: { status: 400, doc: 'The passphrases do not match.' },
  KEY_PASSPHRASE_REQUIRED: { status: 400, doc: 'No terminal to ask for a passphrase.' },
  TX_BAD_KIND: { status: 400, doc: 'Kind must be …-… bytes.' },
  TX_BAD_SUBJECT: { status: 400, doc: 'Subject must be …-… bytes.' },
} as const satisfies CodeTable;
