/**
 * Test helpers: a LimboSession that records what the handler sent, and the plugin loaded with
 * the test kit on a temp folder (cheap Argon2 parameters unless a test asks for others). The kit
 * is passed in by each test file (`pluginLoader(testContext)`): only *.test.ts files import it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command, HandlerResult, LimboEntry, LimboHandler, LimboSession, PluginContext } from '../../sdk/index.ts';
import plugin from './index.ts';
import type { AuthHandler } from './handler.ts';
import { AuthPluginSchema, type AuthPluginInput } from './options.ts';

export interface FakeSession {
  session: LimboSession;
  messages: string[];
  titles: string[];
  kicks: string[];
  completed: HandlerResult[];
}

let nextId = 1;

export function fakeSession(username: string, remoteAddress = '203.0.113.7', extra: { verified?: boolean; uuid?: string; connectionId?: number; entry?: LimboEntry } = {}): FakeSession {
  const rec: Omit<FakeSession, 'session'> = { messages: [], titles: [], kicks: [], completed: [] };
  const ok = { ok: true } as const;
  const profile = extra.verified === true ? { uuid: extra.uuid ?? '069a79f4-44e9-4726-a5be-fca90e38aaf5', name: username, properties: [] } : undefined;
  // Only the members the handler uses; the contract is growing around them.
  const session = {
    entry: extra.entry ?? { type: 'initial' },
    player: { connectionId: extra.connectionId ?? nextId++, username, remoteAddress, protocolVersion: 769, uuid: profile?.uuid, verified: extra.verified === true, profile },
    sendMessage: (text: unknown) => (rec.messages.push(String(text)), ok),
    sendTitle: (title: unknown, subtitle?: unknown) => (rec.titles.push(`${String(title)} | ${String(subtitle)}`), ok),
    sendActionBar: () => ok,
    kick: (reason: string) => (rec.kicks.push(reason), ok),
    complete: (result: HandlerResult) => void rec.completed.push(result),
  } as unknown as LimboSession;
  return { session, ...rec };
}

/** What these helpers use of the test kit's harness (`infrarust/sdk/testing`). */
export interface Harness {
  ctx: PluginContext<any, any, any>;
  readonly commands: ReadonlyMap<string, Command>;
  readonly limboHandlers: ReadonlyMap<string, LimboHandler>;
  readonly logs: { level: string; msg: string }[];
  fire: PluginContext['events']['emit'];
  runTasks(): Promise<void>;
  liveRegistrations(): number;
  unload(): void;
}

export type TestContext = (config: unknown, manifest: { id: string }) => Harness;

export interface Loaded {
  t: Harness;
  handler: AuthHandler;
  dir: string;
  file: string;
  /** Runs a console command, returning the replies. */
  console(line: string): Promise<string[]>;
  close(): Promise<void>;
}

export const CHEAP_HASHING = { argon2_memory_cost: 64, argon2_time_cost: 1 };

export const pluginLoader = (testContext: TestContext) => (config: AuthPluginInput = {}, dir?: string): Promise<Loaded> => loadPlugin(testContext, config, dir);

async function loadPlugin(testContext: TestContext, config: AuthPluginInput, dir: string | undefined): Promise<Loaded> {
  const folder = dir ?? (await mkdtemp(join(tmpdir(), 'auth-plugin-')));
  const file = join(folder, 'accounts.json');
  const settings = AuthPluginSchema.parse({ ...config, storage: { path: file, ...config.storage }, hashing: { ...CHEAP_HASHING, ...config.hashing } });
  const t = testContext(settings, { id: 'auth' });
  await plugin.setup(t.ctx);
  const handler = t.limboHandlers.get('auth') as AuthHandler | undefined;
  if (handler === undefined) throw new Error('the plugin registered no `auth` limbo handler');
  return {
    t,
    handler,
    dir: folder,
    file,
    async console(line) {
      const [name, ...args] = line.split(' ');
      const out: string[] = [];
      await t.commands.get(name!)!.execute({ reply: (s) => out.push(s), hasPermission: () => true }, args);
      return out;
    },
    async close() {
      t.unload();
      await plugin.teardown?.();
      if (dir === undefined) await rm(folder, { recursive: true, force: true });
    },
  };
}

/** Types `/command args…` as the held player. */
export async function type(handler: LimboHandler, s: FakeSession, line: string): Promise<void> {
  const [command, ...args] = line.replace(/^\//, '').split(' ');
  await handler.onCommand!(s.session, command!, args);
}
