/**
 * The one error registry. Every error the kernel raises on purpose carries a stable
 * `IR_ERR_<AREA>_<WHAT>` code. Codes are never reused or renamed; docs/errors.md lists them
 * (a test keeps the two in sync).
 */
export const ERROR_CODES = {
  IR_ERR_CONFIG_READ: 'A config file could not be read',
  IR_ERR_CONFIG_PARSE: 'A config file is not valid TOML',
  IR_ERR_CONFIG_INVALID: 'A config file has keys or values that fail validation',
  IR_ERR_CONFIG_SERVERS_DIR: 'The servers directory cannot be created or read',
  IR_ERR_CLI_USAGE: 'The command line could not be understood',
  IR_ERR_PROTO_VARINT_TOO_BIG: 'A VarInt or VarLong ran past its maximum length',
  IR_ERR_PROTO_FRAME_TOO_BIG: 'A frame is larger than the 2 MiB limit',
  IR_ERR_PROTO_FRAME_INVALID: 'A frame has a negative or malformed length',
  IR_ERR_PROTO_TRUNCATED: 'A packet ended before a field was complete',
  IR_ERR_PROTO_STRING_TOO_LONG: 'A string is longer than its field allows',
  IR_ERR_PROTO_DECOMPRESSED_TOO_BIG: 'A compressed packet claims or inflates past the 8 MiB limit',
  IR_ERR_PROTO_COMPRESSION_INVALID: 'A compressed packet is malformed',
  IR_ERR_PROTO_UNEXPECTED_PACKET: 'A packet arrived that the current state does not allow',
  IR_ERR_PROTO_HANDSHAKE_INVALID: 'The first packet is not a valid handshake',
  IR_ERR_PROTO_FIELD_INVALID: 'A packet field has an impossible value (a negative or oversized length, a bad key size)',
  IR_ERR_PROTO_PROXY_HEADER: 'A PROXY protocol header is missing, malformed, longer than 536 bytes or not sent within 5 s',
  IR_ERR_CONN_HANDSHAKE_TIMEOUT: 'The client did not complete its handshake in time',
  IR_ERR_CONN_LIMIT: 'The proxy is at max_connections',
  IR_ERR_CONN_PRE_ROUTE_PER_IP: 'An address already holds max_pre_route_per_ip connections that are not routed yet, so a new one was closed unread',
  IR_ERR_CONN_PRE_ROUTE_BUDGET: 'pre_route_memory_mb is used up, so a connection that sent more than a handshake before being routed was closed',
  IR_ERR_BACKEND_UNREACHABLE: 'No backend address answered within connect_timeout',
  IR_ERR_FORWARDING_SECRET: 'The forwarding secret file ([forwarding] secret_file) is empty, unreadable, or missing and cannot be created',
  IR_ERR_ROUTE_UNKNOWN_DOMAIN: 'No server is configured for the requested domain',
  IR_ERR_NET_LISTEN: 'The proxy could not listen on its bind address',
  IR_ERR_PLUGIN_MANIFEST: 'A plugin.json is missing, unreadable or invalid',
  IR_ERR_PLUGIN_API_VERSION: 'A plugin needs an API version this proxy does not provide',
  IR_ERR_PLUGIN_DUPLICATE: 'Two plugins declare the same id',
  IR_ERR_PLUGIN_DEPENDENCY: 'A plugin cannot load because a dependency is missing, failed or forms a cycle',
  IR_ERR_PLUGIN_CONFIG: "A plugin's [plugins.<id>] settings fail its config schema",
  IR_ERR_PLUGIN_SETUP: 'A plugin threw or timed out in setup',
  IR_ERR_PLUGIN_HOOK: 'A plugin hook threw or timed out',
  IR_ERR_PLUGIN_SCAFFOLD: '`plugin new` cannot create the plugin folder',
  IR_ERR_PLUGIN_BUILD: "A native plugin's TypeScript failed to bundle (esbuild errors with file:line:col)",
  IR_ERR_PLUGIN_INVALID_MODULE: "A native plugin's entry does not default-export definePlugin({ setup })",
  IR_ERR_PLUGIN_TYPES: 'In --dev, a native plugin has TypeScript type errors (file:line:col), so that version was not loaded',
  IR_ERR_PLUGIN_REGISTRATION_INVALID: 'A listener or filter was registered with a bad priority, id or packet selector',
  IR_ERR_PLUGIN_FILTER_DUPLICATE: 'Two filters in the same layer have the same id',
  IR_ERR_PLUGIN_FILTER_CYCLE: 'The after/before constraints of some filters form a cycle',
  IR_ERR_PLUGIN_CODEC_REJECT: 'A codec filter returned an error verdict, so the connection was closed',
  IR_ERR_CONN_TRANSPORT_REJECTED: 'A transport filter refused the connection or its bytes',
  IR_ERR_CONN_CLOSED: 'A peer of an intercepted session closed its connection',
  IR_ERR_SESSION_TIMEOUT: 'A peer of an intercepted session did not send the next login packet in time',
  IR_ERR_SESSION_VERIFY_TOKEN: 'The client answered the encryption request with a wrong verify token or shared secret',
  IR_ERR_SESSION_AUTH_FAILED: 'The authenticator did not verify the player (client_only)',
  IR_ERR_SESSION_BACKEND_ONLINE: 'The backend asked for encryption: it is in online mode, which an intercepted session cannot log in to',
  IR_ERR_SESSION_BACKEND_KICKED: 'The backend refused the login with a disconnect',
  IR_ERR_PLUGIN_CRITICAL: 'A critical (security) plugin failed to load, so the proxy does not start',
  IR_ERR_PLUGIN_FAULT: "A plugin's own async code (a timer, a promise) threw or rejected with nobody handling it, so the plugin was unloaded (a critical one stays loaded, failing closed)",
  IR_ERR_PROCESS_UNCAUGHT: 'An exception that no plugin code raised reached the top of the event loop, so the proxy exited with code 70 for its supervisor to restart it',
  IR_ERR_PROCESS_UNHANDLED_REJECTION: 'A promise rejection that no plugin code raised went unhandled; it is logged and the proxy keeps serving',
  IR_ERR_PROCESS_STALLED: 'The event loop was blocked longer than [events] stall_timeout, so the watchdog killed the process for its supervisor to restart it',
  IR_ERR_LIMBO_NO_DATA: "The limbo has no pre-encoded world for the client's protocol version (or state), so it cannot hold that player",
  IR_ERR_LIMBO_KEEPALIVE_TIMEOUT: 'A player held in limbo did not answer a keepalive within 15 s, so it was disconnected',
  IR_ERR_WASM_INVALID: 'A .wasm plugin is not a component jco can transpile, or its metadata does not match its plugin.json',
  IR_ERR_WASM_WASI_IMPORT: 'A WASM plugin imports a wasi:* interface; only pure components (no WASI) load',
  IR_ERR_WASM_CAPABILITY: 'A WASM plugin imports an interface that [plugins.<id>] permissions does not grant, or one this host does not provide',
  IR_ERR_WASM_DEADLINE: 'A WASM guest call overran its deadline, so its worker was terminated and the guest re-instantiated',
  IR_ERR_WASM_GUEST: 'A WASM guest trapped, threw or returned a malformed value',
  IR_ERR_WASM_TOOLCHAIN: 'The WASM toolchain (@bytecodealliance/jco, an optional dependency) is not installed, so a new component cannot be transpiled or built',
  IR_ERR_WASM_BUILD: '`plugin build` could not bundle or componentize a WASM guest',
  IR_ERR_WASM_MEMORY: 'A WASM guest ran out of memory at its maximum ([plugins.<id>.wasm] memory_limit_mb), so it was re-instantiated',
  IR_ERR_WASM_BUDGET: 'A WASM guest made more host calls in one call than allowed, so the call failed and the guest was re-instantiated',
  IR_ERR_WASM_QUEUE_FULL: 'A call to a WASM guest was refused because queue_capacity calls were already waiting for it',
  IR_ERR_WASM_QUARANTINED: 'A WASM plugin faulted more often than [wasm.recovery] max_restarts in its window and was disabled until reloaded',
  IR_ERR_WASM_VERSION: 'A WASM component was built against another version of the infrarust:plugin WIT package than this proxy provides',
  IR_ERR_API_UNAUTHORIZED: 'An admin API request had no Authorization: Bearer key, or a wrong one',
  IR_ERR_API_RATE_LIMITED: 'An admin API client sent more than [web.rate_limit] requests_per_minute; Retry-After says when to try again',
  IR_ERR_API_INVALID_REQUEST: 'An admin API request body, query or path failed validation (the message names the field)',
  IR_ERR_API_BODY_TOO_LARGE: 'An admin API request body is larger than the 64 KiB limit',
  IR_ERR_API_UNSUPPORTED_MEDIA: 'An admin API request body is not application/json',
  IR_ERR_API_NOT_FOUND: 'No such admin API route, player, server, ban or plugin',
  IR_ERR_API_CONFLICT: 'The admin API action cannot apply to the target in its current state (a passthrough player, a busy switch, a server that is not managed)',
  IR_ERR_API_NOT_IMPLEMENTED: 'The admin API action needs a service no loaded plugin provides (e.g. starting a server without a server manager)',
  IR_ERR_API_UNAVAILABLE: 'The plugin behind an admin API route is not loaded (e.g. bans without the ban plugin)',
  IR_ERR_API_INTERNAL: 'An admin API handler failed unexpectedly (logged with the cause)',
  IR_ERR_API_KEY: '[web] api_key is too short or missing on a non-loopback bind, or the generated key file cannot be written, so the admin API does not start',
  IR_ERR_API_LISTEN: 'The admin API or the metrics endpoint could not listen on its bind address',
  IR_ERR_TELEMETRY_EXPORT: 'The OpenTelemetry exporter could not be started (packages missing or a bad endpoint)',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Base class of every deliberate error: a stable code, a message that says what to do, a cause. */
export class InfrarustError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'InfrarustError';
  }
}

/** True when `err` is an InfrarustError, optionally with the given code. */
export function isInfrarustError(err: unknown, code?: ErrorCode): err is InfrarustError {
  return err instanceof InfrarustError && (code === undefined || err.code === code);
}
