/**
 * `[plugins.server-wake]` in infrarust.toml. Messages take `&` (or `§`) colour codes and
 * `{placeholders}`; values are inserted after the codes are translated, so a server id cannot
 * add formatting. Every key is optional.
 */
import { z } from 'zod';
import { positiveDuration } from 'infrarust/sdk';

export const DEFAULT_MESSAGES = {
  starting_title: '&6{server} is starting',
  starting_subtitle: '&7Hold on, you join as soon as it is up',
  stopping_title: '&6{server} is stopping',
  stopping_subtitle: '&7It starts again right after; you join as soon as it is up',
  ready_title: '&a{server} is ready',
  ready_subtitle: '&7Joining…',
  waiting_action_bar: '&eWaiting for &f{server}&e to start{dots} &7({elapsed} s, {count} waiting)',
  failed_kick: '&c{server} failed to start: {cause}&r\n&7Try again in a moment.',
  timeout_kick: '&c{server} did not start in time.&r\n&7Try again in a moment.',
  passthrough_kick: '&e{server} is starting.&r\n&7Rejoin in about &f{seconds} s&7.',
} as const;

export type MessageKey = keyof typeof DEFAULT_MESSAGES;

const messages = Object.fromEntries(Object.entries(DEFAULT_MESSAGES).map(([key, text]) => [key, z.string().default(text)])) as Record<MessageKey, z.ZodDefault<z.ZodString>>;

export const ServerWakeSchema = z.strictObject({
  /**
   * How long a player waits in limbo before the `timeout_kick`. Unset: the server's own
   * `[server_manager] start_timeout` (plus 5 s), after which the manager reports it crashed.
   */
  start_timeout: positiveDuration().optional(),
  /** How often the action bar is redrawn (its dots move) and deadlines are checked. */
  update_interval: positiveDuration().prefault('1s'),
  /** How often the title is shown again (a title fades after its `stay`). */
  title_refresh_interval: positiveDuration().prefault('3s'),
  /** An unreachable backend of a server the manager calls online: wait this long, then try again. */
  retry_delay: positiveDuration().prefault('2s'),
  /** Passthrough managed servers: a join to a server that is not online starts it and is refused with `passthrough_kick`. */
  passthrough: z.boolean().default(true),
  /** `{seconds}` of `passthrough_kick` before a start of the server was measured (then: the average of the last five). */
  passthrough_estimate: positiveDuration().prefault('30s'),
  ...messages,
});

export type ServerWakeOptions = z.output<typeof ServerWakeSchema>;

/** A message with `&` codes translated and `{name}` placeholders filled (sdk `renderMessage`). */
export { renderMessage as render } from 'infrarust/sdk';
