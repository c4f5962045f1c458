// Tiny request/response RPC over a child process's IPC channel.
import type { ChildProcess } from 'node:child_process';

interface Request { rpc: number; cmd: string; args: unknown }
interface Reply { rpc: number; ok: boolean; result?: unknown; error?: string }

export class ChildRpc {
  private next = 1;
  private waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }>();

  constructor(readonly child: ChildProcess, readonly label: string) {
    child.on('message', (m: unknown) => {
      const r = m as Reply;
      if (typeof r !== 'object' || r === null || typeof r.rpc !== 'number') return;
      const w = this.waiting.get(r.rpc);
      if (!w) return;
      this.waiting.delete(r.rpc);
      clearTimeout(w.timer);
      if (r.ok) w.resolve(r.result);
      else w.reject(new Error(`${label}: ${r.error}`));
    });
    child.on('exit', (code, signal) => {
      for (const [id, w] of this.waiting) {
        clearTimeout(w.timer);
        w.reject(new Error(`${label} exited (code ${code}, signal ${signal}) during rpc ${id}`));
      }
      this.waiting.clear();
    });
  }

  call<T>(cmd: string, args: unknown, timeoutMs: number): Promise<T> {
    const rpc = this.next++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(rpc);
        reject(new Error(`${this.label}: '${cmd}' timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(rpc, { resolve: resolve as (v: unknown) => void, reject, timer });
      const req: Request = { rpc, cmd, args };
      this.child.send(req, (err) => {
        if (err) {
          clearTimeout(timer);
          this.waiting.delete(rpc);
          reject(err);
        }
      });
    });
  }
}

/** Wait for the child's first `{ type: 'ready', ... }` message. */
export function waitReady<T extends object>(child: ChildProcess, label: string, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`${label}: not ready after ${timeoutMs} ms`)), timeoutMs);
    const onMsg = (m: unknown) => {
      if (typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'ready') done(null, m as T);
    };
    const onExit = (code: number | null, signal: string | null) =>
      done(new Error(`${label} exited before ready (code ${code}, signal ${signal})`));
    function done(err: Error | null, v?: T) {
      clearTimeout(timer);
      child.off('message', onMsg);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(v!);
    }
    child.on('message', onMsg);
    child.on('exit', onExit);
  });
}

/** Child side: answer RPC requests; exit when the parent goes away. */
export function serveRpc(handlers: Record<string, (args: any) => unknown>): void {
  if (!process.send) throw new Error('must be started with an IPC channel');
  process.on('disconnect', () => process.exit(0));
  process.on('message', async (m: unknown) => {
    const req = m as Request;
    if (typeof req !== 'object' || req === null || typeof req.rpc !== 'number') return;
    let reply: Reply;
    try {
      const h = handlers[req.cmd];
      if (!h) throw new Error(`unknown command ${req.cmd}`);
      reply = { rpc: req.rpc, ok: true, result: await h(req.args) };
    } catch (e) {
      reply = { rpc: req.rpc, ok: false, error: e instanceof Error ? e.message : String(e) };
    }
    if (process.connected) process.send!(reply);
  });
}
