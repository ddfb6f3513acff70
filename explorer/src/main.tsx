// The explorer's shell: header with navigation and the search box, the routed page, the live badge.
import { render, type JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useLiveConnected } from './live.js';
import { navigate, useRoute, type Route } from './router.js';
import { ApiPage } from './pages/api-page.js';
import { BlockPage, BlocksPage } from './pages/blocks.js';
import { Dashboard } from './pages/dashboard.js';
import { ActorPage } from './pages/actor.js';
import { IndexPage } from './pages/index-page.js';
import { MempoolPage } from './pages/mempool.js';
import { MiningPage } from './pages/mining.js';
import { NetworkPage } from './pages/network.js';
import { RecordPage } from './pages/record.js';
import { SearchPage } from './pages/search.js';
import { VerifyPage } from './pages/verify.js';

const NAV: Array<[string, string, string]> = [
  ['dashboard', '#/', 'Dashboard'],
  ['blocks', '#/blocks', 'Blocks'],
  ['mempool', '#/mempool', 'Mempool'],
  ['verify', '#/verify', 'Verify document'],
  ['network', '#/network', 'Network'],
  ['mining', '#/mining', 'Mining'],
  ['api', '#/api', 'API'],
];

function Page({ route }: { route: Route }): JSX.Element {
  const [a = '', b] = route.params;
  switch (route.page) {
    case 'dashboard':
      return <Dashboard />;
    case 'blocks':
      return <BlocksPage from={a === '' ? undefined : Number(a)} />;
    case 'block':
      return <BlockPage id={a} />;
    case 'record':
      return <RecordPage txid={a} />;
    case 'actor':
      return <ActorPage actor={a} />;
    case 'subject':
      return <IndexPage what="subject" name={a} />;
    case 'kind':
      return <IndexPage what="kind" name={a} />;
    case 'search':
      return <SearchPage q={a} />;
    case 'verify':
      return <VerifyPage hash={a === '' ? undefined : a} />;
    case 'mempool':
      return <MempoolPage />;
    case 'network':
      return <NetworkPage />;
    case 'mining':
      return <MiningPage />;
    case 'api':
      return <ApiPage />;
    default:
      return (
        <>
          <h1>Page not found</h1>
          <p role="alert">
            There is no explorer page “{route.page}”{b === undefined ? '' : ''}. <a href="#/">Go to the dashboard</a>.
          </p>
        </>
      );
  }
}

function Search(): JSX.Element {
  const [q, setQ] = useState('');
  const submit = (e: Event): void => {
    e.preventDefault();
    const v = q.trim();
    if (v !== '') navigate(`#/search/${encodeURIComponent(v)}`);
  };
  return (
    <form class="search" role="search" onSubmit={submit}>
      <label for="search" class="sr-only">
        Search
      </label>
      <input
        id="search"
        type="search"
        value={q}
        onInput={(e) => setQ((e.target as HTMLInputElement).value)}
        placeholder="Height, block hash, txid, actor key, subject, kind, document hash"
        autocomplete="off"
        spellcheck={false}
      />
      <button type="submit">Search</button>
    </form>
  );
}

function App(): JSX.Element {
  const route = useRoute();
  const live = useLiveConnected();
  const mainRef = useRef<HTMLElement>(null);
  const section = route.page === 'block' || route.page === 'search' ? '' : route.page;
  useEffect(() => {
    document.title = `${route.page === 'dashboard' ? 'Dashboard' : route.page[0]!.toUpperCase() + route.page.slice(1)} · chain-node explorer`;
  }, [route]);
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), mainRef.current?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="#/">
          chain-node explorer
        </a>
        <nav class="main" aria-label="Main">
          <ul>
            {NAV.map(([page, href, label]) => (
              <li key={page}>
                <a href={href} aria-current={section === page ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <Search />
        <span class={live ? 'live on' : 'live'} role="status" aria-live="polite">
          {live ? 'live' : 'connecting…'}
        </span>
      </header>
      <main id="main" ref={mainRef} tabIndex={-1}>
        <Page route={route} key={`${route.page}/${route.params.join('/')}`} />
      </main>
      <footer>
        Served by this node · data from its <a href="#/api">HTTP API</a>
      </footer>
    </>
  );
}

const root = document.getElementById('app')!;
// The boot message is static markup, not Preact's: clear it so render starts from an empty container.
root.textContent = '';
render(<App />, root);
