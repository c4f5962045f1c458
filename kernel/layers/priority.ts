/**
 * Listener and filter priorities are a u8 (0 first … 255 last), the same scale for the event bus
 * and both filter layers. Checked once at registration so the hot paths never re-validate.
 */
import { InfrarustError } from '../errors.ts';
import { EventPriority } from '../../sdk/events.ts';

export const DEFAULT_PRIORITY: number = EventPriority.NORMAL;

/** Returns the priority to use, or throws when it is not an integer from 0 to 255. */
export function checkPriority(priority: number | undefined, what: string): number {
  if (priority === undefined) return DEFAULT_PRIORITY;
  if (Number.isInteger(priority) && priority >= 0 && priority <= 255) return priority;
  throw new InfrarustError(
    'IR_ERR_PLUGIN_REGISTRATION_INVALID',
    `${what}: priority ${String(priority)} is not an integer from 0 to 255; use EventPriority (FIRST 0 … LAST 255) or leave it out for 128`,
  );
}
