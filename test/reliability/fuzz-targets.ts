// Fuzz targets: every decoder of wire and proof data, the gossip validators, and the divergence check between the
// mempool, block and sync paths. A target's run never throws: it reports a crash (anything thrown that is not a
// ChainNodeError with a stable code, or a validator that throws at all) and a divergence as data.
import { TopicValidatorResult } from '@libp2p/gossipsub';
import type fc from 'fast-check';
import pino from 'pino';
import { verifyRecordProof } from '../../src/consensus/record-proof.js';
import { Mempool } from '../../src/mempool/mempool.js';
import { P2pErrorCode, p2pError } from '../../src/wire/errors.js';
import { decodeGetBlockTxn, decodeTxsReply, Relay } from '../../src/p2p/relay.js';
import { decodeEnvelope } from '../../src/wire/rpc.js';
import { Block } from '../../src/primitives/block.js';
import type { CborValue } from '../../src/primitives/cbor.js';
import { decodeMeta } from '../../src/primitives/meta.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { decodeBlocks, decodeGetBlocks, decodeGetHeaders, decodeHeaders, decodeStatus, MAX_HEADERS } from '../../src/sync/messages.js';
import { CHAIN_ID, openChain, tempDir } from '../utils/chain.js';
import { agree, compactVerdict, LIMITS, pathVerdicts, pathVerdictsBatch, verdictOf, type PathVerdicts } from './depth-targets.js';
import { decoderInputs, proofInputs, SEEDS, txInputs } from './fuzz-inputs.js';

/** What one input did. */
export interface FuzzOutcome {
  /** Set when something other than a stable-code error escaped. */
  crash?: string;
  /** Set when paths that must agree did not. */
  divergent?: string;
}

/** A synchronous fuzz target. */
export interface FuzzTarget {
  name: string;
  inputs: fc.Arbitrary<unknown>;
  run(input: unknown): FuzzOutcome;
  /** The same for many inputs at once, where that is cheaper. */
  runBatch?(inputs: unknown[]): FuzzOutcome[];
}

function crashIn(verdicts: Record<string, string>): FuzzOutcome {
  for (const [path, v] of Object.entries(verdicts)) if (v.startsWith('CRASH')) return { crash: `${path}: ${v}` };
  return {};
}

// A network message: the envelope, then every decoder a request or response of that protocol goes through.
function messageVerdicts(bytes: Uint8Array): Record<string, string> {
  let env: CborValue;
  const envelope = verdictOf(() => (env = decodeEnvelope(bytes, 'message')));
  if (envelope !== 'ok') return { envelope };
  const v = env!;
  return {
    status: verdictOf(() => decodeStatus(v)),
    getheaders: verdictOf(() => decodeGetHeaders(v)),
    headers: verdictOf(() => decodeHeaders(v, MAX_HEADERS)),
    getblocks: verdictOf(() => decodeGetBlocks(v)),
    blocks: verdictOf(() => {
      for (const b of decodeBlocks(v, 128)) if (b !== null) Block.decode(b, LIMITS);
    }),
    getblocktxn: verdictOf(() => decodeGetBlockTxn(v, 1000)),
    blocktxn: verdictOf(() => decodeTxsReply(v, 2, LIMITS.maxTxBytes)),
  };
}

function txOutcome(v: PathVerdicts): FuzzOutcome {
  const c = crashIn({ ...v });
  if (c.crash !== undefined) return c;
  return agree(v) ? {} : { divergent: JSON.stringify(v) };
}

