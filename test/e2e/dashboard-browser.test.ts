// The web dashboard in a real browser: Debian's Chromium driven by playwright-core against a real
// proxy (admin-api + ban builtins), a real backend and real 1.21.4 clients. The operator signs in
// with the API key, sees a connected player appear on the players page, kicks them from the UI,
// and the client is disconnected with the reason typed in the dialog; a broadcast reaches a
// player's chat, a ban from the players page disconnects with its reason and is lifted from the
// bans page (bans.json follows). Every page is screenshotted
// at laptop width and the overview and players pages at phone width (test-output/dashboard/,
// printed); the phone layout must not scroll sideways. The key never appears in a URL and is
// kept in sessionStorage only. Without a browser the test is skipped with how to get one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type mc from 'minecraft-protocol';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { join as joinServer, ping } from '../helpers/client.ts';
import { freePort } from '../helpers/free-port.ts';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SKIP = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}: install it once with \`apt-get update && apt-get install -y chromium\` (Debian; .ci/run does), or set CHROMIUM_PATH`;
const OUT = fileURLToPath(new URL('../../test-output/dashboard/', import.meta.url));
const VERSION = '1.21.4';
const KEY = 'dashboard-test-key-0123456789abcdef';
const LAPTOP = { width: 1366, height: 860 };
const PHONE = { width: 390, height: 844 };
// Browser-side expressions as strings: the test's tsconfig has no DOM types.
const NO_SIDEWAYS_SCROLL = 'document.documentElement.scrollWidth <= window.innerWidth';

let lobby: Backend;
let survival: Backend;
let proxy: Harness;
let base: string;
let browser: Browser | undefined;
const clients: mc.Client[] = [];
const urls: string[] = [];
const pageErrors: string[] = [];

const connectPlayer = async (name: string, domain = 'lobby.test') => {
  const { client } = await joinServer({ port: proxy.port, domain, version: VERSION, username: name, keep: true, timeoutMs: 10_000 });
  clients.push(client);
  return client;
};

function disconnected(client: mc.Client): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the client was not disconnected')), 15_000);
    const done = (p: { reason: unknown }) => {
      clearTimeout(timer);
      resolve(JSON.stringify(p.reason));
    };
    client.once('kick_disconnect', done);
    client.once('disconnect', done);
  });
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
}

async function newPage(viewport: { width: number; height: number }, mobile = false): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser!.newContext({ viewport, isMobile: mobile, hasTouch: mobile, deviceScaleFactor: mobile ? 2 : 1, colorScheme: 'dark' });
  const page = await context.newPage();
  page.on('request', (r) => urls.push(r.url()));
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (m) => m.type() === 'error' && pageErrors.push(`console: ${m.text()}`));
  return { context, page };
}

async function signIn(page: Page): Promise<void> {
  await page.goto(base);
  await page.getByLabel('API key').fill(KEY);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
  await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
}

async function go(page: Page, label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: label }).click();
  await page.getByRole('heading', { name: label, level: 1 }).waitFor();
}

before(async () => {
  if (SKIP) return;
  const { chromium } = await import('playwright-core');
  [lobby, survival] = await Promise.all([startBackend({ version: VERSION }), startBackend({ version: VERSION })]);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  proxy = await startProxy({
    builtins: ['ban', 'admin-api'],
    captureLogs: 'info', // a real log destination, so the logs page has lines
    global: `[ban]\nfile = "bans.json"\n[web]\nbind = "127.0.0.1:${port}"\napi_key = "${KEY}"\nrate_limit = { requests_per_minute = 300 }\n`,
    servers: {
      lobby: serverToml(['lobby.test'], [lobby.port], 'proxy_mode = "offline"'),
      survival: serverToml(['survival.test'], [survival.port], 'proxy_mode = "offline"'),
    },
  });
  await mkdir(OUT, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM });
});

after(async () => {
  await browser?.close();
  // end() arms a 30 s destroy timer that only the connection's end clears: skip ended clients.
  for (const c of clients) if (!(c as unknown as { ended: boolean }).ended) c.end();
  await proxy?.stop();
  await Promise.all([lobby?.close(), survival?.close()]);
  if (!SKIP) console.log(`# dashboard screenshots: ${OUT}`);
});

