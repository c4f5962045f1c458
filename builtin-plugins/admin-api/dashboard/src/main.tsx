/** The dashboard's shell: sign-in, navigation (client-side routes), the live link and toasts. */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { get, hasKey, onSignOut, signIn, signOut, type ProxyInfo } from './api.ts';
import { Icon, Logo } from './icons.tsx';
import { navigate, usePath } from './router.ts';
import { live, useLive } from './live.ts';
import { Button, Toasts, message } from './ui.tsx';
import { BroadcastDialog } from './pages/broadcast.tsx';
import { Overview } from './pages/overview.tsx';
import { Players } from './pages/players.tsx';
import { Servers } from './pages/servers.tsx';
import { Bans } from './pages/bans.tsx';
import { Plugins } from './pages/plugins.tsx';
import { Logs } from './pages/logs.tsx';
import './styles.css';

const PAGES = [
  { path: '/', label: 'Overview', icon: 'overview', view: Overview },
  { path: '/players', label: 'Players', icon: 'players', view: Players },
  { path: '/servers', label: 'Servers', icon: 'servers', view: Servers },
  { path: '/bans', label: 'Bans', icon: 'bans', view: Bans },
  { path: '/plugins', label: 'Plugins', icon: 'plugins', view: Plugins },
  { path: '/logs', label: 'Logs', icon: 'logs', view: Logs },
] as const;

function SignIn({ onDone }: { onDone: () => void }) {
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(key.trim());
      onDone();
    } catch (err) {
      setError((err as { status?: number }).status === 401 ? 'That key was not accepted. Use [web] api_key from infrarust.toml, or the generated key in the file the proxy logged at start.' : message(err));
      setBusy(false);
    }
  };
  return (
    <main class="signin">
      <form class="signin-card" onSubmit={submit}>
        <div class="brand brand-lg">
          <Logo size={40} />
          <span>Infrarust</span>
        </div>
        <h1>Sign in to the dashboard</h1>
        <p class="sub">Enter the admin API key. It is kept in this browser tab only and sent as a bearer header.</p>
        <label class="field">
          <span class="field-label">API key</span>
          <input name="api-key" type="password" autocomplete="current-password" required value={key} onInput={(e) => setKey(e.currentTarget.value)} autofocus />
        </label>
        {error !== undefined ? <p class="form-error" role="alert">{error}</p> : null}
        <Button type="submit" variant="primary" busy={busy} class="btn-block">Sign in</Button>
      </form>
    </main>
  );
}

function LinkBadge() {
  const { link } = useLive();
  const text = link === 'live' ? 'Live' : link === 'connecting' ? 'Connecting' : 'Reconnecting';
  return (
    <span class={`link link-${link}`} role="status" title="Live event stream">
      <span class="pulse" aria-hidden="true" />
      {text}
    </span>
  );
}

function Shell({ info }: { info: ProxyInfo | undefined }) {
  const path = usePath();
  const [broadcast, setBroadcast] = useState(false);
  const page = PAGES.find((p) => p.path === path) ?? PAGES[0];
  useEffect(() => {
    document.title = `${page.label} · Infrarust`;
  }, [page]);
  const View = page.view;
  return (
    <div class="app">
      <a class="skip" href="#main">Skip to content</a>
      <aside class="sidebar">
        <div class="brand">
          <Logo />
          <span>Infrarust</span>
          {info !== undefined ? <span class="version">v{info.version}</span> : null}
        </div>
        <nav aria-label="Pages">
          <ul>
            {PAGES.map((p) => (
              <li key={p.path}>
                <a
                  href={p.path}
                  aria-current={p === page ? 'page' : undefined}
                  onClick={(e) => {
                    e.preventDefault();
                    navigate(p.path);
                  }}
                >
                  <Icon name={p.icon} />
                  <span>{p.label}</span>
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="sidebar-foot">
          <Button variant="primary" small class="broadcast" onClick={() => setBroadcast(true)} aria-label="Broadcast a message">
            <Icon name="megaphone" size={16} />
            <span class="hide-sm">Broadcast</span>
          </Button>
          <LinkBadge />
          <Button variant="ghost" small onClick={signOut} aria-label="Sign out">
            <Icon name="logout" size={16} />
            <span class="hide-sm">Sign out</span>
          </Button>
        </div>
      </aside>
      <main id="main" class="content" tabIndex={-1}>
        <View />
      </main>
      {broadcast ? <BroadcastDialog onClose={() => setBroadcast(false)} /> : null}
      <Toasts />
    </div>
  );
}

function App() {
  const [signedIn, setSignedIn] = useState(hasKey());
  const [info, setInfo] = useState<ProxyInfo>();
  useEffect(() => onSignOut(() => setSignedIn(false)), []);
  useEffect(() => {
    if (!signedIn) return live.stop();
    live.start();
    get<ProxyInfo>('/proxy').then(setInfo, () => undefined);
  }, [signedIn]);
  return signedIn ? <Shell info={info} /> : <SignIn onDone={() => setSignedIn(true)} />;
}

render(<App />, document.getElementById('app')!);
