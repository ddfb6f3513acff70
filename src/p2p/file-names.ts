// Kept apart from key.ts and peer-book.ts so the node can name these files without loading libp2p.

/** File in the data directory holding the node's libp2p private key (protobuf, mode 0600). */
export const PEER_KEY_FILE = 'p2p-key';

/** File in the data directory listing known peers and their addresses (mode 0600). */
export const PEERS_FILE = 'peers.json';
