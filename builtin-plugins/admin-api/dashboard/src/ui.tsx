/** Shared pieces: buttons, badges, cards, a modal dialog on <dialog>, toasts, empty states. */
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api.ts';

type ButtonProps = Omit<JSX.ButtonHTMLAttributes<HTMLButtonElement>, 'type'> & { variant?: 'primary' | 'danger' | 'ghost' | 'default'; small?: boolean; busy?: boolean; type?: 'button' | 'submit' };

export function Button({ variant = 'default', small, busy, class: cls, children, disabled, type = 'button', ...rest }: ButtonProps) {
  return (
    <button {...rest} type={type} class={`btn btn-${variant}${small ? ' btn-sm' : ''}${cls ? ` ${cls}` : ''}`} disabled={Boolean(disabled) || busy} aria-busy={busy ? 'true' : undefined}>
      {busy ? <span class="spinner" aria-hidden="true" /> : null}
      {children}
    </button>
  );
}

const TONES: Record<string, string> = {
  online: 'ok', loaded: 'ok', healthy: 'ok', live: 'ok', intercepted: 'info', passthrough: 'muted',
  starting: 'warn', stopping: 'warn', sleeping: 'muted', reconnecting: 'warn', connecting: 'warn',
  crashed: 'bad', failed: 'bad', unhealthy: 'bad', error: 'bad', unknown: 'muted', disabled: 'muted', unloaded: 'muted',
};

export function Badge({ children, tone }: { children: string; tone?: string }) {
  return <span class={`badge badge-${tone ?? TONES[children] ?? 'muted'}`}>{children}</span>;
}

export function Card({ title, actions, children, class: cls }: { title?: ComponentChildren; actions?: ComponentChildren; children: ComponentChildren; class?: string }) {
  return (
    <section class={`card${cls ? ` ${cls}` : ''}`}>
      {title !== undefined || actions !== undefined ? (
        <header class="card-head">
          {title !== undefined ? <h2>{title}</h2> : <span />}
          {actions !== undefined ? <div class="card-actions">{actions}</div> : null}
        </header>
      ) : null}
      {children}
    </section>
  );
}

export function PageHead({ title, sub, children }: { title: string; sub?: ComponentChildren; children?: ComponentChildren }) {
  return (
    <div class="page-head">
      <div>
        <h1>{title}</h1>
        {sub !== undefined ? <p class="sub">{sub}</p> : null}
      </div>
      {children !== undefined ? <div class="page-actions">{children}</div> : null}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="empty">
      <p class="empty-title">{title}</p>
      {children !== undefined ? <p class="empty-text">{children}</p> : null}
    </div>
  );
}

/** A modal form on the native <dialog> (focus handling and Escape come with it). */
export function Dialog({ title, onClose, onSubmit, submit, danger, children }: { title: string; onClose: () => void; onSubmit: () => Promise<void>; submit: string; danger?: boolean; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  useEffect(() => {
    const d = ref.current!;
    d.showModal();
    return () => d.close();
  }, []);
  const send = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit();
      onClose();
    } catch (err) {
      setError(message(err));
      setBusy(false);
    }
  };
  return (
    <dialog ref={ref} class="dialog" onCancel={onClose} aria-labelledby="dialog-title">
      <form onSubmit={send}>
        <h2 id="dialog-title">{title}</h2>
        <div class="dialog-body">{children}</div>
        {error !== undefined ? <p class="form-error" role="alert">{error}</p> : null}
        <div class="dialog-actions">
          <Button variant="ghost" onClick={onClose}>Cancel</Button>
          <Button type="submit" variant={danger ? 'danger' : 'primary'} busy={busy}>{submit}</Button>
        </div>
      </form>
    </dialog>
  );
}

export function Field({ label, hint, children }: { label: string; hint?: string; children: ComponentChildren }) {
  return (
    <label class="field">
      <span class="field-label">{label}</span>
      {children}
      {hint !== undefined ? <span class="field-hint">{hint}</span> : null}
    </label>
  );
}

export const message = (err: unknown): string => (err instanceof ApiError || err instanceof Error ? err.message : String(err));

interface Toast {
  id: number;
  text: string;
  tone: 'ok' | 'bad';
}
let toasts: Toast[] = [];
let nextToast = 1;
const toastWatchers = new Set<() => void>();

export function toast(text: string, tone: 'ok' | 'bad' = 'ok'): void {
  const t = { id: nextToast++, text, tone };
  toasts = [...toasts, t].slice(-4);
  toastWatchers.forEach((f) => f());
  setTimeout(() => {
    toasts = toasts.filter((x) => x !== t);
    toastWatchers.forEach((f) => f());
  }, tone === 'bad' ? 8000 : 4000);
}

export function Toasts() {
  const [, set] = useState(0);
  useEffect(() => {
    const f = () => set((n) => n + 1);
    toastWatchers.add(f);
    return () => toastWatchers.delete(f);
  }, []);
  return (
    <div class="toasts" role="status" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} class={`toast toast-${t.tone}`}>{t.text}</div>
      ))}
    </div>
  );
}

/** Loads `load()` now, on every change of `deps`, and whenever `reload()` is called. */
export function useData<T>(load: () => Promise<T>, deps: unknown[] = []) {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (d) => live && (setData(d), setError(undefined)),
      (err) => live && setError(message(err)),
    );
    return () => {
      live = false;
    };
  }, [...deps, n]);
  return { data, error, reload: () => setN((x) => x + 1) };
}
