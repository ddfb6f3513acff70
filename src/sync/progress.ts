import { Gauge, type Registry } from 'prom-client';

/** Options of sync progress reporting. */
export interface SyncProgressOptions {
  /** A node within this many blocks of its target counts as synced (ready). */
  readyLag?: number;
}

/** Defaults of {@link SyncProgressOptions}. */
export const SYNC_PROGRESS_DEFAULTS = { readyLag: 3 } as const;

/** Sync state for /status and /health/ready. */
export interface SyncState {
  /** 0..1 of the current download (1 when idle). */
  progress: number;
  /** True while the node is more than `readyLag` blocks behind the chain it is downloading. */
  syncing: boolean;
}

/** Told of a download's course (the node wires a terminal progress bar here; see notify/sync-bar.ts). */
export interface SyncNotifier {
  begin(from: number, to: number): void;
  update(height: number): void;
  end(): void;
}

/**
 * Reports download progress three ways: the `state()` callback (API status and readiness), Prometheus gauges
 * in the node's registry, and an optional notifier (a progress bar when the node runs on a terminal).
 */
export class SyncProgress {
  readonly #o: Required<SyncProgressOptions>;
  readonly #notifier: SyncNotifier | undefined;
  #start = 0;
  #target = 0;
  #height = 0;
  #active = false;

  constructor(options: SyncProgressOptions = {}, deps: { registry?: Registry; notifier?: SyncNotifier } = {}) {
    this.#o = { ...SYNC_PROGRESS_DEFAULTS, ...options };
    this.#notifier = deps.notifier;
    if (deps.registry !== undefined) {
      const registers = [deps.registry];
      const state = (): SyncState => this.state();
      const target = (): number => this.#target;
      new Gauge({
        name: 'chain_node_sync_progress_ratio',
        help: 'Progress of the current block download (1 when idle)',
        registers,
        collect() {
          this.set(state().progress);
        },
      });
      new Gauge({
        name: 'chain_node_sync_active',
        help: '1 while the node is syncing (behind its best peer)',
        registers,
        collect() {
          this.set(state().syncing ? 1 : 0);
        },
      });
      new Gauge({
        name: 'chain_node_sync_target_height',
        help: 'Height of the chain being downloaded',
        registers,
        collect() {
          this.set(target());
        },
      });
    }
  }

  /** A download from `from` to `to` begins. */
  begin(from: number, to: number): void {
    this.#start = from;
    this.#target = to;
    this.#height = from;
    this.#active = true;
    this.#notifier?.begin(from, to);
  }

  /** The chain reached `height`. */
  update(height: number): void {
    this.#height = height;
    this.#notifier?.update(height);
  }

  /** The download ended (complete or not). */
  end(): void {
    this.#active = false;
    this.#notifier?.end();
  }

  /** Current state. */
  state(): SyncState {
    if (!this.#active || this.#target <= this.#start) return { progress: 1, syncing: false };
    const progress = Math.min(1, Math.max(0, (this.#height - this.#start) / (this.#target - this.#start)));
    return { progress, syncing: this.#target - this.#height > this.#o.readyLag };
  }
}
