/** Small formatting helpers for numbers, sizes and times. */
export function duration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) (n /= 1024, i++);
  return `${n.toFixed(n >= 100 || i === 0 ? 0 : 1)} ${units[i]}`;
}

export function rate(n: number): string {
  if (n === 0) return '0';
  if (n < 0.1) return n.toFixed(2);
  if (n < 10) return n.toFixed(1);
  return Math.round(n).toLocaleString();
}

export function ago(time: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - time) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

export const clock = (time: number): string => new Date(time).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

export const dateTime = (time: number): string => new Date(time).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });

/** Minecraft protocol numbers of common releases, for display only. */
const PROTOCOLS: Record<number, string> = {
  47: '1.8', 340: '1.12.2', 754: '1.16.5', 762: '1.19.4', 763: '1.20.1', 765: '1.20.4', 767: '1.21.1', 768: '1.21.3', 769: '1.21.4', 770: '1.21.5', 771: '1.21.6', 772: '1.21.8', 773: '1.21.10', 774: '1.21.11',
};
export const protocol = (n: number): string => PROTOCOLS[n] ?? `protocol ${n}`;
