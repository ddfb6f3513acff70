import { createInterface } from 'node:readline/promises';
import { readFile } from 'node:fs/promises';
import { ChainNodeError } from '../errors.js';

/** The terminal streams a prompt talks to. */
export interface PromptIo {
  input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  output: NodeJS.WritableStream;
}

/** Ask for a secret on a terminal without echoing it (raw mode); Ctrl-C cancels with `CANCELLED`. */
export function promptHidden(question: string, io: PromptIo): Promise<string> {
  const { input, output } = io;
  if (input.isTTY !== true || input.setRawMode === undefined) {
    return Promise.reject(new ChainNodeError('KEY_PASSPHRASE_REQUIRED', 'no terminal to ask for a passphrase'));
  }
  output.write(question);
  input.setRawMode(true);
  input.resume();
  return new Promise((resolve, reject) => {
    let buf = '';
    const finish = (err?: Error): void => {
      input.off('data', onData);
      input.setRawMode?.(false);
      input.pause();
      output.write('\n');
      if (err === undefined) resolve(buf);
      else reject(err);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003') return finish(new ChainNodeError('CANCELLED', 'cancelled'));
        if (ch === '\u007f' || ch === '\b') buf = buf.slice(0, -1);
        else if (ch >= ' ') buf += ch;
      }
    };
    input.on('data', onData);
  });
}

/** Ask a yes/no question; true only for y/yes. */
export async function confirm(question: string, io: PromptIo): Promise<boolean> {
  const rl = createInterface({ input: io.input, output: io.output, terminal: io.input.isTTY === true });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** Where a passphrase may come from, in order of precedence. */
export interface PassphraseSources {
  /** `--passphrase-file`: the first line of the file. */
  file?: string;
  /** `CHAIN_NODE_PASSPHRASE`. */
  env?: string;
  /** The terminal, when interactive. */
  io?: PromptIo;
}

/**
 * Get a passphrase from `--passphrase-file`, else `CHAIN_NODE_PASSPHRASE`, else an interactive prompt without
 * echo (asked twice when `confirmTwice`). Throws `KEY_PASSPHRASE_REQUIRED` when none is available,
 * `KEY_PASSPHRASE_MISMATCH` when the two entries differ, `KEY_PASSPHRASE_EMPTY` for an empty one.
 */
export async function getPassphrase(sources: PassphraseSources, options: { prompt: string; confirmTwice?: boolean }): Promise<string> {
  let pass: string | undefined;
  if (sources.file !== undefined) {
    let text: string;
    try {
      text = await readFile(sources.file, 'utf8');
    } catch (err) {
      throw new ChainNodeError('KEY_PASSPHRASE_FILE', `cannot read passphrase file ${sources.file}: ${(err as Error).message}`);
    }
    pass = text.split(/\r?\n/)[0] ?? '';
  } else if (sources.env !== undefined) {
    pass = sources.env;
  } else if (sources.io !== undefined && sources.io.input.isTTY === true) {
    pass = await promptHidden(options.prompt, sources.io);
    if (options.confirmTwice === true) {
      const again = await promptHidden('Repeat the passphrase: ', sources.io);
      if (again !== pass) throw new ChainNodeError('KEY_PASSPHRASE_MISMATCH', 'the passphrases do not match');
    }
  } else {
    throw new ChainNodeError('KEY_PASSPHRASE_REQUIRED', 'a passphrase is needed: use a terminal, set CHAIN_NODE_PASSPHRASE, or pass --passphrase-file <file>');
  }
  if (pass.length === 0) throw new ChainNodeError('KEY_PASSPHRASE_EMPTY', 'the passphrase must not be empty');
  return pass;
}
