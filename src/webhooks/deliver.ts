import type { Agent, RequestOptions } from 'node:http';
import { http as httpModule, https as httpsModule } from '../util/node-http.js';
import type { LookupFunction } from 'node:net';
import type { ResolvedTarget } from './target-guard.js';

/** Outcome of one POST. */
export interface PostResult {
  ok: boolean;
  status?: number;
  error?: string;
}

/** Keep-alive agents for deliveries (one per scheme). */
export function deliveryAgents(maxSockets: number): { http: Agent; https: Agent } {
  return { http: new httpModule.Agent({ keepAlive: true, maxSockets }), https: new httpsModule.Agent({ keepAlive: true, maxSockets }) };
}

/**
 * POST `body` to a checked target, connecting to its checked address only (the lookup is pinned: no second DNS
 * answer is used). Redirects are not followed (a 3xx is a failure); 2xx is success; the whole exchange must end
 * within `timeoutMs`. The response body is read and discarded (at most 64 KiB).
 */
export function postJson(
  target: ResolvedTarget,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  agents: { http: Agent; https: Agent },
): Promise<PostResult> {
  const { url } = target;
  const lookup: LookupFunction = (_host, opts, cb) => {
    if ((opts as { all?: boolean }).all === true)
      (cb as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address: target.address, family: target.family }]);
    else cb(null, target.address, target.family);
  };
  const https = url.protocol === 'https:';
  const opts: RequestOptions = {
    method: 'POST',
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? (https ? 443 : 80) : Number(url.port),
    path: `${url.pathname}${url.search}`,
    headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
    lookup,
    agent: https ? agents.https : agents.http,
  };
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: PostResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = (https ? httpsModule.request : httpModule.request)(opts, (res) => {
      let read = 0;
      res.on('data', (d: Buffer) => {
        read += d.length;
        if (read > 64 * 1024) res.destroy();
      });
      const status = res.statusCode ?? 0;
      const r: PostResult =
        status >= 200 && status < 300
          ? { ok: true, status }
          : { ok: false, status, error: status >= 300 && status < 400 ? 'redirects are not followed' : `HTTP ${status}` };
      res.once('end', () => finish(r));
      res.once('close', () => finish(r));
    });
    const timer = setTimeout(() => {
      req.destroy();
      finish({ ok: false, error: `no answer within ${timeoutMs} ms` });
    }, timeoutMs);
    req.once('error', (err) => finish({ ok: false, error: err.message }));
    req.end(body);
  });
}