/** The synchronous targets: transaction (with the divergence check), block, meta, network messages, record proofs. */
export const TARGETS: readonly FuzzTarget[] = [
  {
    name: 'tx',
    inputs: txInputs,
    run: (input) => txOutcome(pathVerdicts(input as Uint8Array)),
    runBatch: (inputs) => pathVerdictsBatch(inputs as Uint8Array[]).map(txOutcome),
  },
  { name: 'block', inputs: decoderInputs(SEEDS.block), run: (input) => crashIn({ block: verdictOf(() => Block.decode(input as Uint8Array, LIMITS)) }) },
  { name: 'meta', inputs: decoderInputs(SEEDS.meta), run: (input) => crashIn({ meta: verdictOf(() => decodeMeta(input as Uint8Array)) }) },
  { name: 'gossip-block-message', inputs: decoderInputs(SEEDS.compact), run: (input) => crashIn({ compact: compactVerdict(input as Uint8Array) }) },
  { name: 'sync-message', inputs: decoderInputs(SEEDS.message), run: (input) => crashIn(messageVerdicts(input as Uint8Array)) },
  {
    name: 'record-proof',
    inputs: proofInputs,
    run: (input) => {
      try {
        const r = verifyRecordProof(input);
        return r.valid || /^PROOF_[A-Z_]+$/.test(r.code) ? {} : { crash: `unstable code ${r.code}` };
      } catch (err) {
        return { crash: `verifyRecordProof threw ${(err as Error)?.name}: ${(err as Error)?.message}` };
      }
    },
  },
];

/** An asynchronous target (the gossip validators, on a real chain and mempool). */
export interface AsyncFuzzTarget {
  name: string;
  inputs: fc.Arbitrary<unknown>;
  run(input: unknown): Promise<FuzzOutcome>;
}

/**
 * The tx and block topic validators of a real Relay over a real LevelDB chain and mempool (the network side,
 * getblocktxn and block requests, answers nothing). Besides crashes, checks that a transaction any decoder
 * refuses is rejected (its sender penalised), and that what the validator accepts decodes.
 */
export async function validatorTargets(): Promise<{ targets: AsyncFuzzTarget[]; close: () => Promise<void> }> {
  const dir = await tempDir('fuzz-validators-');
  const { chain, store } = await openChain(dir.path);
  const mempool = new Mempool({}, { chainId: CHAIN_ID, nextNonce: (a) => store.getNextNonce(a) });
  const relay = new Relay({
    chain,
    mempool,
    logger: pino({ level: 'silent' }),
    penalise: () => undefined,
    requestTxs: async () => {
      throw p2pError(P2pErrorCode.timeout, 'no reply');
    },
    requestBlock: async () => null,
    blockAnnounced: () => undefined,
    onBlock: () => undefined,
  });
  const guard = async (what: string, fn: () => Promise<TopicValidatorResult>): Promise<{ r?: TopicValidatorResult; crash?: string }> => {
    try {
      return { r: await fn() };
    } catch (err) {
      return { crash: `${what} threw ${(err as Error)?.name}: ${(err as Error)?.message}` };
    }
  };
  const targets: AsyncFuzzTarget[] = [
    {
      name: 'gossip-tx-validator',
      inputs: txInputs,
      run: async (input) => {
        const bytes = input as Uint8Array;
        const { r, crash } = await guard('validateTx', () => relay.validateTx('fuzzer', bytes));
        if (crash !== undefined) return { crash };
        const decoded = verdictOf(() => Transaction.decode(bytes, { maxBytes: LIMITS.maxTxBytes }));
        if (decoded !== 'ok' && r !== TopicValidatorResult.Reject) return { divergent: `decoder says ${decoded}, tx validator says ${r}` };
        return {};
      },
    },
    {
      name: 'gossip-block-validator',
      inputs: decoderInputs(SEEDS.compact),
      run: async (input) => {
        const bytes = input as Uint8Array;
        const { r, crash } = await guard('validateBlock', () => relay.validateBlock('fuzzer', bytes));
        if (crash !== undefined) return { crash };
        const decoded = compactVerdict(bytes);
        if (decoded !== 'ok' && r !== TopicValidatorResult.Reject) return { divergent: `decoder says ${decoded}, block validator says ${r}` };
        return {};
      },
    },
  ];
  return {
    targets,
    close: async () => {
      await chain.idle();
      await store.close();
      await dir.cleanup();
    },
  };
}
