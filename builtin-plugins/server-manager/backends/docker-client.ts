/**
 * A minimal Docker Engine API client (node:http, so it speaks over the unix socket as well as
 * `tcp://`): JSON requests with a timeout, and the `/events` stream as parsed JSON lines.
 */
import { request, type IncomingMessage, type RequestOptions } from 'node:http';
import { ManagerApiError } from '../http.ts';

export interface DockerClient {
  /** One request; resolves with the status and the parsed body (undefined when empty). */
  call(method: 'GET' | 'POST', path: string, options?: { timeoutMs?: number; signal?: AbortSignal }): Promise<{ status: number; body: unknown }>;
  /** Streams `/events?filters=…` until `signal` aborts; `onEnd` when the stream ends or fails. */
  events(filters: Record<string, string[]>, onEvent: (e: unknown) => void, onEnd: (cause: string) => void, signal: AbortSignal): void;
}

/** `unix:///var/run/docker.sock` or `tcp://host:port`. */
export function dockerClient(host: string): DockerClient {
  const target: RequestOptions = host.startsWith('unix://')
    ? { socketPath: host.slice('unix://'.length) }
    : { host: new URL(host.replace(/^tcp:/, 'http:')).hostname, port: Number(new URL(host.replace(/^tcp:/, 'http:')).port || 2375) };
  const where = host;
  return {
    call: (method, path, options = {}) =>
      new Promise((resolve, reject) => {
        const timeoutMs = options.timeoutMs ?? 10_000;
        const req = request({ ...target, method, path, headers: { accept: 'application/json' }, signal: options.signal }, (res) => {
          readAll(res).then((text) => {
            if (text.trim() === '') return resolve({ status: res.statusCode ?? 0, body: undefined });
            try {
              resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
            } catch {
              reject(new ManagerApiError(`junk from Docker at ${where} (not JSON): ${JSON.stringify(text.slice(0, 60))}`, res.statusCode));
            }
          }, reject);
        });
        req.setTimeout(timeoutMs, () => req.destroy(new ManagerApiError(`no answer from Docker at ${where} within ${timeoutMs} ms`)));
        req.on('error', (err) => reject(err instanceof ManagerApiError ? err : new ManagerApiError(`Docker at ${where}: ${err.message}`)));
        req.end();
      }),
    events(filters, onEvent, onEnd, signal) {
      const path = `/events?filters=${encodeURIComponent(JSON.stringify(filters))}`;
      const req = request({ ...target, method: 'GET', path, signal }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return onEnd(`events stream answered HTTP ${res.statusCode}`);
        }
        let rest = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          const lines = (rest + chunk).split('\n');
          rest = lines.pop() ?? '';
          if (rest.length > 1 << 20) rest = ''; // a line without end this long is junk
          for (const line of lines) {
            try {
              if (line.trim() !== '') onEvent(JSON.parse(line));
            } catch {
              // a junk line: the next poll tells the truth
            }
          }
        });
        res.on('end', () => onEnd('events stream ended'));
        res.on('error', (err) => onEnd(`events stream failed: ${err.message}`));
      });
      req.on('error', (err) => {
        if (!signal.aborted) onEnd(`events stream: ${err.message}`);
      });
      req.end();
    },
  };
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => {
      text += c;
      if (text.length > 4 << 20) res.destroy(new ManagerApiError('Docker answer too large'));
    });
    res.on('end', () => resolve(text));
    res.on('error', reject);
  });
}
