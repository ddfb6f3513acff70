// Mining page: backend, hashrate (sampled here, charted), blocks found; start and stop with the admin token.
import type { JSX } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { MiningStatusJson } from '../../../src/api/types.js';
import { apiGet, apiPost, type ApiCallError } from '../api.js';
import { Chart } from '../chart.js';
import { ErrorBox, Fields, Loading, num, rate } from '../ui.js';

const SAMPLE_MS = 2000;
const KEEP = 150;

/** The mining page. */
export function MiningPage(): JSX.Element {
  const [status, setStatus] = useState<MiningStatusJson>();
  const [samples, setSamples] = useState<Array<[number, number]>>([]);
  const [error, setError] = useState<ApiCallError>();
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<ApiCallError>();
  useEffect(() => {
    const poll = (): void => {
      apiGet<MiningStatusJson>('mining').then((s) => {
        setStatus(s);
        setError(undefined);
        setSamples((old) => [...old, [Date.now() / 1000, s.hashrate] as [number, number]].slice(-KEEP));
      }, setError);
    };
    poll();
    const t = setInterval(poll, SAMPLE_MS);
    return () => clearInterval(t);
  }, []);
  const act = (what: 'start' | 'stop'): void => {
    setBusy(true);
    setActionError(undefined);
    apiPost<MiningStatusJson>(`mining/${what}`, {}, token).then(
      (s) => (setStatus(s), setBusy(false)),
      (e: ApiCallError) => (setActionError(e), setBusy(false)),
    );
  };
  const chart = useMemo(
    () => (samples.length < 2 ? undefined : { x: samples.map((s) => s[0]), series: [{ name: 'hashrate (H/s)', y: samples.map((s) => s[1]) }] }),
    [samples],
  );
  return (
    <>
      <h1>Mining</h1>
      {error !== undefined && <ErrorBox error={error} what="mining status" />}
      {status === undefined ? (
        error === undefined && <Loading what="mining status" />
      ) : (
        <Fields
          rows={[
            ['State', <strong data-testid="mining-state">{status.enabled ? 'mining' : 'stopped'}</strong>],
            ['Backend', status.backend ?? '—'],
            ['Threads', String(status.threads)],
            ['Hashrate', rate(status.hashrate)],
            ['Blocks found', num(status.blocksMined)],
          ]}
        />
      )}
      {chart !== undefined && <Chart data={chart} label="Hashrate over time" height={180} />}
      <h2>Control</h2>
      <form class="row" onSubmit={(e) => e.preventDefault()}>
        <label for="admin-token">Admin token</label>
        <input id="admin-token" type="password" autocomplete="off" value={token} onInput={(e) => setToken((e.target as HTMLInputElement).value)} />
        <button type="button" onClick={() => act('start')} disabled={busy}>
          Start mining
        </button>
        <button type="button" onClick={() => act('stop')} disabled={busy}>
          Stop mining
        </button>
      </form>
      <p class="muted">The token is in the node's data directory (api.cookie). It is sent to this node only and not stored.</p>
      {actionError !== undefined && <ErrorBox error={actionError} />}
    </>
  );
}
