/** Time limits of the phases before a connection becomes a relay. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;
/** From handshake to the status request / ping, or to Login Start. */
export const PHASE_TIMEOUT_MS = 10_000;
/** A bare 0xFE (Beta ping) is followed by nothing: wait this long before treating it as complete. */
export const LEGACY_SETTLE_MS = 250;
/** A legacy ping relayed to a backend must be answered within this. */
export const LEGACY_BACKEND_TIMEOUT_MS = 5_000;
/** Each step of an intercepted login (a client's Encryption Response, a backend's next packet): vanilla's 30 s. */
export const LOGIN_STEP_TIMEOUT_MS = 30_000;
/** The kernel's own bound on the authenticator service (the plugin applies its configured timeout first). */
export const AUTH_TIMEOUT_MS = 15_000;
