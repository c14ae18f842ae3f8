import { randomUUID } from "node:crypto";
import { Cron } from "croner";
import { and, asc, eq, lte, sql } from "drizzle-orm";
import { jobs, jobSteps } from "@/db/schema";
import type { Db } from "@/lib/db";
import { createLogger } from "@/lib/log";
import type { StepRunner } from "@/lib/pipeline";
import type { JobDefinition } from "./catalogue";

const log = createLogger("jobs");

export type Job = typeof jobs.$inferSelect;

export interface RunnerOptions {
  definitions: JobDefinition[];
  /** Jobs running at once across all names. */
  concurrency: number;
  /** First retry delay; doubles with each attempt (capped at 10 minutes). */
  retryBaseMs: number;
  pollMs?: number;
}

/** Step results stored in `job_steps`: a retried job skips what it already finished. */
function memoisedSteps(db: Db, jobId: number): StepRunner {
  return {
    async run<T>(name: string, fn: () => Promise<T>): Promise<T> {
      const [done] = await db.select().from(jobSteps).where(and(eq(jobSteps.jobId, jobId), eq(jobSteps.step, name)));
      if (done) return done.output as T;
      const output = await fn();
      await db.insert(jobSteps).values({ jobId, step: name, output: (output ?? null) as unknown }).onConflictDoNothing();
      return output;
    },
  };
}

/**
 * The in-process job engine used without Inngest: durable job rows in Postgres, events, cron
 * schedules (croner), a concurrency limit, retries with exponential backoff, memoised steps,
 * and recovery of jobs that were running when the process stopped.
 */
export class EmbeddedRunner {
  readonly id = `runner-${randomUUID().slice(0, 8)}`;
  private readonly crons: Cron[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly active = new Map<number, Promise<void>>();
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

  /** Recovers interrupted jobs, starts the schedules and the polling loop. */
  async start(): Promise<void> {
    this.stopped = false;
    // Embedded mode is one process: anything still "running" was cut off by a stop or crash.
    const recovered = await this.db
      .update(jobs)
      .set({ status: "pending", lockedBy: null, lockedAt: null, runAt: new Date() })
      .where(eq(jobs.status, "running"))
      .returning({ id: jobs.id, name: jobs.name });
    for (const job of recovered) log.warn(`resuming job ${job.id} (${job.name}) interrupted by a restart`);
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

  /** Stops taking new jobs and waits for running ones to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const cron of this.crons.splice(0)) cron.stop();
    if (this.timer) clearTimeout(this.timer);
    await this.inFlightPoll;
    await Promise.allSettled(this.active.values());
  }

  /**
   * Queues a job. `unlessPending` skips it when one of the same name is already waiting (a
   * schedule need not pile up runs behind a long job).
   */
  async enqueue(name: string, payload: Record<string, unknown>, options: { dedupeKey?: string; runAt?: Date; unlessPending?: boolean } = {}): Promise<Job | null> {
    const definition = this.definition(name);
    if (options.unlessPending) {
      const [waiting] = await this.db.select({ id: jobs.id }).from(jobs).where(and(eq(jobs.name, name), eq(jobs.status, "pending"))).limit(1);
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

  /** Resolves when no job is pending or running (tests, shutdown). */
  async drain(timeoutMs = 600_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const [{ n }] = await this.db.select({ n: sql<number>`count(*)` }).from(jobs).where(sql`${jobs.status} in ('pending', 'running')`);
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
      while (!this.stopped && this.active.size < this.options.concurrency) {
        const job = await this.claim();
        if (!job) break;
        const running = this.execute(job).finally(() => {
          this.active.delete(job.id);
          this.schedulePoll(0);
        });
        this.active.set(job.id, running);
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

  /** Takes the next due job whose name is under its own concurrency limit. */
  private async claim(): Promise<Job | null> {
    const runningByName = new Map<string, number>();
    for (const row of await this.db.select({ name: jobs.name, n: sql<number>`count(*)` }).from(jobs).where(eq(jobs.status, "running")).groupBy(jobs.name)) {
      runningByName.set(row.name, Number(row.n));
    }
    const blocked = this.options.definitions.filter((d) => (runningByName.get(d.name) ?? 0) >= d.concurrency).map((d) => d.name);
    const candidate = this.db
      .select({ id: jobs.id })
      .from(jobs)
      .where(
        and(
          eq(jobs.status, "pending"),
          lte(jobs.runAt, new Date()),
          blocked.length ? sql`${jobs.name} not in (${sql.join(blocked.map((b) => sql`${b}`), sql`, `)})` : undefined,
        ),
      )
      .orderBy(asc(jobs.runAt), asc(jobs.id))
      .limit(1)
      .for("update", { skipLocked: true });
    const [job] = await this.db
      .update(jobs)
      .set({ status: "running", attempts: sql`${jobs.attempts} + 1`, lockedBy: this.id, lockedAt: new Date() })
      .where(sql`${jobs.id} = (${candidate})`)
      .returning();
    return job ?? null;
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

  private async execute(job: Job) {
    const definition = this.definition(job.name);
    log.info(`running job ${job.id} (${job.name}), attempt ${job.attempts}/${job.maxAttempts}`);
    try {
      const result = await definition.run(definition.payload.parse(job.payload), memoisedSteps(this.db, job.id));
      await this.db
        .update(jobs)
        .set({ status: "succeeded", result: JSON.parse(JSON.stringify(result ?? null)), finishedAt: new Date(), lockedBy: null })
        .where(eq(jobs.id, job.id));
      await this.sendFollowUps(job, definition, result);
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      if (job.attempts < job.maxAttempts) {
        const delay = Math.min(this.options.retryBaseMs * 2 ** (job.attempts - 1), 600_000);
        log.warn(`job ${job.id} (${job.name}) failed; retry in ${delay} ms`, { error: message, attempt: job.attempts });
        await this.db
          .update(jobs)
          .set({ status: "pending", lastError: message, runAt: new Date(Date.now() + delay), lockedBy: null })
          .where(eq(jobs.id, job.id));
      } else {
        log.error(`job ${job.id} (${job.name}) failed after ${job.attempts} attempts`, { error: message });
        await this.db.update(jobs).set({ status: "failed", lastError: message, finishedAt: new Date(), lockedBy: null }).where(eq(jobs.id, job.id));
      }
    }
  }
}