test('sign in, see a real player appear, kick them from the UI; broadcast, ban and unban; every page at laptop and phone width', { skip: SKIP, timeout: 120_000 }, async () => {
  const { context, page } = await newPage(LAPTOP);
  const started = Date.now();
  await signIn(page);
  assert.equal(await page.evaluate('localStorage.length'), 0, 'nothing in localStorage');
  assert.equal(await page.evaluate("sessionStorage.getItem('infrarust.api_key')"), KEY);

  // Traffic for the charts: players on two servers, pings, and a banned name refused at login.
  const alex = await connectPlayer('Alex');
  const notch = await connectPlayer('Notch', 'survival.test');
  await connectPlayer('Jeb', 'survival.test');
  for (let i = 0; i < 6; i++) await ping(proxy.port, 'lobby.test', VERSION);
  const ban = await fetch(`${base}/api/v1/bans`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ target: { type: 'username', value: 'Griefer' }, reason: 'griefing spawn' }) });
  assert.equal(ban.status, 201);
  await assert.rejects(connectPlayer('Griefer'));

  await go(page, 'Players');
  const steve = await connectPlayer('Steve');
  const row = page.locator('tr[data-player="Steve"]');
  await row.waitFor({ timeout: 10_000 }); // a live player.join, no reload
  await page.locator('tr[data-player="Steve"]').getByText('intercepted').waitFor(); // the refetch filled in the mode
  await shot(page, 'laptop-players');

  const gone = disconnected(steve);
  await row.getByRole('button', { name: 'Kick Steve' }).click();
  const dialog = page.getByRole('dialog', { name: 'Kick Steve' });
  await dialog.getByLabel('Reason').fill('Kicked from the dashboard test');
  await shot(page, 'laptop-kick-dialog');
  await dialog.getByRole('button', { name: 'Kick' }).click();
  assert.match(await gone, /Kicked from the dashboard test/);
  await row.waitFor({ state: 'detached', timeout: 10_000 });
  await page.getByText('Kicked Steve').waitFor();

  // Broadcast reaches intercepted players; a ban from the players page disconnects with its reason.
  const chat = new Promise<string>((resolve) => notch.once('system_chat', (p: { content: unknown }) => resolve(JSON.stringify(p.content))));
  await page.getByRole('button', { name: 'Broadcast a message' }).click();
  const bc = page.getByRole('dialog', { name: 'Broadcast a message' });
  await bc.getByLabel('Message').fill('Restart in 5 minutes');
  await bc.getByRole('button', { name: 'Broadcast' }).click();
  assert.match(await chat, /Restart in 5 minutes/);
  const alexGone = disconnected(alex);
  await page.locator('tr[data-player="Alex"]').getByRole('button', { name: 'Ban Alex' }).click();
  const bd = page.getByRole('dialog', { name: 'Ban Alex' });
  await bd.getByLabel('Reason').fill('xray from the dashboard');
  await bd.getByRole('button', { name: 'Ban' }).click();
  assert.match(await alexGone, /xray from the dashboard/);

  for (const label of ['Servers', 'Bans', 'Plugins', 'Logs']) {
    await go(page, label);
    if (label === 'Bans') {
      await page.getByText('xray from the dashboard').waitFor();
      await page.getByRole('button', { name: 'Unban Alex' }).click();
      await page.getByRole('dialog', { name: 'Unban Alex' }).getByRole('button', { name: 'Unban' }).click();
      await page.getByRole('button', { name: 'Unban Alex' }).waitFor({ state: 'detached' });
      const file = JSON.parse(await readFile(join(proxy.dir, 'bans.json'), 'utf8')) as { bans: { target: { value: string } }[] };
      assert.deepEqual(file.bans.map((b) => b.target.value), ['Griefer']);
      await page.getByText('griefing spawn').waitFor();
    }
    if (label === 'Plugins') await page.getByRole('cell', { name: 'admin-api', exact: true }).waitFor();
    if (label === 'Logs') await page.locator('.log-line').first().waitFor();
    await shot(page, `laptop-${label.toLowerCase()}`);
  }

  // Two stats ticks (5 s apart) give the per-second chart its first points.
  await go(page, 'Overview');
  await page.waitForTimeout(Math.max(0, started + 12_000 - Date.now()));
  await page.getByText('griefing spawn', { exact: false }).first().waitFor();
  await shot(page, 'laptop-overview');
  await context.close();

  const phone = await newPage(PHONE, true);
  await signIn(phone.page);
  await phone.page.waitForTimeout(500);
  await shot(phone.page, 'phone-overview');
  assert.ok(await phone.page.evaluate(NO_SIDEWAYS_SCROLL), 'the phone layout does not scroll sideways');
  await go(phone.page, 'Players');
  await phone.page.locator('tr[data-player="Notch"]').waitFor();
  await shot(phone.page, 'phone-players');
  assert.ok(await phone.page.evaluate(NO_SIDEWAYS_SCROLL), 'the phone players page does not scroll sideways');
  await phone.context.close();

  assert.deepEqual(pageErrors, [], 'no script errors in the page');
  assert.deepEqual(urls.filter((u) => u.includes(KEY)), [], 'the API key never appears in a URL');
  assert.ok(urls.some((u) => u.includes('/api/v1/events?') && u.includes('token=')), 'the event stream was opened with a token');
  assert.deepEqual(urls.filter((u) => !u.startsWith(base) && !u.startsWith('data:')), [], 'nothing is fetched from another origin');
});
