/**
 * A time-series chart in hand-written SVG (no chart library): lines or stacked areas over a
 * sliding window, a light grid, time labels, and a hover read-out. Points share timestamps:
 * `points[i].values[j]` is series j at time i. The SVG has a text alternative (aria-label).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { clock } from './format.ts';

export interface Series {
  label: string;
  color: string;
}

export interface Point {
  t: number;
  values: number[];
}

export const PALETTE = ['#4f9dff', '#3ecf8e', '#f5a524', '#b17cff', '#ff6b8b', '#2dd4d4', '#e4e46a', '#ff8a4c'];

interface Props {
  series: Series[];
  points: Point[];
  stacked?: boolean;
  height?: number;
  /** The widest window shown; a young series gets a narrower one (at least 2 minutes). */
  windowMs?: number;
  /** Draw values as steps (counts that jump), not slopes. */
  step?: boolean;
  /** Whole-number axis ticks (counts). */
  integer?: boolean;
  format?: (n: number) => string;
  label: string;
  /** Smallest top of the y axis (so a flat zero line is not centred). */
  minMax?: number;
}

const PAD = { top: 10, right: 12, bottom: 22, left: 38 };

const MIN_WINDOW_MS = 2 * 60_000;
const TICKS = 4;

/** A round step so that TICKS steps cover `max`. */
function niceStep(max: number, integer: boolean): number {
  const raw = Math.max(max, 1e-9) / TICKS;
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  const step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
  return integer ? Math.max(1, Math.ceil(step)) : step;
}

