import cliProgress from 'cli-progress';
import { Gauge, type Registry } from 'prom-client';

/** Options of sync progress reporting. */
export interface SyncProgressOptions {
  /** Draw a progress bar (the node's stdout is a terminal). */
  isTTY?: boolean;
  /** Smallest download that gets a bar (blocks). */
  barMinBlocks?: number;
  /** A node within this many blocks of its target counts as synced (ready). */
  readyLag?: number;
}

/** Defaults of {@link SyncProgressOptions}. */
export const SYNC_PROGRESS_DEFAULTS = { isTTY: false, barMinBlocks: 200, readyLag: 3 } as const;

/** Sync state for /status and /health/ready. */
export interface SyncState {
  /** 0..1 of the current download (1 when idle). */
  progress: number;
  /** True while the node is more than `readyLag` blocks behind the chain it is downloading. */
  syncing: boolean;
}

/**
 * Reports download progress three ways: the `state()` callback (API status and readiness), Prometheus gauges
 * in the node's registry, and a cli-progress bar on stderr when the node runs on a terminal.
 */
export class SyncProgress {
  readonly #o: Required<SyncProgressOptions>;
  readonly #stream: NodeJS.WritableStream;
  #bar: cliProgress.SingleBar | undefined;
  #start = 0;
  #target = 0;
  #height = 0;
  #active = false;

  constructor(options: SyncProgressOptions = {}, deps: { registry?: Registry; stream?: NodeJS.WritableStream } = {}) {
    this.#o = { ...SYNC_PROGRESS_DEFAULTS, ...options };
    this.#stream = deps.stream ?? process.stderr;
    if (deps.registry !== undefined) {
      const registers = [deps.registry];
      const state = (): SyncState => this.state();
      const target = (): number => this.#target;
      new Gauge({ name: 'chain_node_sync_progress_ratio', help: 'Progress of the current block download (1 when idle)', registers, collect() { this.set(state().progress); } });
      new Gauge({ name: 'chain_node_sync_active', help: '1 while the node is syncing (behind its best peer)', registers, collect() { this.set(state().syncing ? 1 : 0); } });
      new Gauge({ name: 'chain_node_sync_target_height', help: 'Height of the chain being downloaded', registers, collect() { this.set(target()); } });
    }
  }

  /** A download from `from` to `to` begins. */
  begin(from: number, to: number): void {
    this.#start = from;
    this.#target = to;
    this.#height = from;
    this.#active = true;
    if (this.#o.isTTY && to - from >= this.#o.barMinBlocks) {
      this.#bar = new cliProgress.SingleBar(
        { stream: this.#stream, format: 'sync [{bar}] {percentage}% | {value}/{total} blocks | height {height} | ETA {eta_formatted}', hideCursor: true, clearOnComplete: true, fps: 5 },
        cliProgress.Presets.shades_classic,
      );
      this.#bar.start(to - from, 0, { height: from });
    }
  }

  /** The chain reached `height`. */
  update(height: number): void {
    this.#height = height;
    this.#bar?.update(height - this.#start, { height });
  }

  /** The download ended (complete or not). */
  end(): void {
    this.#active = false;
    this.#bar?.stop();
    this.#bar = undefined;
  }

  /** Current state. */
  state(): SyncState {
    if (!this.#active || this.#target <= this.#start) return { progress: 1, syncing: false };
    const progress = Math.min(1, Math.max(0, (this.#height - this.#start) / (this.#target - this.#start)));
    return { progress, syncing: this.#target - this.#height > this.#o.readyLag };
  }
}
