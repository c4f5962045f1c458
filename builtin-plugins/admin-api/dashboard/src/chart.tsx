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
  windowMs?: number;
  format?: (n: number) => string;
  label: string;
  /** Smallest top of the y axis (so a flat zero line is not centred). */
  minMax?: number;
}

const PAD = { top: 10, right: 12, bottom: 22, left: 38 };

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  const f = v / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * p;
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

export function TimeChart({ series, points, stacked, height = 220, windowMs = 10 * 60_000, format = String, label, minMax = 1 }: Props) {
  const { ref, width } = useWidth();
  const [hover, setHover] = useState<number>();
  const end = Math.max(Date.now(), points.at(-1)?.t ?? 0);
  const start = end - windowMs;
  const shown = points.filter((p) => p.t >= start - 60_000);
  const tops = shown.map((p) => (stacked ? p.values.reduce((a, b) => a + b, 0) : Math.max(0, ...p.values)));
  const yMax = niceMax(Math.max(minMax, ...tops));
  const w = width - PAD.left - PAD.right;
  const h = height - PAD.top - PAD.bottom;
  const x = (t: number) => PAD.left + ((t - start) / windowMs) * w;
  const y = (v: number) => PAD.top + h - (v / yMax) * h;

  const base = shown.map(() => 0);
  const shapes = series.map((s, j) => {
    const lower = [...base];
    const upper = shown.map((p, i) => (stacked ? (base[i] += p.values[j] ?? 0) : p.values[j] ?? 0));
    const line = upper.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(shown[i].t).toFixed(1)},${y(v).toFixed(1)}`).join('');
    const area = stacked && shown.length > 0 ? `${line}${lower.map((v, i) => `L${x(shown[shown.length - 1 - i].t).toFixed(1)},${y(lower[shown.length - 1 - i]).toFixed(1)}`).join('')}Z` : undefined;
    return { s, line, area };
  });

  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * yMax);
  const times = [0, 1, 2, 3, 4].map((i) => start + (i * windowMs) / 4);
  const latest = shown.at(-1);
  const summary = latest === undefined ? `${label}: no data yet` : `${label}, latest: ${series.map((s, j) => `${s.label} ${format(latest.values[j] ?? 0)}`).join(', ')}`;

  const onMove = (e: PointerEvent) => {
    if (shown.length === 0) return;
    const rect = (e.currentTarget as SVGElement).getBoundingClientRect();
    const t = start + ((e.clientX - rect.left - PAD.left) / w) * windowMs;
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
          <text key={i} class="axis" x={x(t)} y={height - 6} text-anchor={i === 0 ? 'start' : i === 4 ? 'end' : 'middle'}>{i === 4 ? 'now' : clock(t).slice(0, 5)}</text>
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
