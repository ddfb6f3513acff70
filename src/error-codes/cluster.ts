import type { CodeTable } from './table.js';

/** Stable error codes raised by src/cluster/: HTTP status and meaning of each. */
export const ClusterCodes = {
  CLUSTER_BAD_SIZE: { status: 400, doc: 'Cluster size must be 1..64.' },
  CLUSTER_NOT_RUNNING: { status: 400, doc: 'No cluster state in the directory (start one with: chain-node cluster up -n 4).' },
  CLUSTER_RUNNING: { status: 400, doc: 'A cluster is already running in the directory (chain-node cluster down first).' },
  CLUSTER_SPAWN_FAILED: { status: 400, doc: 'A cluster node could not be started.' },
} as const satisfies CodeTable;
