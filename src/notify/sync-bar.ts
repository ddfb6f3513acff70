import cliProgress from 'cli-progress';
import type { SyncNotifier } from '../sync/progress.js';

/** Options of {@link SyncProgressBar}. */
export interface SyncProgressBarOptions {
  /** Smallest download that gets a bar (blocks). */
  barMinBlocks?: number;
}

/** Defaults of {@link SyncProgressBarOptions}. */
export const SYNC_BAR_DEFAULTS = { barMinBlocks: 200 } as const;

/** Draws sync progress as a cli-progress bar on a terminal stream (stderr by default); the node wires it on a TTY. */
export class SyncProgressBar implements SyncNotifier {
  readonly #o: Required<SyncProgressBarOptions>;
  readonly #stream: NodeJS.WritableStream;
  #bar: cliProgress.SingleBar | undefined;
  #start = 0;

  constructor(options: SyncProgressBarOptions = {}, deps: { stream?: NodeJS.WritableStream } = {}) {
    this.#o = { ...SYNC_BAR_DEFAULTS, ...options };
    this.#stream = deps.stream ?? process.stderr;
  }

  /** A download from `from` to `to` begins. */
  begin(from: number, to: number): void {
    this.#start = from;
    if (to - from < this.#o.barMinBlocks) return;
    this.#bar = new cliProgress.SingleBar(
      {
        stream: this.#stream,
        format: 'sync [{bar}] {percentage}% | {value}/{total} blocks | height {height} | ETA {eta_formatted}',
        hideCursor: true,
        clearOnComplete: true,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    this.#bar.start(to - from, 0, { height: from });
  }

  /** The chain reached `height`. */
  update(height: number): void {
    this.#bar?.update(height - this.#start, { height });
  }

  /** The download ended (complete or not). */
  end(): void {
    this.#bar?.stop();
    this.#bar = undefined;
  }
}
