import { open, readFile, rename } from 'node:fs/promises';
import { ChainNodeError } from '../errors.js';

/** What a node remembers about finality across restarts (`<datadir>/finality.json`). */
export interface FinalityState {
  /** The last checkpoint this node signed as a witness: it never signs one that does not extend it. */
  lastSigned?: { size: number; root: string };
  /** Set when the witness found its chain inconsistent with its last signature; cleared by a final checkpoint. */
  halted?: string;
  /** The latest final checkpoint, as a signed note with every known signature. */
  final?: { note: string; at: number };
}

/** File name of the finality state in the data directory. */
export const FINALITY_FILE = 'finality.json';

/** Read the state (empty when the file does not exist). */
export async function readFinalityState(path: string): Promise<FinalityState> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ChainNodeError('FINALITY_STATE_UNREADABLE', `cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    const v = JSON.parse(text) as FinalityState;
    if (typeof v !== 'object' || v === null) throw new Error('not an object');
    return v;
  } catch (err) {
    throw new ChainNodeError('FINALITY_STATE_INVALID', `${path} is damaged (${(err as Error).message}); a witness must not guess what it signed`);
  }
}

/** Write the state durably (temporary file, fsync, rename) before anything that depends on it leaves the node. */
export async function writeFinalityState(path: string, state: FinalityState): Promise<void> {
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(JSON.stringify(state));
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}
