// Temporary directories for tests: one implementation, in the three shapes the suites use.
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What a test offers for cleanup (tap's `Test`). */
export interface Teardown {
  teardown(fn: () => Promise<void> | void): void;
}

/** A fresh temporary directory and the function that removes it. */
export async function tempDirCleanup(prefix = 'chain-test-'): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/** A fresh temporary directory, removed when the test ends. */
export async function tempDir(t: Teardown, prefix = 'chain-test-'): Promise<string> {
  const { path, cleanup } = await tempDirCleanup(prefix);
  t.teardown(cleanup);
  return path;
}

/** {@link tempDir} without awaiting (for synchronous setup code). */
export function tempDirSync(t: Teardown, prefix = 'chain-node-e2e-'): string {
  const path = mkdtempSync(join(tmpdir(), prefix));
  t.teardown(() => rmSync(path, { recursive: true, force: true }));
  return path;
}
