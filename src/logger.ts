import { createWriteStream } from 'node:fs';
import pino, { type Logger } from 'pino';
import type { PrettyOptions } from 'pino-pretty';

/** Logging options. */
export interface LoggerOptions {
  level: string;
  /** Also append JSON lines to this file ('' = none). */
  file?: string;
  /** auto: human-readable on a terminal, JSON otherwise. */
  pretty?: 'auto' | 'always' | 'never' | string;
  /** Whether stdout is a terminal (the bin layer passes process.stdout.isTTY). */
  isTTY?: boolean;
}

/**
 * Terminal format: one line per event, `[12:00:01.234] INFO: miner: mined block {"height":2,...}` (pino-pretty's
 * default puts every field on its own line: ~5 lines per mined block).
 */
export const PRETTY_OPTIONS = (colorize: boolean): PrettyOptions => ({
  colorize,
  singleLine: true,
  translateTime: 'SYS:HH:MM:ss.l',
  ignore: 'pid,hostname,module',
  messageFormat: '{if module}{module}: {end}{msg}',
});

/**
 * Build the root logger: pretty on a terminal, JSON lines otherwise, optionally teed to a file. pino-pretty is
 * loaded only for the pretty format (a node under a supervisor or a test suite, logging JSON, starts without it).
 */
export async function createLogger(options: LoggerOptions): Promise<Logger> {
  const usePretty = options.pretty === 'always' || (options.pretty !== 'never' && options.isTTY === true);
  const pretty = usePretty ? (await import('pino-pretty')).default : undefined;
  const streams: pino.StreamEntry[] = [
    { level: options.level as pino.Level, stream: pretty === undefined ? process.stdout : pretty(PRETTY_OPTIONS(options.isTTY === true)) },
  ];
  if (options.file) streams.push({ level: options.level as pino.Level, stream: createWriteStream(options.file, { flags: 'a' }) });
  return pino({ level: options.level, base: undefined }, pino.multistream(streams));
}
