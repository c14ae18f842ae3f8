// Over 250 lines: one class whose state (polling, jobs in flight, their abort controllers) reads best in one place.
import { Cron } from "croner";
import { and, eq, sql } from "drizzle-orm";
import { jobs } from "@/db/schema";
import type { Db } from "@/lib/db";
import { InterruptedError, isInterrupted, keepAlive, leaseOwner, retryDelayMs } from "@/lib/leases";
import { createLogger } from "@/lib/log";
import type { JobDefinition } from "./catalogue";
import { claimNextJob, memoisedSteps, reclaimStaleJobs, type Job } from "./job-rows";

export type { Job } from "./job-rows";

const log = createLogger("jobs");

export interface RunnerOptions {
  definitions: JobDefinition[];
  /** Jobs running at once across all names. */
  concurrency: number;
  /** First retry delay; doubles with each attempt (capped at 10 minutes). */
  retryBaseMs: number;
  /** A running job whose runner has not refreshed its heartbeat for this long is taken back (default 60 s). */
  leaseMs?: number;
  /** Start the definitions' cron schedules (default true; a one-off runner such as the first start's turns them off). */
  schedules?: boolean;
  pollMs?: number;
}

export interface StopOptions {
  /**
   * Ask running jobs to stop (their AbortSignal fires) instead of waiting for them: a job
   * that stops with InterruptedError goes back to the queue without using up an attempt.
   */
  abandon?: boolean;
}

/**
 * The in-process job engine used without Inngest: durable job rows in Postgres, events, cron
 * schedules (croner), a concurrency limit, retries with exponential backoff, memoised steps,
 * and recovery of jobs whose runner died. Running jobs are leased: the runner refreshes their
 * heartbeat, and any runner takes back a job whose heartbeat went stale or whose process is
 * known to be gone, so several processes can share one database.
 */
export class EmbeddedRunner {
  readonly id = leaseOwner("runner");
  private readonly crons: Cron[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly active = new Map<number, { done: Promise<void>; abort: AbortController }>();
  private stopHeartbeat: (() => void) | null = null;
  private lastReclaim = 0;
  private stopped = true;
  /** One poll at a time: two concurrent claims could both pass a concurrency check. */
  private polling = false;
  private pollAgain = false;
  /** The poll under way, so stopping can wait for its queries to finish. */
  private inFlightPoll: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly options: RunnerOptions,
  ) {}

  private get leaseMs(): number {
    return this.options.leaseMs ?? 60_000;
  }

  /** Takes back jobs whose runner is gone, starts the heartbeat, the schedules and the polling loop. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.reclaimStale();
    this.stopHeartbeat = keepAlive(this.db, jobs, this.id, this.leaseMs / 4, (error) => log.warn("job heartbeat failed", { error }));
    if (this.options.schedules === false) {
      this.schedulePoll(0);
      return;
    }
    for (const definition of this.options.definitions) {
      const schedule = definition.cron();
      if (!schedule) continue;
      this.crons.push(
        new Cron(schedule, { protect: true }, (self: Cron) => {
          const slot = (self.currentRun() ?? new Date()).toISOString();
          const options = { dedupeKey: `${definition.name}@${slot}`, unlessPending: true };
          void this.enqueue(definition.name, { trigger: "schedule", actor: "schedule" }, options).catch((error) =>
            log.error(`could not enqueue scheduled ${definition.name}`, { error }),
          );
        }),
      );
    }
    this.schedulePoll(0);
  }

  /**
   * Running jobs whose lease ran out or whose process is gone: queued again (their attempt
   * counted), or failed once every attempt is used. Returns how many were taken back.
   */
  async reclaimStale(): Promise<number> {
    this.lastReclaim = Date.now();
    return reclaimStaleJobs(this.db, this.leaseMs);
  }

  /** Stops the schedules and taking new jobs; running jobs go on (the first step of a shutdown). */
  pause(): void {
    this.stopped = true;
    for (const cron of this.crons.splice(0)) cron.stop();
    if (this.timer) clearTimeout(this.timer);
  }

  /**
   * Stops taking new jobs and waits for running ones: to finish, or with `abandon`, to give
   * up at their next check (the shutdown path).
   */
  async stop(options: StopOptions = {}): Promise<void> {
    this.pause();
    await this.inFlightPoll;
    if (options.abandon) for (const { abort } of this.active.values()) abort.abort();
    await Promise.allSettled([...this.active.values()].map((a) => a.done));
    this.stopHeartbeat?.();
    this.stopHeartbeat = null;
  }

  /**
   * Queues a job. `unlessPending` skips it when one of the same name is already waiting (a
   * schedule need not pile up runs behind a long job).
   */
  async enqueue(
    name: string,
    payload: Record<string, unknown>,
    options: { dedupeKey?: string; runAt?: Date; unlessPending?: boolean } = {},
  ): Promise<Job | null> {
    const definition = this.definition(name);
    if (options.unlessPending) {
      const [waiting] = await this.db
        .select({ id: jobs.id })
        .from(jobs)
        .where(and(eq(jobs.name, name), eq(jobs.status, "pending")))
        .limit(1);
      if (waiting) return null;
    }
    const parsed = definition.payload.parse(payload) as Record<string, unknown>;
    const [job] = await this.db
      .insert(jobs)
      .values({ name, payload: parsed, maxAttempts: definition.maxAttempts, dedupeKey: options.dedupeKey ?? null, runAt: options.runAt ?? new Date() })
      .onConflictDoNothing()
      .returning();
    if (job) this.schedulePoll(0);
    return job ?? null;
  }

