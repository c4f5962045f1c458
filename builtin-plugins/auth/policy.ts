/** The password policy ([plugins.auth.password_policy]); compiled once, checked per password. */
import type { MessageKey, MessageVars } from './messages.ts';

export interface PolicySettings {
  min_length: number;
  max_length: number;
  check_username: boolean;
  blocked_passwords: readonly string[];
}

export interface PolicyViolation {
  key: MessageKey;
  vars?: MessageVars;
}

export type PasswordPolicy = (password: string, username: string) => PolicyViolation | undefined;

/** `extraBlocked` comes from `blocked_passwords_file`. Blocked passwords compare case-insensitively. */
export function compilePolicy(settings: PolicySettings, extraBlocked: Iterable<string> = []): PasswordPolicy {
  const blocked = new Set([...settings.blocked_passwords, ...extraBlocked].map((p) => p.trim().toLowerCase()).filter((p) => p !== ''));
  return function checkPassword(password, username): PolicyViolation | undefined {
    const length = [...password].length;
    if (length < settings.min_length) return { key: 'password_too_short', vars: { min: settings.min_length } };
    if (length > settings.max_length) return { key: 'password_too_long', vars: { max: settings.max_length } };
    if (settings.check_username && username !== '' && password.toLowerCase().includes(username.toLowerCase())) return { key: 'password_contains_name' };
    if (blocked.has(password.toLowerCase())) return { key: 'password_blocked' };
    return undefined;
  };
}

/** A blocked-passwords file: one a line, `#` comments and blank lines skipped. */
export function parseBlockedList(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}
