/**
 * Failed sign-ins, limited so that an attacker can neither guess passwords at leisure nor
 * lock someone else out:
 *
 * - per (user name, address): after `maxFailures` in the window the pair waits, and each
 *   lockout that follows another doubles the wait (up to a day);
 * - per address over all user names (`maxFailuresPerAddress`): password spraying;
 * - per user name over addresses it has never signed in from (`maxFailures` x 4): a
 *   distributed guess. Addresses the user has signed in from before are never held up by
 *   others' failures, so the real owner still gets in.
 *
 * Memory is bounded; entries that hold a lockout are evicted last, and the per-address cap
 * keeps one address from flooding the table with throwaway names. In memory per process: a
 * restart forgets, which only ever errs towards letting someone retry.
 */
export interface SignInLimits {
  maxFailures: number;
  windowMs: number;
  maxFailuresPerAddress: number;
  maxEntries?: number;
}

interface Entry {
  failures: number[];
  /** While locked: until when; consecutive lockouts double the wait. */
  lockedUntil: number;
  lockouts: number;
}

export interface FailureOutcome {
  /** A new lockout began with this failure: for whom and until when (for the audit log). */
  lockout: { scope: "user-address" | "address" | "user-unknown-addresses"; until: Date } | null;
}

const DAY_MS = 24 * 3600_000;
const UNKNOWN_ADDRESSES_FACTOR = 4;

export class SignInLimiter {
  private readonly entries = new Map<string, Entry>();
  private readonly knownAddresses = new Map<string, Set<string>>();
  private readonly maxEntries: number;

  constructor(
    private readonly limits: SignInLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.maxEntries = limits.maxEntries ?? 10_000;
  }

  private keys(username: string, ip: string) {
    const user = username.toLowerCase();
    const known = this.knownAddresses.get(user)?.has(ip) ?? false;
    return {
      pair: `pair\u0000${user}\u0000${ip}`,
      address: `addr\u0000${ip}`,
      // A known address does not count towards, nor wait for, the user's unknown-address cap.
      unknown: known ? null : `user\u0000${user}`,
    };
  }

  private wait(key: string | null): number {
    const entry = key ? this.entries.get(key) : undefined;
    return entry ? Math.max(0, entry.lockedUntil - this.now()) : 0;
  }

  /** Milliseconds until this user name may be tried from this address, or 0 when it may now. */
  retryAfterMs(username: string, ip: string): number {
    const { pair, address, unknown } = this.keys(username, ip);
    return Math.max(this.wait(pair), this.wait(address), this.wait(unknown));
  }

  recordFailure(username: string, ip: string): FailureOutcome {
    const { pair, address, unknown } = this.keys(username, ip);
    const { maxFailures, maxFailuresPerAddress } = this.limits;
    let lockout: FailureOutcome["lockout"] = null;
    const scopes = [
      [pair, maxFailures, "user-address"],
      [address, maxFailuresPerAddress, "address"],
      [unknown, maxFailures * UNKNOWN_ADDRESSES_FACTOR, "user-unknown-addresses"],
    ] as const;
    for (const [key, max, scope] of scopes) {
      if (!key) continue;
      const until = this.fail(key, max);
      if (until !== null && lockout === null) lockout = { scope, until: new Date(until) };
    }
    this.evict();
    return { lockout };
  }

  /** A success clears the pair's failures and makes the address one this user is known to use. */
  recordSuccess(username: string, ip: string): void {
    const user = username.toLowerCase();
    this.entries.delete(this.keys(username, ip).pair);
    const known = this.knownAddresses.get(user) ?? new Set<string>();
    known.add(ip);
    // Few addresses per person; bounded all the same.
    if (known.size > 20) known.delete(known.values().next().value as string);
    this.knownAddresses.delete(user);
    this.knownAddresses.set(user, known);
    while (this.knownAddresses.size > this.maxEntries) this.knownAddresses.delete(this.knownAddresses.keys().next().value as string);
  }

  /** Adds a failure; returns when a lockout it starts ends, or null. */
  private fail(key: string, max: number): number | null {
    const now = this.now();
    const entry = this.entries.get(key) ?? { failures: [], lockedUntil: 0, lockouts: 0 };
    entry.failures = entry.failures.filter((t) => t > now - this.limits.windowMs);
    entry.failures.push(now);
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (entry.failures.length < max) return null;
    entry.lockouts = entry.lockedUntil > now - this.limits.windowMs * 2 ** entry.lockouts ? entry.lockouts + 1 : 1;
    entry.lockedUntil = now + Math.min(DAY_MS, this.limits.windowMs * 2 ** (entry.lockouts - 1));
    entry.failures = [];
    return entry.lockedUntil;
  }

  /** Over the bound: entries without an active lockout go first, oldest first. */
  private evict() {
    if (this.entries.size <= this.maxEntries) return;
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries) return;
      if (entry.lockedUntil <= now) this.entries.delete(key);
    }
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }
}
