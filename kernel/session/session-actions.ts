/**
 * The actions an intercepted session is given (intercepted-relay.ts SessionActions): server
 * switches (backend-transition.ts) and a backend's kick (backend-kick.ts). Built here so the
 * session's relay imports none of the phases that act on it.
 */
import { afterKick, kickHook } from './backend-kick.ts';
import { switchServer } from './backend-transition.ts';
import type { SessionActions } from './intercepted-relay.ts';

export const sessionActions: SessionActions = Object.freeze({ switchTo: switchServer, kickHook, kicked: afterKick });
