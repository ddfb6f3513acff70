import { open, stat } from 'node:fs/promises';

/** A log file to follow and the label its lines get. */
export interface FollowedLog {
  label: string;
  path: string;
}

/**
 * `tail -f` for several files: from their current ends, print each complete new line as `<label> | <line>`,
 * polling every 250 ms, until SIGINT/SIGTERM. A file that shrinks (truncated, recreated) is read from its start.
 */
export async function followLogs(logs: readonly FollowedLog[]): Promise<void> {
  const state = await Promise.all(logs.map(async (l) => ({ ...l, offset: (await stat(l.path).catch(() => undefined))?.size ?? 0, partial: '' })));
  let stopped = false;
  const stop = (): void => {
    stopped = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    while (!stopped) {
      for (const s of state) {
        const size = (await stat(s.path).catch(() => undefined))?.size;
        if (size === undefined) continue;
        if (size < s.offset) s.offset = 0;
        if (size === s.offset) continue;
        const fh = await open(s.path, 'r');
        try {
          const buf = Buffer.alloc(size - s.offset);
          const { bytesRead } = await fh.read(buf, 0, buf.length, s.offset);
          s.offset += bytesRead;
          const text = s.partial + buf.subarray(0, bytesRead).toString('utf8');
          const parts = text.split('\n');
          s.partial = parts.pop() ?? '';
          for (const line of parts) process.stdout.write(`${s.label} | ${line}\n`);
        } finally {
          await fh.close();
        }
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
