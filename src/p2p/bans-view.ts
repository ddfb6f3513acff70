import type { AddressBan, PeerBan, PeerBans } from './peer-view.js';
import type { AddressBans } from './address-bans.js';
import { banCode, type PenaltyBook } from './penalties.js';

/** The bans in force as the API shows them (GET /peers/bans), latest expiry first. */
export function bansJson(penalties: PenaltyBook, addressBans: AddressBans, now: number): PeerBans {
  const expiry = (until: number): { until: string; expiresIn: number } => ({
    until: new Date(until).toISOString(),
    expiresIn: Math.max(0, Math.ceil((until - now) / 1000)),
  });
  const latestFirst = (a: { until: number }, b: { until: number }): number => b.until - a.until;
  const peers = penalties
    .bans()
    .sort(latestFirst)
    .map((b): PeerBan => ({ id: b.peer, code: banCode(b), reason: b.reason, points: penalties.points(b.peer), ...expiry(b.until) }));
  const addresses = addressBans
    .list()
    .sort(latestFirst)
    .map((b): AddressBan => ({ address: b.key, kind: b.kind, peer: b.peer ?? null, code: banCode(b), reason: b.reason, ...expiry(b.until) }));
  return { peers, addresses };
}
