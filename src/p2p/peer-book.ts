import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { writePrivateFile } from '../private-files.js';
import { PEERS_FILE } from './file-names.js';

// Re-exported: callers that load libp2p anyway keep importing it from here.
export { PEERS_FILE };

/** Most addresses remembered per peer (verified ones only, see `verifiedAddresses`). */
export const MAX_ADDRS_PER_PEER = 4;

/** A known peer. */
export interface KnownPeer {
  id: string;
  /** Verified dialable multiaddrs without the /p2p/ suffix. */
  addrs: string[];
  /** Last time we were connected (ms). */
  lastSeen: number;
}

interface PeersFile {
  version: 1;
  peers: KnownPeer[];
}

/**
 * Known peers persisted in `<datadir>/peers.json` (written atomically), most recently seen first and bounded,
 * so a restarted node can redial the network without bootstrap peers.
 */
export class PeerBook {
  readonly #path: string;
  readonly #max: number;
  readonly #log: Logger | undefined;
  readonly #peers = new Map<string, KnownPeer>();
  #dirty = false;

  constructor(options: { datadir: string; maxPeers: number }, deps: { logger?: Logger } = {}) {
    this.#path = join(options.datadir, PEERS_FILE);
    this.#max = options.maxPeers;
    this.#log = deps.logger;
  }

  /** Load the file (a missing or unreadable file leaves the book empty). */
  async load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.#path, 'utf8');
    } catch {
      return;
    }
    try {
      const data = JSON.parse(text) as PeersFile;
      if (data.version !== 1 || !Array.isArray(data.peers)) throw new Error('unknown format');
      for (const p of data.peers) {
        if (typeof p.id === 'string' && Array.isArray(p.addrs) && typeof p.lastSeen === 'number') {
          this.#peers.set(p.id, { id: p.id, addrs: p.addrs.filter((a) => typeof a === 'string').slice(0, MAX_ADDRS_PER_PEER), lastSeen: p.lastSeen });
        }
      }
    } catch (err) {
      this.#log?.warn({ err, file: this.#path }, 'ignoring unreadable peers file');
    }
  }

  /** Record a peer we were connected to, with its addresses. */
  seen(id: string, addrs: readonly string[], at: number): void {
    const prev = this.#peers.get(id);
    const merged = [...new Set([...addrs, ...(prev?.addrs ?? [])])].slice(0, MAX_ADDRS_PER_PEER);
    this.#peers.delete(id);
    this.#peers.set(id, { id, addrs: merged, lastSeen: at });
    this.#dirty = true;
    if (this.#peers.size > this.#max) {
      const oldest = [...this.#peers.values()].sort((a, b) => a.lastSeen - b.lastSeen)[0]!;
      this.#peers.delete(oldest.id);
    }
  }

  /** Forget a peer (banned, or on another network). */
  forget(id: string): void {
    if (this.#peers.delete(id)) this.#dirty = true;
  }

  /** Known peers, most recently seen first. */
  list(): KnownPeer[] {
    return [...this.#peers.values()].sort((a, b) => b.lastSeen - a.lastSeen);
  }

  /** Write the file when something changed. */
  async save(): Promise<void> {
    if (!this.#dirty) return;
    this.#dirty = false;
    const data: PeersFile = { version: 1, peers: this.list() };
    try {
      await writePrivateFile(this.#path, JSON.stringify(data, null, 1));
    } catch (err) {
      this.#dirty = true;
      this.#log?.warn({ err, file: this.#path }, 'could not save known peers');
    }
  }
}
