/**
 * Accounts in memory, keyed by the lower-case name, with v2's record fields. Timestamps stay the
 * strings the file had (v2's chrono RFC 3339), new ones are `toISOString()`; fields this version
 * does not know are kept as they were.
 */
export interface PremiumInfo {
  mojang_uuid: string;
  force_cracked: boolean;
  first_premium_login: string;
  last_premium_login: string | null;
  [field: string]: unknown;
}

export interface Account {
  /** Lower-case name, the key. */
  username: string;
  /** The name as the player spelled it when registering. */
  display_name: string;
  /** Argon2id (or legacy bcrypt) PHC string; null for a premium-only account. */
  password_hash: string | null;
  registered_at: string;
  last_login: string | null;
  last_ip: string | null;
  login_count: number;
  premium_info: PremiumInfo | null;
  [field: string]: unknown;
}

export class AccountStore {
  private readonly byName = new Map<string, Account>();

  constructor(accounts: readonly Account[] = [], private readonly now: () => Date = () => new Date()) {
    for (const a of accounts) this.byName.set(a.username.toLowerCase(), a);
  }

  get(name: string): Account | undefined {
    return this.byName.get(name.toLowerCase());
  }

  get size(): number {
    return this.byName.size;
  }

  /** Undefined when the name already has an account. */
  create(name: string, passwordHash: string): Account | undefined {
    const key = name.toLowerCase();
    if (this.byName.has(key)) return undefined;
    const account: Account = { username: key, display_name: name, password_hash: passwordHash, registered_at: this.stamp(), last_login: null, last_ip: null, login_count: 0, premium_info: null };
    this.byName.set(key, account);
    return account;
  }

  setHash(name: string, passwordHash: string): boolean {
    const a = this.get(name);
    if (a === undefined) return false;
    a.password_hash = passwordHash;
    return true;
  }

  delete(name: string): boolean {
    return this.byName.delete(name.toLowerCase());
  }

  recordLogin(name: string, ip: string): void {
    const a = this.get(name);
    if (a === undefined) return;
    a.last_login = this.stamp();
    a.last_ip = ip;
    a.login_count += 1;
  }

  /** A verified (premium) login: creates the premium-only account or updates `premium_info`. */
  recordPremiumLogin(name: string, mojangUuid: string, ip: string): void {
    const now = this.stamp();
    const key = name.toLowerCase();
    const a = this.byName.get(key) ?? { username: key, display_name: name, password_hash: null, registered_at: now, last_login: null, last_ip: null, login_count: 0, premium_info: null };
    a.premium_info = { ...a.premium_info, mojang_uuid: mojangUuid, force_cracked: a.premium_info?.force_cracked ?? false, first_premium_login: a.premium_info?.first_premium_login ?? now, last_premium_login: now };
    this.byName.set(key, a);
    this.recordLogin(name, ip);
  }

  snapshot(): Account[] {
    return [...this.byName.values()];
  }

  private stamp(): string {
    return this.now().toISOString();
  }
}
