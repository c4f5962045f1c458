/**
 * JSON over HTTP for the panel managers (Node's fetch): every request has a timeout, a failed one
 * is retried a bounded number of times with exponential backoff, and every failure comes out as a
 * `ManagerApiError` whose message names the cause (status, timeout, junk body) for the log line.
 */

export class ManagerApiError extends Error {
  constructor(
    message: string,
    /** The HTTP status, when the API answered. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ManagerApiError';
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: unknown;
  /** Per attempt; default 10 s (v2's). */
  timeoutMs?: number;
  /** Attempts in all (1 = no retry); default 3. */
  attempts?: number;
  /** First backoff; doubles per retry; default 250 ms. */
  backoffMs?: number;
  /** Aborts the attempts and the waits between them (the plugin's unload). */
  signal?: AbortSignal;
}

/** Statuses worth another try: the server may answer later. A 4xx is the request's fault. */
const retryable = (status: number): boolean => status >= 500 || status === 429 || status === 408;

/** One request, retried; resolves with the parsed JSON (undefined for an empty body). */
export async function requestJson(url: string, options: RequestOptions = {}): Promise<unknown> {
  const attempts = Math.max(1, options.attempts ?? 3);
  let last: ManagerApiError | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await sleep((options.backoffMs ?? 250) * 2 ** (attempt - 2), options.signal);
    try {
      return await attemptOnce(url, options);
    } catch (err) {
      last = err instanceof ManagerApiError ? err : new ManagerApiError(String(err));
      if (options.signal?.aborted || (last.status !== undefined && !retryable(last.status))) break;
    }
  }
  throw new ManagerApiError(`${last!.message}${attempts > 1 ? ` (after ${attempts} attempts)` : ''}`, last!.status);
}

async function attemptOnce(url: string, options: RequestOptions): Promise<unknown> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const signals = [AbortSignal.timeout(timeoutMs), ...(options.signal === undefined ? [] : [options.signal])];
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: options.method ?? 'GET',
      headers: { accept: 'application/json', ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.any(signals),
    });
    text = await response.text();
  } catch (err) {
    const e = err as Error;
    if (e.name === 'TimeoutError') throw new ManagerApiError(`no answer within ${timeoutMs} ms from ${redactUrl(url)}`);
    const cause = (e.cause as Error | undefined)?.message;
    throw new ManagerApiError(`request to ${redactUrl(url)} failed: ${cause ?? e.message}`);
  }
  if (!response.ok) throw new ManagerApiError(`HTTP ${response.status} from ${redactUrl(url)}${text === '' ? '' : `: ${text.slice(0, 120)}`}`, response.status);
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ManagerApiError(`junk from ${redactUrl(url)} (not JSON): ${JSON.stringify(text.slice(0, 60))}`);
  }
}

/** The URL without query or credentials, for logs. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(bad url)';
  }
}

/** Waits `ms`, or less when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Reads `path` (dotted) of a parsed JSON value; undefined when any step is missing. */
export function pick(value: unknown, path: string): unknown {
  let v = value;
  for (const key of path.split('.')) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}
