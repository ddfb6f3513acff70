import createClient, { type Client } from 'openapi-fetch';
import { ApiRequestError, parseApiUrl } from '../client/api-client.js';
import type { paths } from './api-types.js';

/** Options of {@link createChainClient}. */
export interface ChainClientOptions {
  /** Base URL of the node's API, e.g. `http://127.0.0.1:17332`. */
  url: string;
  /** Bearer token (the admin cookie, or an API token), sent with every request when set. */
  token?: string;
  /** A `fetch` to use instead of the global one (a proxy agent, a test double of the network, ...). */
  fetch?: typeof globalThis.fetch;
}

/**
 * The typed HTTP client: every route and shape of the node's OpenAPI document (src/sdk/api-types.ts, generated
 * with `npm run gen:api-types`), through openapi-fetch. Calls answer `{ data, error, response }`; `error` is the
 * API's `{error: {code, message}}` body. Use {@link unwrap} to get `data` or a thrown `ApiRequestError`.
 */
export type ChainClient = Client<paths>;

/** A typed client of the node at `options.url` (see {@link ChainClient}). */
export function createChainClient(options: ChainClientOptions): ChainClient {
  const { base } = parseApiUrl(options.url);
  const client = createClient<paths>({ baseUrl: base, ...(options.fetch === undefined ? {} : { fetch: options.fetch }) });
  const token = options.token;
  if (token !== undefined) {
    client.use({
      onRequest({ request }) {
        request.headers.set('authorization', `Bearer ${token}`);
        return request;
      },
    });
  }
  return client;
}

/** What an openapi-fetch call resolves to. */
export interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * The `data` of a typed call, or an `ApiRequestError` carrying the API's stable code and the HTTP status
 * (`HTTP_<status>` when the body is not the API's error JSON).
 */
export function unwrap<T>(result: FetchResult<T>): T {
  if (result.error === undefined && result.response.ok) return result.data as T;
  const body = result.error as { error?: { code?: unknown; message?: unknown } } | undefined;
  const code = typeof body?.error?.code === 'string' ? body.error.code : `HTTP_${result.response.status}`;
  const message = typeof body?.error?.message === 'string' ? body.error.message : `HTTP ${result.response.status} from ${result.response.url}`;
  throw new ApiRequestError(code, message, result.response.status);
}
