/**
 * Packets from the backend after login (clientbound), in the configuration state (1.20.2+) and
 * in play. The kernel watches where the state changes: Finish Configuration (→ play) and Start
 * Configuration (play → configuration, a backend reconfiguring the client). Everything else is
 * relayed as the backend framed it unless a hook or filter asked for it.
 */
import { kernelIds } from '../protocol/ids/index.ts';
import type { StateTable } from './client-play.ts';

export function clientboundStates(protocol: number): StateTable {
  const ids = kernelIds(protocol);
  const finish = ids.config.cb.finishConfiguration;
  const start = ids.play.cb.startConfiguration;
  return {
    transition: (state, id) => (state === 'configuration' ? (id === finish ? 'play' : undefined) : id === start ? 'configuration' : undefined),
    ids: (state) => (state === 'configuration' ? [finish] : [start]).filter((id) => id >= 0),
  };
}
