// API page: the node's OpenAPI document, rendered as a list of operations.
import type { JSX } from 'preact';
import { useApi } from '../api.js';
import { Show } from '../ui.js';

interface Operation {
  summary?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: { type?: string } }>;
  requestBody?: unknown;
}
interface OpenApi {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** The API page. */
export function ApiPage(): JSX.Element {
  const f = useApi<OpenApi>('openapi.json');
  return (
    <>
      <h1>HTTP API</h1>
      <Show f={f} what="the OpenAPI document">
        {(d) => (
          <>
            <p>
              {d.info.title} {d.info.version} (OpenAPI {d.openapi}). {d.info.description} The raw document: <a href="openapi.json">openapi.json</a>.
            </p>
            <div class="table-wrap">
              <table aria-label="Operations" data-testid="api-ops">
                <thead>
                  <tr>
                    <th scope="col">Method</th>
                    <th scope="col">Path</th>
                    <th scope="col">Summary</th>
                    <th scope="col">Parameters</th>
                  </tr>
                </thead>
                <tbody>
                  {Object.entries(d.paths).flatMap(([path, ops]) =>
                    METHODS.filter((m) => ops[m] !== undefined).map((m) => {
                      const op = ops[m]!;
                      return (
                        <tr key={`${m} ${path}`}>
                          <td class="hash">{m.toUpperCase()}</td>
                          <td class="hash">{path}</td>
                          <td>
                            {op.summary ?? ''}
                            {op.security !== undefined && <span class="warn"> (admin token)</span>}
                          </td>
                          <td>
                            {(op.parameters ?? []).map((p) => `${p.name} (${p.in}${p.required === true ? ', required' : ''})`).join(', ')}
                            {op.requestBody !== undefined && ' JSON body'}
                          </td>
                        </tr>
                      );
                    }),
                  )}
                </tbody>
              </table>
            </div>
          </>
        )}
      </Show>
    </>
  );
}
