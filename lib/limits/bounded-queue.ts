/** Thrown when a bounded queue is full: the caller answers 503 with Retry-After at once instead of stalling. */
export class BusyError extends Error {
  override name = "BusyError";
  readonly status = 503;
  readonly code = "busy";
  constructor(
    message: string,
    readonly retryAfterSeconds = 1,
  ) {
    super(message);
  }
}

/**
 * Runs at most `concurrency` tasks at once with at most `maxWaiting` more waiting their turn;
 * a task arriving when both are full is refused with BusyError. Bounds the CPU, memory and
 * thread-pool share of expensive work (image decoding) whatever the load.
 */
export class BoundedQueue {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly name: string,
    readonly concurrency: number,
    readonly maxWaiting: number,
  ) {}

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxWaiting) throw new BusyError(`The server is busy ${this.name}; try again in a moment.`);
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
