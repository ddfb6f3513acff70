// One server-sent event stream per tab (GET /events), shared by every component that wants live updates.
import { useEffect, useState } from 'preact/hooks';
import type { BlockSummaryJson, EventJson, TxJson } from '../../src/api/types.js';

type Listener = (ev: EventJson) => void;

const listeners = new Set<Listener>();
const stateListeners = new Set<(on: boolean) => void>();
let source: EventSource | undefined;
let connected = false;

function setConnected(on: boolean): void {
  connected = on;
  for (const l of stateListeners) l(on);
}

function open(): void {
  if (source !== undefined) return;
  source = new EventSource('events');
  source.onopen = () => setConnected(true);
  // EventSource reconnects on its own; the badge shows the gap meanwhile.
  source.onerror = () => setConnected(false);
  for (const type of ['block', 'tx', 'reorg'] as const) {
    source.addEventListener(type, (e: MessageEvent<string>) => {
      let ev: EventJson;
      try {
        ev = JSON.parse(e.data) as EventJson;
      } catch {
        return;
      }
      for (const l of listeners) l(ev);
    });
  }
}

/** Call `fn` for every event while the component is mounted. */
export function useLive(fn: Listener): void {
  useEffect(() => {
    open();
    listeners.add(fn);
    return () => void listeners.delete(fn);
  }, [fn]);
}

/** Call `fn` on each new block. */
export function useOnBlock(fn: (b: BlockSummaryJson) => void, deps: unknown[] = []): void {
  const cb = useStable((ev: EventJson) => ev.type === 'block' && fn(ev.block), deps);
  useLive(cb);
}

/** Call `fn` on each new pending transaction. */
export function useOnTx(fn: (tx: TxJson) => void, deps: unknown[] = []): void {
  const cb = useStable((ev: EventJson) => ev.type === 'tx' && fn(ev.tx), deps);
  useLive(cb);
}

function useStable<T>(value: T, deps: unknown[]): T {
  const [v, setV] = useState(() => value);
  useEffect(() => setV(() => value), deps);
  return v;
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
