/**
 * The slice of a pino logger the layers need. Injected rather than imported so the layers stay
 * pure (tests pass a recorder) and so every report carries `{ plugin, hook }` the same way
 * (Rollup's `logPluginError`). Errors go under `err`, the key pino's serializer understands.
 */
export interface LayerLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

