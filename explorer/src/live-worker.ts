// Shared worker: one /events stream per browser for every open explorer tab of this node. Browsers allow about
// six HTTP/1.1 connections per origin, so a stream per tab would stall the seventh tab's requests; the node
// also serves one subscriber instead of one per tab. Messages: {kind: 'state', on} and {kind: 'event', data}.
interface Port {
  postMessage(m: unknown): void;
  start(): void;
  onmessage: ((e: { data: unknown }) => void) | null;
}

const scope = self as unknown as { onconnect: ((e: { ports: readonly Port[] }) => void) | null };
const ports = new Set<Port>();
let on = false;

function post(m: unknown): void {
  for (const p of ports) p.postMessage(m);
}

// Relative to this script, which the node serves next to the page: GET /events.
const source = new EventSource('events');
source.onopen = () => {
  on = true;
  post({ kind: 'state', on });
};
source.onerror = () => {
  on = false;
  post({ kind: 'state', on });
};
for (const type of ['block', 'tx', 'reorg', 'final']) source.addEventListener(type, (e) => post({ kind: 'event', data: (e as MessageEvent<string>).data }));

scope.onconnect = (e) => {
  const port = e.ports[0]!;
  ports.add(port);
  // A tab says goodbye when it is closed or navigates away.
  port.onmessage = (m) => {
    if ((m.data as { kind?: string }).kind === 'bye') ports.delete(port);
  };
  port.start();
  port.postMessage({ kind: 'state', on });
};
