/**
 * Attack mode: on as soon as the join rate exceeds `threshold` logins per second, off once it
 * has not exceeded it for `cooldownMs`. The detector is told of every login (`record`) and
 * asked for the state (`check`, also from a periodic tick so an attack ends without joins);
 * both report a transition to `onChange`. Pure: the clock is passed in.
 */
import { JoinRate } from './join-rate.ts';

export interface AttackOptions {
  threshold: number;
  windowMs: number;
  cooldownMs: number;
}

export interface AttackStart {
  readonly type: 'started';
  readonly at: number;
  readonly joinsPerSecond: number;
}

export interface AttackEnd {
  readonly type: 'ended';
  readonly at: number;
  readonly startedAt: number;
  readonly peakJoinsPerSecond: number;
  /** Logins recorded while the attack lasted (the one that started it included). */
  readonly joins: number;
}

export type AttackChange = AttackStart | AttackEnd;

export class AttackDetector {
  private readonly rate: JoinRate;
  private active = false;
  private startedAt = 0;
  private lastAbove = 0;
  private peak = 0;
  private joins = 0;
  private started = 0;

  constructor(private readonly options: AttackOptions, private readonly onChange: (change: AttackChange) => void = () => undefined) {
    this.rate = new JoinRate(options.windowMs);
  }

  /** One login, over all addresses and servers. */
  record(now: number): void {
    this.rate.record(now);
    if (this.active) this.joins++;
    this.check(now);
  }

  /** Whether the proxy is under attack at `now` (updating the state first). */
  check(now: number): boolean {
    const rate = this.rate.perSecond(now);
    if (rate > this.options.threshold) {
      this.lastAbove = now;
      if (!this.active) this.start(now, rate);
      this.peak = Math.max(this.peak, rate);
    } else if (this.active && now - this.lastAbove >= this.options.cooldownMs) {
      this.active = false;
      this.onChange({ type: 'ended', at: now, startedAt: this.startedAt, peakJoinsPerSecond: this.peak, joins: this.joins });
    }
    return this.active;
  }

  /** The current rate, without changing the state. */
  joinsPerSecond(now: number): number {
    return this.rate.perSecond(now);
  }

  get underAttack(): boolean {
    return this.active;
  }

  /** How many times attack mode turned on. */
  get attacks(): number {
    return this.started;
  }

  private start(now: number, rate: number): void {
    this.active = true;
    this.started++;
    this.startedAt = now;
    this.peak = rate;
    this.joins = this.rate.count(now);
    this.onChange({ type: 'started', at: now, joinsPerSecond: rate });
  }
}
