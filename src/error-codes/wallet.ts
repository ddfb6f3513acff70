import type { CodeTable } from './table.js';

/** Stable error codes raised by src/wallet/: HTTP status and meaning of each. */
export const WalletCodes = {
  KEY_BAD_NAME: { status: 400, doc: "A key name that is not 1-64 letters, digits, '.', '_' or '-' (not starting with '.', '_' or '-')." },
  KEY_BAD_PASSPHRASE: { status: 400, doc: 'Wrong passphrase for the key.' },
  KEY_KDF_TOO_COSTLY: {
    status: 400,
    doc: 'A keystore file whose scrypt parameters cost more than accepted; re-encrypt the key with lower parameters.',
  },
  KEY_PASSPHRASE_MISMATCH: { status: 400, doc: 'The passphrases do not match.' },
  KEY_PASSPHRASE_REQUIRED: { status: 400, doc: 'No terminal to ask for a passphrase.' },
  TX_BAD_KIND: { status: 400, doc: 'An action kind of the wrong length.' },
  TX_BAD_SUBJECT: { status: 400, doc: 'An action subject of the wrong length.' },
} as const satisfies CodeTable;
