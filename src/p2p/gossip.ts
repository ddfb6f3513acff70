import { createHash } from 'node:crypto';
import type { GossipsubOpts, Message } from '@libp2p/gossipsub';
import type { PeerScoreParams, PeerScoreThresholds, TopicScoreParams } from '@libp2p/gossipsub/score';
import type { NetworkParams } from '../consensus/networks.js';

/** Gossip topic names of a network (SPEC 9). */
export interface Topics {
  tx: string;
  block: string;
  /** Witness cosignatures of header log checkpoints (SPEC 12): C2SP signed notes. */
  checkpoint: string;
}

/** `/chain-node/<network>/tx/1`, `/chain-node/<network>/block/1` and `/chain-node/<network>/checkpoint/1`. */
export function topicsFor(params: NetworkParams): Topics {
  return { tx: `${params.protocolPrefix}/tx/1`, block: `${params.protocolPrefix}/block/1`, checkpoint: `${params.protocolPrefix}/checkpoint/1` };
}

/** Message id = SHA-256 of the message data (content addressing: the same tx or block is one message). */
export function messageId(msg: Message): Uint8Array {
  return createHash('sha256').update(msg.data).digest();
}

/** Score thresholds: below `graylistThreshold` a peer's messages are ignored and the node disconnects it. */
export const SCORE_THRESHOLDS: PeerScoreThresholds = {
  gossipThreshold: -10,
  publishThreshold: -50,
  graylistThreshold: -80,
  acceptPXThreshold: 10,
  opportunisticGraftThreshold: 5,
};

// Honest peers are never penalised for silence (blocks are minutes apart on real networks, so mesh delivery
// deficits are disabled), for duplicates or for unknown parents (those are Ignore, not Reject). Only invalid
// messages (Reject) cost score, and they cost a lot: one invalid block, or two invalid transactions, graylist.
function topicParams(topicWeight: number, invalidWeight: number): TopicScoreParams {
  return {
    topicWeight,
    timeInMeshWeight: 0.01,
    timeInMeshQuantum: 1_000,
    timeInMeshCap: 300,
    firstMessageDeliveriesWeight: 1,
    firstMessageDeliveriesDecay: 0.99,
    firstMessageDeliveriesCap: 20,
    meshMessageDeliveriesWeight: 0,
    meshMessageDeliveriesDecay: 0.5,
    meshMessageDeliveriesCap: 100,
    meshMessageDeliveriesThreshold: 1,
    meshMessageDeliveriesWindow: 10,
    meshMessageDeliveriesActivation: 60_000,
    meshFailurePenaltyWeight: 0,
    meshFailurePenaltyDecay: 0.5,
    invalidMessageDeliveriesWeight: invalidWeight,
    // Per second: an invalid message's weight halves in about four minutes.
    invalidMessageDeliveriesDecay: 0.997,
  };
}

/** Peer score parameters for both topics; `appScore` adds the application-level penalties (negative). */
export function scoreParams(topics: Topics, appScore: (peer: string) => number): Partial<PeerScoreParams> {
  return {
    topics: { [topics.block]: topicParams(1, -100), [topics.tx]: topicParams(0.5, -50), [topics.checkpoint]: topicParams(0.5, -100) },
    topicScoreCap: 10,
    appSpecificScore: appScore,
    appSpecificWeight: 1,
    // Local clusters run many nodes behind one address (loopback, Docker host networking).
    IPColocationFactorWeight: 0,
    decayInterval: 1_000,
    decayToZero: 0.01,
    retainScore: 10 * 60_000,
  };
}

/**
 * Most bytes of gossip waiting to be sent to one peer: two of the largest messages. Beyond it the stream to that
 * peer is aborted (a peer that does not read loses its gossip stream rather than costing us memory), so 50 peers
 * hold at most ~412 MiB on devnet (4 MiB blocks), not 50 x 64 MiB as before.
 */
export function maxOutboundBufferBytes(maxMessageBytes: number): number {
  return 2 * maxMessageBytes;
}

/** Gossipsub options: unsigned messages, content-hash ids, size limits and scoring. */
export function gossipOptions(topics: Topics, maxMessageBytes: number, appScore: (peer: string) => number): Partial<GossipsubOpts> {
  return {
    globalSignaturePolicy: 'StrictNoSign',
    msgIdFn: messageId,
    allowPublishToZeroTopicPeers: true,
    ignoreDuplicatePublishError: true,
    emitSelf: false,
    floodPublish: true,
    allowedTopics: [topics.tx, topics.block, topics.checkpoint],
    maxInboundDataLength: maxMessageBytes,
    maxOutboundBufferSize: maxOutboundBufferBytes(maxMessageBytes),
    scoreParams: scoreParams(topics, appScore),
    scoreThresholds: SCORE_THRESHOLDS,
    heartbeatInterval: 700,
  };
}
