// The network's own view of its peers and bans; the API serves these shapes as they are.

/** A connected peer (GET /peers). */
export interface PeerSummary {
  id: string;
  addresses: string[];
  score: number;
  direction: 'inbound' | 'outbound';
  height?: number;
}

/** A peer banned by id (GET /peers/bans). */
export interface PeerBan {
  id: string;
  /** Stable code of the offence that banned it (e.g. `BLOCK_BAD_POW`), `P2P_GRAYLISTED`, `P2P_OPERATOR_BLOCK` or `OTHER`. */
  code: string;
  reason: string;
  /** Its penalty points now (they decay; an operator block may have none). */
  points: number;
  /** When the ban ends (ISO 8601, UTC). */
  until: string;
  /** Seconds until it ends. */
  expiresIn: number;
}

/** An address or subnet banned with a peer (GET /peers/bans). */
export interface AddressBan {
  /** `1.2.3.4`, `2001:db8::/64` (IPv6 bans cover the /64) or `1.2.3.0/24`. */
  address: string;
  /** `subnet`: an IPv4 /24 banned after several of its addresses were. */
  kind: 'address' | 'subnet';
  /** The banned peer that caused it (for a subnet, the one whose ban completed it); null when unknown. */
  peer: string | null;
  /** Code of the peer's offence; `P2P_SUBNET_BANNED` for a subnet. */
  code: string;
  reason: string;
  until: string;
  expiresIn: number;
}

/** GET /peers/bans: bans in force, latest expiry first. */
export interface PeerBans {
  peers: PeerBan[];
  addresses: AddressBan[];
}

/** Peer management the network offers the node (the API's peer control is built on it). */
export interface PeerControls {
  list(): PeerSummary[];
  addresses(): string[];
  bans(): PeerBans;
  connect(addr: string): Promise<void>;
  disconnect(id: string): Promise<void>;
}
