import { useEffect, useState } from 'react';
import { authMode, apiKey, KEY_CHANGED, serverSetting, setApiKey } from './auth';
import { href, matchPath, useLocation } from './router';
import { ROUTES } from './routes';
import { KeyPrompt } from './ui/key-prompt';

/** The shell: a skip link, the navigation, and the page the fragment names. */
export function App() {
  const location = useLocation();
  const [key, setKey] = useState(apiKey);
  useEffect(() => {
    const update = () => setKey(apiKey());
    window.addEventListener(KEY_CHANGED, update);
    return () => window.removeEventListener(KEY_CHANGED, update);
  }, []);
  const needsKey = authMode() === 'keys' && !key;

  let content = null;
  for (const route of ROUTES) {
    const params = matchPath(route.pattern, location.path);
    if (params) {
      const PageComponent = route.page;
      // A new fragment is a new view: the page starts afresh (its own paging, its own edits).
      content = <PageComponent key={window.location.hash} params={params} query={location.query} />;
      break;
    }
  }
  if (!content) {
    const Home = ROUTES[0].page;
    content = <Home params={{}} query={new URLSearchParams()} />;
  }
  const active = ROUTES.find((route) => route.nav && location.path.startsWith(route.pattern));

  return (
    <div className="shell">
      <a className="skip-link" href="#main" onClick={skipToMain}>
        Skip to content
      </a>
      <header className="top-bar">
        <a className="brand" href={href(ROUTES[0].pattern)}>
          Segment studio
        </a>
        <nav aria-label="Pages">
          <ul>
            {ROUTES.filter((route) => route.nav).map((route) => (
              <li key={route.pattern}>
                <a href={href(route.pattern)} aria-current={route === active ? 'page' : undefined}>
                  {route.nav}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="top-links">
          {serverSetting('playground') === 'on' && <a href="/playground/">Playground</a>}
          {authMode() === 'keys' && key && (
            <button type="button" className="link-button" onClick={() => setApiKey(null)}>
              Forget the key
            </button>
          )}
        </div>
      </header>
      <main id="main">{needsKey ? <KeyPrompt /> : content}</main>
    </div>
  );
}

/** The skip link must not change the fragment (the route): it moves focus instead. */
function skipToMain(event: React.MouseEvent) {
  event.preventDefault();
  document.querySelector<HTMLElement>('main h1')?.focus();
}
