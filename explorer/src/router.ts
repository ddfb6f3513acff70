// Hash routing: `#/block/12`. The API owns the whole path space of the node, so explorer pages live in the
// fragment; deep links survive a reload and can never shadow an API route.
import { useEffect, useState } from 'preact/hooks';

/** A parsed route: page name and its decoded parameters. */
export interface Route {
  page: string;
  params: string[];
}

/** Parse `location.hash`. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#\/?/, '');
  if (path === '') return { page: 'dashboard', params: [] };
  const [page, ...rest] = path.split('/');
  let params: string[];
  try {
    params = rest.map((p) => decodeURIComponent(p));
  } catch {
    params = rest;
  }
  return { page: page!, params };
}

/** The current route, updated on navigation. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = (): void => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** Go to an explorer link (`#/...`). */
export function navigate(href: string): void {
  location.hash = href.replace(/^#/, '');
}
