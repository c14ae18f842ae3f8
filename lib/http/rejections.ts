import { createLogger } from "@/lib/log";

const log = createLogger("api");

/**
 * Rejected requests are logged, but anonymous traffic must not be able to fill the log table:
 * per route and code, the first `perMinute` rejections of a minute are written one by one,
 * the rest only counted and written as one summary line when the minute is over.
 */
export class RejectionLog {
  private minute = -1;
  private readonly counts = new Map<string, number>();

  constructor(
    readonly perMinute = 20,
    private readonly maxKeys = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  record(route: string, rejection: { status: number; code: string; message: string }): void {
    const minute = Math.floor(this.now() / 60_000);
    if (minute !== this.minute) {
      this.summarise();
      this.minute = minute;
    }
    const key = `${route}: rejected (${rejection.code})`;
    if (this.counts.size >= this.maxKeys && !this.counts.has(key)) return;
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    if (count > this.perMinute) return;
    // A client that went away is not a problem worth a warning.
    const level = rejection.code === "request_aborted" ? "info" : "warn";
    log[level](key, { status: rejection.status, message: rejection.message.slice(0, 500) });
  }

  /** Writes the counts of what went unlogged since the minute began (also at shutdown). */
  summarise(): void {
    for (const [key, count] of this.counts) {
      if (count > this.perMinute) log.warn(`${key}: ${count - this.perMinute} more in the same minute, not logged one by one`, { total: count });
    }
    this.counts.clear();
  }
}

const globalForRejections = globalThis as unknown as { kanaRejectionLog?: RejectionLog };

/** The process's rejection log, shared by every route bundle. */
export function rejectionLog(): RejectionLog {
  return (globalForRejections.kanaRejectionLog ??= new RejectionLog());
}
