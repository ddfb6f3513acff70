import { createWriteStream } from 'node:fs';
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

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
export const PRETTY_OPTIONS = (colorize: boolean): pretty.PrettyOptions => ({
  colorize,
  singleLine: true,
  translateTime: 'SYS:HH:MM:ss.l',
  ignore: 'pid,hostname,module',
  messageFormat: '{if module}{module}: {end}{msg}',
});

/** Build the root logger: pretty on a terminal, JSON lines otherwise, optionally teed to a file. */
export function createLogger(options: LoggerOptions): Logger {
  const usePretty = options.pretty === 'always' || (options.pretty !== 'never' && options.isTTY === true);
  const streams: pino.StreamEntry[] = [
    { level: options.level as pino.Level, stream: usePretty ? pretty(PRETTY_OPTIONS(options.isTTY === true)) : process.stdout },
  ];
  if (options.file) streams.push({ level: options.level as pino.Level, stream: createWriteStream(options.file, { flags: 'a' }) });
  return pino({ level: options.level, base: undefined }, pino.multistream(streams));
}
