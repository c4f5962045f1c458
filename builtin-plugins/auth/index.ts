/**
 * The auth plugin: password login for offline-mode networks, as the limbo handler `auth`
 * (a server opts in with `limbo_handlers = ["auth"]`). Loads accounts.json (v2's file carries
 * over), hashes with Argon2id, registers the handler and the operators' console commands, and,
 * with `premium.enabled`, forces real Mojang names online at PreLogin so mojang-auth verifies
 * them (a name whose online login failed plays offline next time). Critical: an accounts file
 * that cannot be read makes setup throw, so the proxy does not start without its login gate.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { definePlugin, EventPriority, forceOffline, forceOnline, type FileWriter, type PluginContext } from '../../sdk/index.ts';
import { AccountStore } from './accounts.ts';
import { authCommands } from './commands.ts';
import { createAuthHandler } from './handler.ts';
import { maskIp } from './ip-mask.ts';
import { Lockouts } from './lockout.ts';
import { AuthPluginSchema, type AuthPluginSettings } from './options.ts';
import { startHashWorker } from './hash-worker.ts';
import { createHasher } from './passwords.ts';
import { compilePolicy, parseBlockedList } from './policy.ts';
import { PremiumDetector } from './premium.ts';
import { ACCOUNTS_FILE_MODE, encodeAccounts, readAccountsFile } from './storage.ts';

/** Writers of live plugin instances, flushed by teardown. */
const writers = new Set<FileWriter>();
/** How often expired lockouts, lookups and remembered failures are dropped. */
const PRUNE_MS = 60_000;

export default definePlugin({
  configSchema: AuthPluginSchema,
  async setup(ctx) {
    const settings = ctx.config as AuthPluginSettings;
    const file = inDataDir(ctx, settings.storage.path);
    await ctx.files.removeStaleTemps(file);
    const accounts = await readAccountsFile(file);
    const store = new AccountStore(accounts);
    ctx.log.info({ file, accounts: store.size, existed: accounts !== undefined }, 'accounts loaded');
    const writer = ctx.files.writer(file, () => encodeAccounts(store.snapshot()), {
      mode: ACCOUNTS_FILE_MODE,
      onError: (err) => ctx.log.error({ file, error: err.message }, 'could not write the accounts file; the change holds in memory until restart'),
    });
    writers.add(writer);
    ctx.signal.addEventListener('abort', () => void writer.flush().then(() => writers.delete(writer)), { once: true });
    // A failed write was logged by onError; logins and commands go on with the change in memory.
    const save = (): Promise<void> => writer.save().catch(() => undefined);

    const blocked = await readBlockedList(inDataDir(ctx, settings.password_policy.blocked_passwords_file));
    const policy = compilePolicy(settings.password_policy, blocked);
    // Off the event loop: a hash costs tens of milliseconds of CPU (hash-worker.ts).
    const hasher = await createHasher(settings.hashing, startHashWorker(ctx.signal));
    const lockouts = new Lockouts(settings.security.max_login_attempts, settings.security.lockout_duration);
    const mask = (ip: string): string => maskIp(ip, settings.privacy.log_ip_masking);
    const handler = createAuthHandler({ store, save, hasher, policy, lockouts, messages: settings.messages, settings: settings.security, scheduler: ctx.scheduler, log: ctx.log, maskIp: mask });
    ctx.limbo.register(handler);
    ctx.events.on('Disconnect', function authForgetConnection(e) {
      handler.forgetConnection(e.player.connectionId);
    });
    for (const command of authCommands({ store, save, hasher, policy, handler, messages: settings.messages })) ctx.commands.register(command);
    const premium = settings.premium.enabled ? wirePremium(ctx, settings) : undefined;
    ctx.scheduler.interval(PRUNE_MS, function authPrune() {
      lockouts.prune();
      premium?.prune();
    });
  },
  async teardown() {
    await Promise.all([...writers].map((w) => w.flush()));
  },
});

function inDataDir(ctx: PluginContext<unknown>, path: string): string {
  return isAbsolute(path) ? path : resolve(ctx.dataDir, path);
}

async function readBlockedList(file: string): Promise<string[]> {
  try {
    return parseBlockedList(await readFile(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(`blocked passwords file ${file} cannot be read (${(err as Error).message})`, { cause: err });
  }
}

/** PreLogin: real Mojang names go online (mojang-auth verifies them); remembered failures go offline. */
function wirePremium(ctx: PluginContext<unknown>, settings: AuthPluginSettings): PremiumDetector {
  const detector = new PremiumDetector(settings.premium, ctx.signal);
  ctx.events.on('PreLogin', async function authPremiumPreLogin(e) {
    const name = e.player.username;
    if (detector.rememberedCracked(name)) return forceOffline();
    const answer = await detector.lookup(name);
    if (answer === 'unknown') ctx.log.warn({ player: name }, 'premium lookup failed; the player logs in offline');
    return answer === 'premium' ? forceOnline() : undefined;
  }, { priority: EventPriority.EARLY });
  ctx.events.on('OnlineAuthFailed', function authRememberCracked(e) {
    detector.rememberCracked(e.player.username);
    ctx.log.info({ player: e.player.username }, 'online login failed: this name plays offline (with a password) for a while');
  });
  return detector;
}
