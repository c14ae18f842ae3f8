import type { Worker } from "node:worker_threads";
import { stopWorker } from "./native-gate";
import { startTsWorker } from "./ts-worker";

/** A task's reply from a pool worker (see `servePoolTasks`). */
type PoolReply<R> = { id: number; ok: true; result: R } | { id: number; ok: false; message: string; stack?: string };

interface Pending<T, R> {
  id: number;
  task: T;
  transfer: ArrayBuffer[];
  resolve: (result: R) => void;
  reject: (error: Error) => void;
}

interface Slot<T, R> {
  worker: Worker;
  current: Pending<T, R> | null;
  /** Being stopped: a reply it still sends (its native calls now fail) does not count; its exit fails the task as a crash. */
  stopping: boolean;
}

/** The worker running a task died (crash, out of memory, terminated) before answering. */
export class WorkerCrashedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WorkerCrashedError";
  }
}

/**
 * A fixed number of long-lived worker threads running one TypeScript module, each doing one
 * task at a time; extra tasks wait in a queue. A worker that dies fails only its own task
 * and is replaced, so the pool keeps its size.
 */
export class WorkerPool<T, R> {
  private readonly slots: Slot<T, R>[] = [];
  private readonly queue: Pending<T, R>[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly modulePath: string,
    readonly size: number,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`worker pool size must be a positive integer, got ${size}`);
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  run(task: T, transfer: ArrayBuffer[] = []): Promise<R> {
    if (this.closed) return Promise.reject(new Error("worker pool is closed"));
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, transfer, resolve, reject });
      this.dispatch();
    });
  }

  /** Tasks running now (one per busy worker). */
  get busy(): number {
    return this.slots.filter((s) => s.current).length;
  }

  /** Stops every worker; tasks still queued or running are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new Error("worker pool closed"));
    await Promise.all(this.slots.map((slot) => stopWorker(slot.worker)));
  }

  /** Terminates the worker that runs the task for which `match` is true (crash tests). */
  async terminateWhere(match: (task: T) => boolean): Promise<boolean> {
    const slot = this.slots.find((s) => s.current && match(s.current.task));
    if (!slot) return false;
    slot.stopping = true;
    await stopWorker(slot.worker);
    return true;
  }

  private spawn(): Slot<T, R> {
    const slot: Slot<T, R> = { worker: startTsWorker(this.modulePath, null), current: null, stopping: false };
    // An idle worker does not keep the process alive; a busy one does (its caller awaits it).
    slot.worker.unref();
    slot.worker.on("message", (reply: PoolReply<R>) => {
      const pending = slot.current;
      if (!pending || pending.id !== reply.id || slot.stopping) return;
      slot.current = null;
      slot.worker.unref();
      if (reply.ok) pending.resolve(reply.result);
      else pending.reject(Object.assign(new Error(reply.message), { stack: reply.stack }));
      this.dispatch();
    });
    const died = (reason: string) => {
      const index = this.slots.indexOf(slot);
      if (index < 0) return;
      slot.current?.reject(new WorkerCrashedError(`worker thread ${reason} while running a task`));
      slot.current = null;
      if (this.closed) return;
      this.slots[index] = this.spawn();
      this.dispatch();
    };
    slot.worker.on("error", (error) => died(`failed (${error.message})`));
    slot.worker.on("exit", (code) => died(`exited with code ${code}`));
    return slot;
  }

  private dispatch() {
    for (const slot of this.slots) {
      if (slot.current) continue;
      const next = this.queue.shift();
      if (!next) return;
      slot.current = next;
      slot.worker.ref();
      slot.worker.postMessage({ id: next.id, task: next.task }, next.transfer);
    }
  }
}

/**
 * Worker side of a pool: answers each task message with `handle`'s result (or its error).
 * `transfer` lists the buffers of a result to move rather than copy.
 */
export function servePoolTasks<T, R>(
  port: import("node:worker_threads").MessagePort,
  handle: (task: T) => Promise<R>,
  transfer: (result: R) => ArrayBuffer[] = () => [],
): void {
  port.on("message", async ({ id, task }: { id: number; task: T }) => {
    try {
      const result = await handle(task);
      port.postMessage({ id, ok: true, result } satisfies PoolReply<R>, transfer(result));
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      port.postMessage({ id, ok: false, message: err.message, stack: err.stack } satisfies PoolReply<R>);
    }
  });
}
