import { readFileSync } from 'node:fs';
import { ChainNodeError } from '../errors.js';
import { parseVerifierList, type NoteVerifier } from '../log/note.js';

/**
 * A witness set from a list of entries, each a verifier key (`<name>+<id>+<key>`) or the path of a file of keys
 * (one per line, `#` comments and blank lines ignored by the note parser). Used by `finality.witnesses` and
 * `proof verify --witnesses`, so a cluster can share one generated file (docker/compose.yml does).
 */
export function witnessKeysFrom(entries: readonly string[]): NoteVerifier[] {
  return parseVerifierList(
    entries.map((a) => {
      if (a.includes('+')) return a;
      try {
        return readFileSync(a, 'utf8');
      } catch (err) {
        throw new ChainNodeError('WITNESS_FILE_UNREADABLE', `'${a}' is neither a verifier key nor a readable file: ${(err as Error).message}`);
      }
    }),
  );
}
