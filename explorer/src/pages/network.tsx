// Network page: this node's addresses and its peers with their scores.
import type { JSX } from 'preact';
import { useEffect } from 'preact/hooks';
import type { PeerJson } from '../../../src/api/types.js';
import { useApi } from '../api.js';
import { Hash, Show } from '../ui.js';

/** The network page (refreshes every 5 s). */
export function NetworkPage(): JSX.Element {
  const f = useApi<{ self: string[]; peers: PeerJson[] }>('peers');
  const reload = f.reload;
  useEffect(() => {
    const t = setInterval(reload, 5000);
    return () => clearInterval(t);
  }, [reload]);
  return (
    <>
      <h1>Network</h1>
      <Show f={f} what="peers">
        {(d) => (
          <>
            <h2>This node</h2>
            {d.self.length === 0 ? <p class="muted">Not listening for peers (P2P is off).</p> : <ul>{d.self.map((a) => <li class="hash">{a}</li>)}</ul>}
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
            <p class="muted">Peers scored below the ban threshold are disconnected and banned by the node; they no longer appear here.</p>
          </>
        )}
      </Show>
    </>
  );
}