function useWidth() {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(600);
  useEffect(() => {
    const el = ref.current!;
    const ro = new ResizeObserver(() => setWidth(Math.max(200, Math.floor(el.clientWidth))));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return { ref, width };
}

export function TimeChart({ series, points, stacked, step, integer, height = 220, windowMs = 30 * 60_000, format = String, label, minMax = 1 }: Props) {
  const { ref, width } = useWidth();
  const [hover, setHover] = useState<number>();
  const end = Math.max(Date.now(), points.at(-1)?.t ?? 0);
  const first = points[0]?.t ?? end;
  const span = Math.min(windowMs, Math.max(MIN_WINDOW_MS, end - first));
  const start = end - span;
  const shown = points.filter((p) => p.t >= start - 60_000);
  // A count holds until it changes: carry the last one to now.
  if (step && shown.length > 0 && shown[shown.length - 1].t < end) shown.push({ t: end, values: shown[shown.length - 1].values });
  const tops = shown.map((p) => (stacked ? p.values.reduce((a, b) => a + b, 0) : Math.max(0, ...p.values)));
  const yStep = niceStep(Math.max(minMax, ...tops), integer === true);
  const yMax = yStep * Math.max(1, Math.ceil(Math.max(minMax, ...tops) / yStep));
  const w = width - PAD.left - PAD.right;
  const h = height - PAD.top - PAD.bottom;
  const x = (t: number) => PAD.left + (Math.max(0, t - start) / span) * w;
  const y = (v: number) => PAD.top + h - (v / yMax) * h;

  const base = shown.map(() => 0);
  const shapes = series.map((s, j) => {
    const lower = [...base];
    const upper = shown.map((p, i) => (stacked ? (base[i] += p.values[j] ?? 0) : p.values[j] ?? 0));
    const line = trace(upper, (i) => x(shown[i].t), y, step === true, false);
    const back = trace([...lower].reverse(), (i) => x(shown[shown.length - 1 - i].t), y, step === true, true);
    const area = stacked && shown.length > 0 ? `${line}L${back.slice(1)}Z` : undefined;
    return { s, line, area };
  });

  const ticks = Array.from({ length: Math.round(yMax / yStep) + 1 }, (_, i) => i * yStep);
  const times = [0, 1, 2, 3, 4].map((i) => start + (i * span) / 4);
  const latest = shown.at(-1);
  const summary = latest === undefined ? `${label}: no data yet` : `${label}, latest: ${series.map((s, j) => `${s.label} ${format(latest.values[j] ?? 0)}`).join(', ')}`;

  const onMove = (e: PointerEvent) => {
    if (shown.length === 0) return;
    const rect = (e.currentTarget as SVGElement).getBoundingClientRect();
    const t = start + ((e.clientX - rect.left - PAD.left) / w) * span;
    let best = 0;
    for (let i = 1; i < shown.length; i++) if (Math.abs(shown[i].t - t) < Math.abs(shown[best].t - t)) best = i;
    setHover(best);
  };
  const hp = hover === undefined ? undefined : shown[hover];

  return (
    <div class="chart" ref={ref}>
      <svg width={width} height={height} role="img" aria-label={summary} onPointerMove={onMove} onPointerLeave={() => setHover(undefined)}>
        {ticks.map((v) => (
          <g key={v}>
            <line class="grid" x1={PAD.left} x2={width - PAD.right} y1={y(v)} y2={y(v)} />
            <text class="axis" x={PAD.left - 6} y={y(v) + 4} text-anchor="end">{format(v)}</text>
          </g>
        ))}
        {times.map((t, i) => (
          <text key={i} class="axis" x={x(t)} y={height - 6} text-anchor={i === 0 ? 'start' : i === 4 ? 'end' : 'middle'}>{i === 4 ? 'now' : span < 10 * 60_000 ? clock(t) : clock(t).slice(0, 5)}</text>
        ))}
        {shapes.map(({ s, line, area }) => (
          <g key={s.label}>
            {area !== undefined ? <path d={area} fill={s.color} fill-opacity="0.18" stroke="none" /> : null}
            <path d={line} fill="none" stroke={s.color} stroke-width="2" stroke-linejoin="round" stroke-linecap="round" />
          </g>
        ))}
        {hp !== undefined ? <line class="cursor" x1={x(hp.t)} x2={x(hp.t)} y1={PAD.top} y2={PAD.top + h} /> : null}
      </svg>
      {hp !== undefined ? (
        <div class="chart-tip" style={{ left: `${Math.min(Math.max(x(hp.t), 70), width - 70)}px` }}>
          <div class="tip-time">{clock(hp.t)}</div>
          {series.map((s, j) => (
            <div key={s.label} class="tip-row">
              <span class="dot" style={{ background: s.color }} />
              {s.label}
              <b>{format(hp.values[j] ?? 0)}</b>
            </div>
          ))}
        </div>
      ) : null}
      <ul class="legend">
        {series.map((s, j) => (
          <li key={s.label}>
            <span class="dot" style={{ background: s.color }} />
            {s.label}
            {latest !== undefined ? <b>{format(latest.values[j] ?? 0)}</b> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** An SVG path through the values; `step` holds each value until the next point (drawn forwards or backwards). */
function trace(values: number[], xAt: (i: number) => number, y: (v: number) => number, step: boolean, backwards: boolean): string {
  let d = '';
  values.forEach((v, i) => {
    const px = xAt(i).toFixed(1);
    const py = y(v).toFixed(1);
    if (i === 0) d += `M${px},${py}`;
    else if (step && backwards) d += `L${xAt(i - 1).toFixed(1)},${py}L${px},${py}`;
    else if (step) d += `L${px},${y(values[i - 1]).toFixed(1)}L${px},${py}`;
    else d += `L${px},${py}`;
  });
  return d;
}

/** Horizontal bars for a few labelled counts (refusal reasons). */
export function Bars({ items, format = String }: { items: [string, number][]; format?: (n: number) => string }) {
  const max = Math.max(1, ...items.map(([, n]) => n));
  return (
    <ul class="bars">
      {items.map(([label, n], i) => (
        <li key={label}>
          <span class="bar-label" title={label}>{label}</span>
          <span class="bar-track" aria-hidden="true">
            <span class="bar-fill" style={{ width: `${(n / max) * 100}%`, background: PALETTE[(i + 4) % PALETTE.length] }} />
          </span>
          <b class="bar-value">{format(n)}</b>
        </li>
      ))}
    </ul>
  );
}
