// Network page: this node's addresses, its peers with their scores, and the bans in force.
import type { JSX } from 'preact';
import { useEffect } from 'preact/hooks';
import type { BansJson, PeerJson } from '../../../src/api/types.js';
import { useApi } from '../api.js';
import { Hash, Show, Time } from '../ui.js';

/** The network page (refreshes every 5 s). */
export function NetworkPage(): JSX.Element {
  const f = useApi<{ self: string[]; peers: PeerJson[] }>('peers');
  const bans = useApi<BansJson>('peers/bans');
  const reload = f.reload;
  const reloadBans = bans.reload;
  useEffect(() => {
    const t = setInterval(() => {
      reload();
      reloadBans();
    }, 5000);
    return () => clearInterval(t);
  }, [reload, reloadBans]);
  return (
    <>
      <h1>Network</h1>
      <Show f={f} what="peers">
        {(d) => (
          <>
            <h2>This node</h2>
            {d.self.length === 0 ? (
              <p class="muted">Not listening for peers (P2P is off).</p>
            ) : (
              <ul>
                {d.self.map((a) => (
                  <li class="hash">{a}</li>
                ))}
              </ul>
            )}
            <h2 id="peers-title">Peers ({d.peers.length})</h2>
            {d.peers.length === 0 ? (
              <p class="muted" data-testid="no-peers">
                No connected peers.
              </p>
            ) : (
              <div class="table-wrap">
                <table aria-labelledby="peers-title">
                  <thead>
                    <tr>
                      <th scope="col">Peer</th>
                      <th scope="col">Direction</th>
                      <th scope="col">Score</th>
                      <th scope="col">Height</th>
                      <th scope="col">Addresses</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.peers.map((p) => (
                      <tr key={p.id}>
                        <td>
                          <Hash value={p.id} label="peer id" />
                        </td>
                        <td>{p.direction}</td>
                        <td class={p.score < 0 ? 'bad' : undefined}>{p.score}</td>
                        <td>{p.height ?? '—'}</td>
                        <td class="hash">{p.addresses.join(' ')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <p class="muted">Peers scored below the ban threshold are disconnected and banned by the node; they no longer appear here but under Bans.</p>
          </>
        )}
      </Show>
      <h2 id="bans-title">Bans</h2>
      <Show f={bans} what="bans">
        {(d) => <Bans bans={d} />}
      </Show>
    </>
  );
}

/** "in 12 s", "in 29 min", "in 3 h". */
function inTime(seconds: number): string {
  if (seconds < 90) return `in ${seconds} s`;
  if (seconds < 5400) return `in ${Math.round(seconds / 60)} min`;
  return `in ${Math.round(seconds / 3600)} h`;
}

function Expiry({ until, expiresIn }: { until: string; expiresIn: number }): JSX.Element {
  return (
    <>
      <Time s={Date.parse(until) / 1000} /> ({inTime(expiresIn)})
    </>
  );
}

// Banned peer ids, then the addresses and subnets banned with them (text only: reasons come from peers' data).
function Bans({ bans }: { bans: BansJson }): JSX.Element {
  if (bans.peers.length === 0 && bans.addresses.length === 0) {
    return (
      <p class="muted" data-testid="no-bans">
        No bans.
      </p>
    );
  }
  return (
    <>
      {bans.peers.length > 0 && (
        <>
          <p class="muted">{count(bans.peers.length, 'peer id', 'peer ids')} banned, refused until the ban ends (an operator's connect lifts it):</p>
          <div class="table-wrap">
            <table aria-label="Banned peers" data-testid="banned-peers">
              <thead>
                <tr>
                  <th scope="col">Banned peer</th>
                  <th scope="col">Code</th>
                  <th scope="col">Points</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {bans.peers.map((b) => (
                  <tr key={b.id}>
                    <td>
                      <Hash value={b.id} label="peer id" />
                    </td>
                    <td class="bad">{b.code}</td>
                    <td>{b.points}</td>
                    <td>
                      <Expiry until={b.until} expiresIn={b.expiresIn} />
                    </td>
                    <td>{b.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {bans.addresses.length > 0 && (
        <>
          <p class="muted">
            {count(bans.addresses.length, 'address or subnet', 'addresses or subnets')} banned with a peer (a fresh peer id from there is refused too):
          </p>
          <div class="table-wrap">
            <table aria-label="Banned addresses and subnets" data-testid="banned-addresses">
              <thead>
                <tr>
                  <th scope="col">Banned address</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Code</th>
                  <th scope="col">Caused by</th>
                  <th scope="col">Expires</th>
                </tr>
              </thead>
              <tbody>
                {bans.addresses.map((b) => (
                  <tr key={b.address}>
                    <td class="hash">{b.address}</td>
                    <td>{b.kind}</td>
                    <td class="bad">{b.code}</td>
                    <td>{b.peer === null ? '—' : <Hash value={b.peer} label="peer id" />}</td>
                    <td>
                      <Expiry until={b.until} expiresIn={b.expiresIn} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </>
  );
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
