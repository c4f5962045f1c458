/**
 * Server-Sent Events with bounded memory: each client is a ReadableStream whose queue the HTTP
 * adapter drains as the socket accepts bytes. A client whose queue holds more than
 * `maxQueuedBytes` (it reads slower than events come) is dropped, never buffered without bound;
 * past `maxClients` new streams are refused. A keepalive comment every 15 s keeps proxies from
 * closing idle streams.
 */
export interface SseOptions {
  maxClients: number;
  maxQueuedBytes: number;
  keepaliveMs?: number;
}

/** Which events a client wants (by type and payload); absent = all. */
export type SseFilter = (type: string, data: unknown) => boolean;

interface Client {
  controller: ReadableStreamDefaultController<Uint8Array>;
  accept?: SseFilter;
  onClose?: () => void;
}

const encoder = new TextEncoder();

export class SseHub {
  private readonly clients = new Set<Client>();
  private readonly timer: NodeJS.Timeout;
  /** Clients dropped for reading too slowly (for stats and tests). */
  dropped = 0;

  constructor(private readonly options: SseOptions) {
    this.timer = setInterval(() => this.comment('keepalive'), options.keepaliveMs ?? 15_000);
    this.timer.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** A stream for one client, or undefined when the hub is full. */
  open(accept?: SseFilter, onClose?: () => void): ReadableStream<Uint8Array> | undefined {
    if (this.clients.size >= this.options.maxClients) return undefined;
    let client: Client;
    const hub = this;
    return new ReadableStream<Uint8Array>(
      {
        start(controller) {
          client = { controller, accept, onClose };
          hub.clients.add(client);
          controller.enqueue(encoder.encode(': connected\nretry: 3000\n\n'));
        },
        cancel() {
          hub.forget(client);
        },
      },
      // desiredSize counts bytes: below -maxQueuedBytes the client is too slow.
      new ByteLengthQueuingStrategy({ highWaterMark: 0 }),
    );
  }

  /** Sends one event to every client that wants its type. */
  send(type: string, data: unknown, id?: string | number): void {
    if (this.clients.size === 0) return;
    let frame: Uint8Array | undefined;
    for (const c of this.clients) {
      if (c.accept !== undefined && !c.accept(type, data)) continue;
      frame ??= encoder.encode(`${id === undefined ? '' : `id: ${id}\n`}event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
      this.push(c, frame);
    }
  }

  close(): void {
    clearInterval(this.timer);
    for (const c of this.clients) this.end(c);
  }

  private comment(text: string): void {
    const frame = encoder.encode(`: ${text}\n\n`);
    for (const c of this.clients) this.push(c, frame);
  }

  private push(c: Client, frame: Uint8Array): void {
    if ((c.controller.desiredSize ?? 0) < -this.options.maxQueuedBytes) {
      this.dropped++;
      this.end(c);
      return;
    }
    try {
      c.controller.enqueue(frame);
    } catch {
      this.forget(c); // already closed by the reader side
    }
  }

  private forget(c: Client): void {
    if (this.clients.delete(c)) c.onClose?.();
  }

  private end(c: Client): void {
    this.forget(c);
    try {
      c.controller.error(new Error('event stream closed'));
    } catch {
      // already closed
    }
  }
}
