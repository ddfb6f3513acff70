import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rename, unlink, writeFile } from 'node:fs/promises';

/** Mode of the data directory: only the node's user may list or enter it. */
export const PRIVATE_DIR_MODE = 0o700;

/** Mode of the node's own files (cookie, keys, known peers, saved mempool). */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Create `dir` (and missing parents) with mode 0700, and force 0700 on it when it already existed with a wider
 * mode: `mkdir`'s mode applies only to directories it creates.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  await chmod(dir, PRIVATE_DIR_MODE);
}

/** Force mode 0600 on existing files (missing ones are skipped): files written by older versions were 0644. */
export async function restrictFiles(paths: readonly string[]): Promise<void> {
  for (const p of paths) {
    try {
      await chmod(p, PRIVATE_FILE_MODE);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}

/**
 * Write a file atomically with mode 0600: a fresh temporary file (created 0600, chmod'ed against a permissive
 * umask) renamed over the target, so an existing file's wider mode is never kept.
 */
export async function writePrivateFile(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, data, { mode: PRIVATE_FILE_MODE, flag: 'wx' });
    await chmod(tmp, PRIVATE_FILE_MODE);
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
