// One server-sent event stream per tab (GET /events), shared by every component that wants live updates.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { BlockSummaryJson, EventJson, TxJson } from '../../src/api/types.js';

type Listener = (ev: EventJson) => void;

const listeners = new Set<Listener>();
const stateListeners = new Set<(on: boolean) => void>();
let connected = false;

function setConnected(on: boolean): void {
  connected = on;
  for (const l of stateListeners) l(on);
}

function dispatch(data: string): void {
  let ev: EventJson;
  try {
    ev = JSON.parse(data) as EventJson;
  } catch {
    return;
  }
  for (const l of listeners) l(ev);
}

let started = false;

function open(): void {
  if (started) return;
  started = true;
  // One stream per browser through a shared worker where there is one (see live-worker.ts), else per tab.
  if (typeof SharedWorker !== 'undefined') {
    try {
      const worker = new SharedWorker('live-worker.js', { name: 'chain-node-events' });
      worker.port.onmessage = (e: MessageEvent<{ kind: string; on?: boolean; data?: string }>) => {
        if (e.data.kind === 'state') setConnected(e.data.on === true);
        else if (e.data.kind === 'event' && e.data.data !== undefined) dispatch(e.data.data);
      };
      worker.port.start();
      addEventListener('pagehide', () => worker.port.postMessage({ kind: 'bye' }));
      return;
    } catch {
      // Workers refused (a browser setting): stream directly.
    }
  }
  const source = new EventSource('events');
  source.onopen = () => setConnected(true);
  // EventSource reconnects on its own; the badge shows the gap meanwhile.
  source.onerror = () => setConnected(false);
  for (const type of ['block', 'tx', 'reorg', 'final'] as const) source.addEventListener(type, (e: MessageEvent<string>) => dispatch(e.data));
}

/** Call `fn` for every event while the component is mounted. */
export function useLive(fn: Listener): void {
  useEffect(() => {
    open();
    listeners.add(fn);
    return () => void listeners.delete(fn);
  }, [fn]);
}

/** Call `fn` on each new block (the latest `fn` given, without resubscribing). */
export function useOnBlock(fn: (b: BlockSummaryJson) => void): void {
  const ref = useRef(fn);
  ref.current = fn;
  useLive(useCallback((ev: EventJson) => ev.type === 'block' && ref.current(ev.block), []));
}

/** Call `fn` on each new pending transaction (the latest `fn` given). */
export function useOnTx(fn: (tx: TxJson) => void): void {
  const ref = useRef(fn);
  ref.current = fn;
  useLive(useCallback((ev: EventJson) => ev.type === 'tx' && ref.current(ev.tx), []));
}

/** Whether the event stream is connected. */
export function useLiveConnected(): boolean {
  const [on, setOn] = useState(connected);
  useEffect(() => {
    open();
    stateListeners.add(setOn);
    setOn(connected);
    return () => void stateListeners.delete(setOn);
  }, []);
  return on;
}
