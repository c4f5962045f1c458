/**
 * Container → server: Infrarust's label set (v2 `provider/docker/labels.rs`) turned into the keys
 * of a server file, which the kernel then validates like servers/*.toml. Pure: what the Engine
 * API says of a container in, a server or the problems (each naming its label) out.
 *
 * | Label | Server key | Default |
 * |---|---|---|
 * | `infrarust.enable=true` | (opt-in) | off |
 * | `infrarust.name` | id | the container name |
 * | `infrarust.domains` (comma-separated) | `domains` | `<container>.docker.local` |
 * | `infrarust.port` | port of `addresses` | 25565 |
 * | `infrarust.network` | network whose IP is used | `[docker] network` |
 * | `infrarust.proxy_mode` | `proxy_mode` | passthrough |
 * | `infrarust.send_proxy_protocol` (`true`/`1`) | `send_proxy_protocol` | false |
 * | `infrarust.motd.text` | `[motd.online] text` | none |
 * | `infrarust.max_players` | `max_players` (the `queue` plugin's cap) | 0 |
 * | `infrarust.limbo_handlers` (comma-separated) | `limbo_handlers` | none |
 */

/** What the Engine API tells about a container (list entry or inspect, normalised by engine.ts). */
export interface ContainerInfo {
  readonly id: string;
  /** Without the leading `/`. */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly running: boolean;
  /** Network name → IP address ('' when the container has none there). */
  readonly networks: Readonly<Record<string, string>>;
  /** Published ports: container port → host IP and port. */
  readonly ports: readonly { readonly privatePort: number; readonly hostIp: string; readonly hostPort: number }[];
}

export interface LabelProblem {
  /** The label at fault, or '' for the container as a whole. */
  readonly label: string;
  readonly message: string;
}

export interface ContainerServer {
  readonly id: string;
  /** Server-file keys. */
  readonly config: Record<string, unknown>;
  /** Which server key each label fed, to name the label when the kernel refuses a key. */
  readonly labelOf: Readonly<Record<string, string>>;
}

export const ENABLE_LABEL = 'infrarust.enable';
const PROXY_MODES = ['passthrough', 'zero_copy', 'client_only', 'offline', 'server_only'];
const BOOL = new Map([['true', true], ['1', true], ['false', false], ['0', false]]);

export const isEnabled = (c: Pick<ContainerInfo, 'labels'>): boolean => c.labels[ENABLE_LABEL]?.trim().toLowerCase() === 'true';

const list = (value: string): string[] => value.split(',').map((s) => s.trim()).filter((s) => s !== '');

/**
 * The backend host: the IP on the preferred network, then any network's IP, then a published
 * binding of `port` (0.0.0.0 and :: mean this host), then the container name as a hostname.
 */
export function resolveHost(c: ContainerInfo, port: number, network: string | undefined): { host: string; port: number } {
  const preferred = network === undefined ? undefined : c.networks[network];
  if (preferred) return { host: preferred, port };
  const any = Object.values(c.networks).find((ip) => ip !== '');
  if (any !== undefined) return { host: any, port };
  const bound = c.ports.find((p) => p.privatePort === port && p.hostPort > 0);
  if (bound !== undefined) return { host: bound.hostIp === '' || bound.hostIp === '0.0.0.0' || bound.hostIp === '::' ? '127.0.0.1' : bound.hostIp, port: bound.hostPort };
  return { host: c.name, port };
}

function portOf(raw: string | undefined, problems: LabelProblem[]): number {
  if (raw === undefined) return 25565;
  const port = Number(raw.trim());
  if (/^\d+$/.test(raw.trim()) && port >= 1 && port <= 65535) return port;
  problems.push({ label: 'infrarust.port', message: `"${raw}" is not a port (1-65535)` });
  return 25565;
}

/** The server a labelled container stands for, or why it cannot be one. */
export function containerServer(c: ContainerInfo, preferredNetwork: string | undefined): ContainerServer | { problems: LabelProblem[] } {
  const l = c.labels;
  const problems: LabelProblem[] = [];
  const config: Record<string, unknown> = {};
  const labelOf: Record<string, string> = { id: 'infrarust.name', addresses: 'infrarust.port', domains: 'infrarust.domains' };
  const id = (l['infrarust.name'] ?? c.name).trim();
  if (id === '') problems.push({ label: 'infrarust.name', message: 'is empty' });
  const domains = l['infrarust.domains'] === undefined ? [`${c.name}.docker.local`] : list(l['infrarust.domains']);
  if (domains.length === 0) problems.push({ label: 'infrarust.domains', message: 'lists no domain' });
  config.domains = domains;
  const port = portOf(l['infrarust.port'], problems);
  const target = resolveHost(c, port, l['infrarust.network']?.trim() || preferredNetwork);
  config.addresses = [`${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`];
  const mode = l['infrarust.proxy_mode']?.trim().toLowerCase();
  if (mode !== undefined) {
    if (PROXY_MODES.includes(mode)) config.proxy_mode = mode;
    else problems.push({ label: 'infrarust.proxy_mode', message: `"${l['infrarust.proxy_mode']}" is not one of ${PROXY_MODES.join(', ')}` });
    labelOf.proxy_mode = 'infrarust.proxy_mode';
  }
  const spp = l['infrarust.send_proxy_protocol'];
  if (spp !== undefined) {
    const value = BOOL.get(spp.trim().toLowerCase());
    if (value === undefined) problems.push({ label: 'infrarust.send_proxy_protocol', message: `"${spp}" is not true, false, 1 or 0` });
    else config.send_proxy_protocol = value;
    labelOf.send_proxy_protocol = 'infrarust.send_proxy_protocol';
  }
  if (l['infrarust.motd.text'] !== undefined) {
    config.motd = { online: { text: l['infrarust.motd.text'] } };
    labelOf.motd = 'infrarust.motd.text';
  }
  const max = l['infrarust.max_players'];
  if (max !== undefined) {
    if (/^\d+$/.test(max.trim())) config.max_players = Number(max.trim());
    else problems.push({ label: 'infrarust.max_players', message: `"${max}" is not a whole number` });
    labelOf.max_players = 'infrarust.max_players';
  }
  if (l['infrarust.limbo_handlers'] !== undefined) {
    config.limbo_handlers = list(l['infrarust.limbo_handlers']);
    labelOf.limbo_handlers = 'infrarust.limbo_handlers';
  }
  return problems.length > 0 ? { problems } : { id, config, labelOf };
}

/** The label behind a key path the kernel refused (`proxy_mode`, `addresses[0]`, `motd.online.text`). */
export function labelForPath(labelOf: Readonly<Record<string, string>>, path: string): string {
  const head = /^[A-Za-z0-9_]+/.exec(path)?.[0] ?? '';
  return labelOf[head] ?? (path === '' ? 'infrarust.*' : `infrarust.${path}`);
}