  /** Delivers an event: one job for every definition it triggers. */
  async send(event: string, data: Record<string, unknown>): Promise<Job[]> {
    const created = [];
    const listeners = this.options.definitions.filter((d) => d.event === event);
    if (listeners.length === 0) throw new Error(`No job listens to event "${event}"`);
    for (const definition of listeners) {
      const job = await this.enqueue(definition.name, data, { unlessPending: definition.coalesce });
      if (job) created.push(job);
    }
    return created;
  }

  /** Resolves with the job's row once it has succeeded or failed for good; InterruptedError once this runner stops. */
  async waitFor(jobId: number, timeoutMs = 24 * 3600_000): Promise<Job> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.stopped) throw new InterruptedError("the job runner stopped before the job finished");
      const [job] = await this.db.select().from(jobs).where(eq(jobs.id, jobId));
      if (!job) throw new Error(`job ${jobId} does not exist`);
      if (job.status === "succeeded" || job.status === "failed") return job;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`job ${jobId} did not finish in time`);
  }

  /** Resolves when no job is pending or running (tests, shutdown). */
  async drain(timeoutMs = 600_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const [{ n }] = await this.db
        .select({ n: sql<number>`count(*)` })
        .from(jobs)
        .where(sql`${jobs.status} in ('pending', 'running')`);
      if (Number(n) === 0 && this.active.size === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("jobs did not finish in time");
  }

  private definition(name: string): JobDefinition {
    const found = this.options.definitions.find((d) => d.name === name);
    if (!found) throw new Error(`Unknown job "${name}"`);
    return found;
  }

  private schedulePoll(delayMs: number) {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.poll(), delayMs);
    this.timer.unref();
  }

  private poll() {
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    this.inFlightPoll = this.claimAndStart();
  }

  /** Starts due jobs up to the concurrency limit, then schedules the next poll. */
  private async claimAndStart() {
    this.polling = true;
    try {
      if (Date.now() - this.lastReclaim > this.leaseMs / 4) await this.reclaimStale();
      while (!this.stopped && this.active.size < this.options.concurrency) {
        const job = await this.claim();
        if (!job) break;
        const abort = new AbortController();
        const done = this.execute(job, abort.signal).finally(() => {
          this.active.delete(job.id);
          this.schedulePoll(0);
        });
        this.active.set(job.id, { done, abort });
      }
    } catch (error) {
      log.error("job polling failed; retrying", { error });
    } finally {
      this.polling = false;
    }
    const again = this.pollAgain;
    this.pollAgain = false;
    this.schedulePoll(again ? 0 : (this.options.pollMs ?? 1000));
  }

  /** Takes the next due job this runner knows, whose name is under its own concurrency limit. */
  private claim(): Promise<Job | null> {
    return claimNextJob(this.db, this.options.definitions, this.id);
  }

  /** A follow-up that cannot be sent is logged: the job itself has succeeded and is not run again. */
  private async sendFollowUps(job: Job, definition: JobDefinition, result: unknown) {
    for (const event of definition.followUps?.(result) ?? []) {
      try {
        await this.send(event.name, event.data);
      } catch (error) {
        log.error(`job ${job.id} (${job.name}) could not send its follow-up ${event.name}`, { error });
      }
    }
  }

  private async execute(job: Job, signal: AbortSignal) {
    const definition = this.definition(job.name);
    const mine = and(eq(jobs.id, job.id), eq(jobs.lockedBy, this.id));
    log.info(`running job ${job.id} (${job.name}), attempt ${job.attempts}/${job.maxAttempts}`);
    try {
      const result = await definition.run(definition.payload.parse(job.payload), memoisedSteps(this.db, job.id), signal);
      await this.db
        .update(jobs)
        .set({ status: "succeeded", result: JSON.parse(JSON.stringify(result ?? null)), finishedAt: new Date(), lockedBy: null })
        .where(mine);
      await this.sendFollowUps(job, definition, result);
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      if (isInterrupted(error)) {
        // Stopped by a shutdown, not by its own fault: back in the queue, this attempt not counted.
        log.info(`job ${job.id} (${job.name}) interrupted by shutdown; it resumes at the next start`);
        await this.db
          .update(jobs)
          .set({
            status: "pending",
            attempts: sql`greatest(${jobs.attempts} - 1, 0)`,
            lastError: message,
            runAt: new Date(),
            lockedBy: null,
            heartbeatAt: null,
          })
          .where(mine);
      } else if (job.attempts < job.maxAttempts) {
        const delay = retryDelayMs(this.options.retryBaseMs, job.attempts);
        log.warn(`job ${job.id} (${job.name}) failed; retry in ${delay} ms`, { error: message, attempt: job.attempts });
        await this.db
          .update(jobs)
          .set({ status: "pending", lastError: message, runAt: new Date(Date.now() + delay), lockedBy: null })
          .where(mine);
      } else {
        log.error(`job ${job.id} (${job.name}) failed after ${job.attempts} attempts`, { error: message });
        await this.db.update(jobs).set({ status: "failed", lastError: message, finishedAt: new Date(), lockedBy: null }).where(mine);
      }
    }
  }
}
