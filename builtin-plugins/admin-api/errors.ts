/**
 * API errors: `{ error: { code, message } }` with the proxy's registry codes (docs/errors.md;
 * admin-api.test.ts checks each code here is registered).
 */
export const API_ERROR_STATUS = {
  IR_ERR_API_UNAUTHORIZED: 401,
  IR_ERR_API_RATE_LIMITED: 429,
  IR_ERR_API_INVALID_REQUEST: 400,
  IR_ERR_API_BODY_TOO_LARGE: 413,
  IR_ERR_API_UNSUPPORTED_MEDIA: 415,
  IR_ERR_API_NOT_FOUND: 404,
  IR_ERR_API_CONFLICT: 409,
  IR_ERR_API_NOT_IMPLEMENTED: 501,
  IR_ERR_API_UNAVAILABLE: 503,
  IR_ERR_API_INTERNAL: 500,
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

/** Thrown by handlers; the app turns it into the JSON error with its status. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.status = API_ERROR_STATUS[code];
  }
}

export const errorBody = (code: string, message: string) => ({ error: { code, message } });

/** A zod issue list as one line: `body.reason: Expected string` (the path first, for scripts). */
export function describeIssues(where: string, issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${[where, ...i.path.map(String)].join('.')}: ${i.message}`)
    .join('; ');
}
