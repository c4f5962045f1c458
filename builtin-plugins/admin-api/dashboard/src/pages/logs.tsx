/** Logs: the newest lines, then a live tail (its own stream, opened with a fresh token). */
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, streamUrl, type Level, type LogLine } from '../api.ts';
import { clock } from '../format.ts';
import { Badge, Button, Card, PageHead } from '../ui.tsx';

const LEVELS: Level[] = ['debug', 'info', 'warn', 'error'];
const KEEP = 1000;
const TONE: Record<string, string> = { trace: 'muted', debug: 'muted', info: 'info', warn: 'warn', error: 'bad', fatal: 'bad' };

function useLogTail(level: Level) {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [state, setState] = useState<'connecting' | 'live' | 'reconnecting'>('connecting');
  useEffect(() => {
    let stopped = false;
    let es: EventSource | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let backoff = 1000;
    const open = async () => {
      try {
        const url = await streamUrl('/logs', { level });
        if (stopped) return;
        es = new EventSource(url);
        es.onopen = () => ((backoff = 1000), setState('live'));
        es.onerror = () => {
          es?.close();
          if (stopped) return;
          setState('reconnecting');
          retry = setTimeout(() => void open(), backoff);
          backoff = Math.min(backoff * 2, 30_000);
        };
        es.addEventListener('log', (m) => {
          const line = JSON.parse((m as MessageEvent<string>).data) as LogLine;
          setLines((l) => (l.length >= KEEP ? [...l.slice(l.length - KEEP + 1), line] : [...l, line]));
        });
      } catch {
        if (!stopped) retry = setTimeout(() => void open(), backoff);
      }
    };
    get<{ lines: LogLine[] }>(`/logs/history?n=500&level=${level}`).then(
      (r) => !stopped && setLines(r.lines),
      () => undefined,
    );
    void open();
    return () => {
      stopped = true;
      clearTimeout(retry);
      es?.close();
    };
  }, [level]);
  return { lines, state };
}

function fieldsText(f: Record<string, unknown>): string {
  const parts = Object.entries(f)
    .filter(([k]) => k !== 'pid' && k !== 'hostname')
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return parts.join(' ');
}

export function Logs() {
  const [level, setLevel] = useState<Level>('info');
  const [filter, setFilter] = useState('');
  const [follow, setFollow] = useState(true);
  const { lines, state } = useLogTail(level);
  const box = useRef<HTMLDivElement>(null);
  const needle = filter.trim().toLowerCase();
  const shown = needle === '' ? lines : lines.filter((l) => `${l.msg} ${l.plugin ?? ''} ${fieldsText(l.fields)}`.toLowerCase().includes(needle));
  useEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [shown.length, follow]);
  return (
    <>
      <PageHead title="Logs" sub={`${shown.length} lines · ${state === 'live' ? 'following live' : state}`} />
      <Card class="logs-card">
        <div class="toolbar">
          <select aria-label="Minimum level" value={level} onChange={(e) => setLevel(e.currentTarget.value as Level)}>
            {LEVELS.map((l) => (
              <option key={l} value={l}>{l} and above</option>
            ))}
          </select>
          <input type="search" aria-label="Filter log lines" placeholder="Filter (text, plugin, player…)" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
          <Button small variant={follow ? 'primary' : 'default'} aria-pressed={follow} onClick={() => setFollow(!follow)}>{follow ? 'Following' : 'Paused'}</Button>
        </div>
        <div class="log-box" ref={box} role="log" aria-label="Log lines" onWheel={() => follow && box.current && box.current.scrollTop + box.current.clientHeight < box.current.scrollHeight - 40 && setFollow(false)}>
          {shown.length === 0 ? <p class="muted">No log lines{needle ? ' match' : ' yet'}.</p> : null}
          {shown.map((l, i) => (
            <div key={`${l.time}-${i}`} class={`log-line log-${l.level}`}>
              <time class="muted">{clock(l.time)}</time>
              <Badge tone={TONE[l.level]}>{l.level}</Badge>
              {l.plugin !== undefined ? <span class="log-plugin">{l.plugin}</span> : null}
              <span class="log-msg">{l.msg}</span>
              <span class="log-fields muted">{fieldsText(l.fields)}</span>
            </div>
          ))}
        </div>
      </Card>
    </>
  );
}
