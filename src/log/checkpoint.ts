import { ChainNodeError, Penalty } from '../errors.js';
import { decodeBase64Strict, encodeBase64 } from './note.js';

/** Most extension lines accepted after the three checkpoint lines (chain-node writes none). */
export const MAX_CHECKPOINT_EXTENSIONS = 8;

/** The body of a C2SP tlog-checkpoint: origin, tree size, root hash and optional extension lines. */
export interface Checkpoint {
  origin: string;
  size: number;
  root: Uint8Array;
  extensions: string[];
}

/** The header log's origin line (SPEC 12): `chain-node/<network>/<genesis block hash, display hex>`. */
export function logOrigin(network: string, genesisHashHex: string): string {
  return `chain-node/${network}/${genesisHashHex}`;
}

/** Formats a checkpoint's note text (each line ends in a newline). */
export function formatCheckpoint(cp: Checkpoint): string {
  if (cp.origin.length === 0 || cp.origin.includes('\n')) throw checkpointError('origin must be one non-empty line');
  if (!Number.isSafeInteger(cp.size) || cp.size < 0) throw checkpointError('size must be a non-negative safe integer');
  if (cp.root.length !== 32) throw checkpointError('root must be 32 bytes');
  for (const e of cp.extensions) if (e.length === 0 || e.includes('\n')) throw checkpointError('extension lines must be non-empty single lines');
  return [cp.origin, String(cp.size), encodeBase64(cp.root), ...cp.extensions].map((l) => `${l}\n`).join('');
}

/**
 * Parses a checkpoint's note text (C2SP tlog-checkpoint): at least three non-empty lines, a decimal size without
 * leading zeros, a base64 32-byte root. Throws `CHECKPOINT_MALFORMED`.
 */
export function parseCheckpoint(text: string): Checkpoint {
  if (typeof text !== 'string' || !text.endsWith('\n')) throw checkpointError('text must end in a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw checkpointError('needs origin, size and root lines');
  if (lines.length > 3 + MAX_CHECKPOINT_EXTENSIONS) throw checkpointError('too many extension lines');
  if (lines.some((l) => l.length === 0)) throw checkpointError('lines must be non-empty');
  const [origin, sizeLine, rootLine, ...extensions] = lines as [string, string, string, ...string[]];
  if (!/^(0|[1-9][0-9]{0,15})$/.test(sizeLine) || !Number.isSafeInteger(Number(sizeLine))) throw checkpointError('size is not a decimal number');
  const root = decodeBase64Strict(rootLine);
  if (root === null || root.length !== 32) throw checkpointError('root is not base64 of 32 bytes');
  return { origin, size: Number(sizeLine), root, extensions };
}

function checkpointError(why: string): ChainNodeError {
  return new ChainNodeError('CHECKPOINT_MALFORMED', `malformed checkpoint: ${why}`, { penalty: Penalty.high });
}
