// Browser-test helpers: build the explorer when its output is stale, launch Debian's Chromium through
// playwright-core (a missing browser is an error, never a skip), and sign records in-process.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import type { Test } from 'tap';
import { generateSecretKey, publicKeyFromSecret } from '../../src/crypto/signature.js';
import { signAction, type ActionInput } from '../../src/wallet/tx-signer.js';
import { fromHex, toHex } from '../../src/util/bytes.js';
import { ROOT } from '../e2e/support.js';

/** The browser the suite drives (Debian's `chromium` package; .ci/run installs it). */
export const CHROMIUM = '/usr/bin/chromium';

/** Where screenshots of the pages are saved (gitignored). */
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'explorer');

function newest(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    n = Math.max(n, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return n;
}

function explorerFresh(): boolean {
  const manifest = join(ROOT, 'dist', 'explorer', 'manifest.json');
  const shared = ['consensus', 'primitives', 'crypto', 'log'].map((d) => newest(join(ROOT, 'src', d)));
  const sources = Math.max(newest(join(ROOT, 'explorer')), ...shared, statSync(join(ROOT, 'scripts', 'build-explorer.mjs')).mtimeMs);
  return existsSync(manifest) && statSync(manifest).mtimeMs >= sources;
}

/**
 * Run the explorer bundler (scripts/build-explorer.mjs) unless dist/explorer is newer than explorer/ and the
 * shared code it bundles. Test files running in parallel take turns through a lock directory.
 */
export function ensureExplorerBuilt(): void {
  if (explorerFresh()) return;
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const lock = join(ROOT, 'dist', '.explorer-build-lock');
  const deadline = Date.now() + 150_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another test file is building; a lock older than 2 minutes is stale.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // gone meanwhile
      }
      if (Date.now() > deadline) throw new Error('timed out waiting for another explorer build');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
  try {
    if (explorerFresh()) return;
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-explorer.mjs')], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`explorer build failed:\n${r.stdout}\n${r.stderr}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Launch headless Chromium with a fresh profile; fails (throws) when the browser is not installed. */
export async function launchBrowser(t: Test, viewport = { width: 1280, height: 900 }): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is required for the explorer tests and is missing at ${CHROMIUM} (apt-get install -y chromium)`);
  const profile = mkdtempSync(join(tmpdir(), 'chain-node-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    acceptDownloads: true,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  t.teardown(async () => {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  });
  mkdirSync(ARTIFACTS, { recursive: true });
  return ctx;
}

/** An in-process signer for one actor on a node's chain. */
export class Actor {
  readonly secret = generateSecretKey();
  readonly key = toHex(publicKeyFromSecret(this.secret));
  #nonce = 0;
  constructor(
    readonly url: string,
    readonly chainId: string,
  ) {}

  /** Sign and POST one action; resolves its txid. */
  async send(action: ActionInput): Promise<string> {
    const tx = signAction(this.secret, action, { chainId: fromHex(this.chainId), nonce: this.#nonce });
    const res = await fetch(`${this.url}/txs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tx: toHex(tx.bytes) }),
    });
    const body = (await res.json()) as { txid?: string; error?: { code: string; message: string } };
    if (res.status !== 202 || body.txid === undefined) throw new Error(`submit failed (${res.status}): ${JSON.stringify(body)}`);
    this.#nonce++;
    return body.txid;
  }
}
