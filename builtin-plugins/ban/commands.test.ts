import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testContext } from 'infrarust/sdk/testing';
import plugin from './index.ts';
import type { BanService } from './api.ts';
import { durationAndReason } from './commands.ts';

async function withPlugin(body: (run: (line: string) => Promise<string[]>, service: BanService) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ban-cmd-'));
  const t = testContext({}, { id: 'ban' }, { config: { ban: { file: join(dir, 'bans.json'), purge_interval: 1000, enable_audit_log: true } } });
  await plugin.setup(t.ctx);
  const run = async (line: string) => {
    const [name, ...args] = line.split(' ');
    const out: string[] = [];
    await t.commands.get(name)!.execute({ reply: (s) => out.push(s), hasPermission: () => true }, args);
    return out;
  };
  try {
    await body(run, t.services.get('ban')!);
  } finally {
    await plugin.teardown?.();
    await rm(dir, { recursive: true, force: true });
  }
}

test('[duration] [reason]: the first word is a duration only when it parses as one', () => {
  assert.deepEqual(durationAndReason(['2h30m', 'spam', 'bot']), { durationMs: 9_000_000, reason: 'spam bot' });
  assert.deepEqual(durationAndReason(['spam', '1d']), { durationMs: undefined, reason: 'spam 1d' });
  assert.deepEqual(durationAndReason([]), { durationMs: undefined, reason: undefined });
});

test('ban, baninfo, banlist and unban for players', async () => {
  await withPlugin(async (run, service) => {
    assert.match((await run('ban Griefer 1d griefing spawn'))[0], /^Banned username Griefer — griefing spawn \(expires in 1d; by console/);
    assert.equal(service.get({ type: 'username', value: 'griefer' })?.source, 'console');
    assert.match((await run('ban 069A79F444E94726A5BEFCA90E38AAF5'))[0], /UUID 069a79f4-44e9-4726-a5be-fca90e38aaf5 — no reason \(permanent/);
    assert.match((await run('baninfo griefer'))[0], /griefing spawn/);
    assert.match((await run('banlist'))[0], /^2 active ban\(s\):\n- username Griefer.*\n- UUID 069a79f4/);
    assert.deepEqual(await run('unban GRIEFER'), ['Unbanned username Griefer']);
    assert.deepEqual(await run('unban griefer'), ['username griefer was not banned']);
    assert.deepEqual(await run('baninfo griefer'), ['username griefer is not banned']);
    assert.deepEqual(await run('ban'), ['Usage: ban <player|uuid> [duration] [reason]']);
  });
});

test('ban-ip and unban-ip take addresses and CIDR ranges; baninfo finds the range of an address', async () => {
  await withPlugin(async (run, service) => {
    assert.match((await run('ban-ip 10.1.2.3/16 2h proxy abuse'))[0], /^Banned range 10\.1\.0\.0\/16 — proxy abuse \(expires in (2h|1h 59m)/);
    assert.match((await run('ban-ip ::ffff:203.0.113.7'))[0], /^Banned IP 203\.0\.113\.7/);
    assert.ok(service.isBanned({ ip: '10.1.99.1' }));
    assert.match((await run('baninfo 10.1.99.1'))[0], /range 10\.1\.0\.0\/16/);
    assert.match((await run('ban-ip 999.0.0.1'))[0], /"999\.0\.0\.1" is not an IP address\. Usage: ban-ip/);
    assert.deepEqual(await run('unban-ip 10.1.0.0/16'), ['Unbanned range 10.1.0.0/16']);
    assert.deepEqual(await run('unban-ip 203.0.113.7/32'), ['Unbanned IP 203.0.113.7']);
    assert.deepEqual(await run('banlist'), ['No active bans']);
  });
});
