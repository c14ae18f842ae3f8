/**
 * Failed sign-ins per (user name, client address) in a sliding window, plus a looser cap
 * per user name over all addresses (a forged X-Forwarded-For must not buy unlimited
 * guesses). In memory: the app is one process; a restart forgets, which only ever errs
 * towards letting someone retry.
 */
const ANY_ADDRESS = "*";
const ANY_ADDRESS_FACTOR = 4;

export class SignInLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private key(username: string, ip: string) {
    return `${username.toLowerCase()}\u0000${ip}`;
  }

  private recent(key: string): number[] {
    const since = this.now() - this.windowMs;
    const times = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (times.length) this.failures.set(key, times);
    else this.failures.delete(key);
    return times;
  }

  /** Milliseconds until this pair may try again, or 0 when it may now. */
  retryAfterMs(username: string, ip: string): number {
    const wait = (key: string, max: number) => {
      const times = this.recent(key);
      return times.length >= max ? times[times.length - max] + this.windowMs - this.now() : 0;
    };
    return Math.max(wait(this.key(username, ip), this.maxFailures), wait(this.key(username, ANY_ADDRESS), this.maxFailures * ANY_ADDRESS_FACTOR));
  }

  recordFailure(username: string, ip: string): void {
    for (const key of [this.key(username, ip), this.key(username, ANY_ADDRESS)]) this.failures.set(key, [...this.recent(key), this.now()]);
    // Bound memory under a flood of distinct user names.
    while (this.failures.size > 10_000) this.failures.delete(this.failures.keys().next().value as string);
  }

  recordSuccess(username: string, ip: string): void {
    this.failures.delete(this.key(username, ip));
  }
}
