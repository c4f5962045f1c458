/**
 * Packets from the client after login (serverbound), in the configuration state (1.20.2+) and in
 * play. What the kernel itself watches in this direction is only where the state changes: the
 * client's Finish Configuration (→ play) and its Configuration Acknowledged (play → configuration,
 * when the backend reconfigures). Chat, commands and the rest are packet hooks and filters.
 */
import { kernelIds } from '../protocol/ids/index.ts';
import type { RelayState } from './packet-relay.ts';

export interface StateTable {
  transition(state: RelayState, id: number): RelayState | undefined;
  ids(state: RelayState): readonly number[];
}

export function serverboundStates(protocol: number): StateTable {
  const ids = kernelIds(protocol);
  const finish = ids.config.sb.finishConfiguration;
  const acknowledged = ids.play.sb.configurationAcknowledged;
  return {
    transition: (state, id) => (state === 'configuration' ? (id === finish ? 'play' : undefined) : id === acknowledged ? 'configuration' : undefined),
    ids: (state) => (state === 'configuration' ? [finish] : [acknowledged]).filter((id) => id >= 0),
  };
}
