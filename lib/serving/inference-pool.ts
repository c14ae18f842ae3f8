import type { Worker } from "node:worker_threads";
import { IMAGE_PIXELS, NUM_CLASSES } from "@/lib/kmnist";
import { createLogger } from "@/lib/log";
import { telemetry } from "@/lib/telemetry";
import { startTsWorker, stopWorker } from "@/lib/workers";
import type { InferenceReply, InferenceRequest } from "./inference-protocol";

const log = createLogger("serving");

interface Waiting {
  pixels: Uint8Array;
  resolve(probabilities: Float32Array): void;
  reject(error: Error): void;
}

interface Queue {
  items: Waiting[];
  /** Cancels the scheduled flush, if one is scheduled. */
  cancel: (() => void) | null;
}

export interface BatchingOptions {
  /** Largest batch sent to the worker. */
  maxBatch: number;
  /** How long the first request of a batch waits for company. */
  maxWaitMs: number;
}

/**
 * Dynamic micro-batching in front of one inference worker thread. When the worker is idle a
 * request goes at once (joined by whatever arrived in the same event-loop turn); while it is
 * busy, requests collect until the batch in flight returns, `maxBatch` are waiting, or
 * `maxWaitMs` passes. Low load pays no batching delay; high load gets large batches. The
 * HTTP thread only copies bytes.
 */
export class InferencePool {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly inFlight = new Map<number, { resolve(p: Float32Array): void; reject(e: Error): void }>();
  private readonly queues = new Map<string, Queue>();

  /** Totals since start: images predicted and the batches they went in. */
  readonly stats = { images: 0, batches: 0 };

  constructor(private readonly options: BatchingOptions) {}

  /** Class probabilities (10) for one 28x28 image of 0-255 bytes. */
  predict(artifactKey: string, pixels: Uint8Array): Promise<Float32Array> {
    if (pixels.length !== IMAGE_PIXELS) throw new Error(`expected ${IMAGE_PIXELS} pixels, got ${pixels.length}`);
    const depth = telemetry().inferenceQueueDepth;
    depth.inc();
    return new Promise<Float32Array>((resolve, reject) => {
      let queue = this.queues.get(artifactKey);
      if (!queue) {
        queue = { items: [], cancel: null };
        this.queues.set(artifactKey, queue);
      }
      queue.items.push({ pixels, resolve, reject });
      if (queue.items.length >= this.options.maxBatch) this.flush(artifactKey);
      else if (!queue.cancel) this.schedule(artifactKey, queue, this.inFlight.size === 0 ? 0 : this.options.maxWaitMs);
    }).finally(() => depth.dec());
  }

  /** Loads a model in the worker ahead of traffic (champion warm-up). */
  async preload(artifactKey: string): Promise<void> {
    await this.send({ type: "load", id: this.nextId++, artifactKey });
  }

  /** Lets the worker free its models (bounded wait), then ends it. */
  async close(): Promise<void> {
    const worker = this.worker;
    if (worker) {
      const id = this.nextId++;
      const released = new Promise<void>((resolve) => {
        this.inFlight.set(id, { resolve: () => resolve(), reject: () => resolve() });
        worker.postMessage({ type: "release", id } satisfies InferenceRequest);
      });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([released, new Promise<void>((resolve) => (timer = setTimeout(resolve, 2000)))]);
      clearTimeout(timer);
    }
    this.worker = null;
    if (worker) await stopWorker(worker);
  }

  private flush(artifactKey: string) {
    const queue = this.queues.get(artifactKey);
    if (!queue) return;
    queue.cancel?.();
    queue.cancel = null;
    const batch = queue.items.splice(0, this.options.maxBatch);
    if (queue.items.length > 0) this.schedule(artifactKey, queue, 0);
    if (batch.length === 0) return;
    this.stats.images += batch.length;
    this.stats.batches += 1;
    telemetry().inferenceBatchSize.observe(batch.length);

    const pixels = new Float32Array(batch.length * IMAGE_PIXELS);
    batch.forEach((item, k) => {
      for (let p = 0; p < IMAGE_PIXELS; p++) pixels[k * IMAGE_PIXELS + p] = item.pixels[p] / 255;
    });
    this.send({ type: "predict", id: this.nextId++, artifactKey, count: batch.length, pixels }, [pixels.buffer]).then(
      (probabilities) => batch.forEach((item, k) => item.resolve(probabilities.slice(k * NUM_CLASSES, (k + 1) * NUM_CLASSES))),
      (error: Error) => batch.forEach((item) => item.reject(error)),
    );
  }

  /** 0 ms means "after this event-loop turn", so requests arriving together share a batch. */
  private schedule(artifactKey: string, queue: Queue, delayMs: number) {
    if (delayMs === 0) {
      const handle = setImmediate(() => this.flush(artifactKey));
      queue.cancel = () => clearImmediate(handle);
    } else {
      const handle = setTimeout(() => this.flush(artifactKey), delayMs);
      queue.cancel = () => clearTimeout(handle);
    }
  }

  /** A batch came back: what collected meanwhile goes now rather than after its timer. */
  private flushWaiting() {
    for (const [key, queue] of this.queues) if (queue.items.length > 0) this.flush(key);
  }

  private send(request: InferenceRequest, transfer: ArrayBuffer[] = []): Promise<Float32Array> {
    return new Promise((resolve, reject) => {
      this.inFlight.set(request.id, { resolve, reject });
      this.ensureWorker().postMessage(request, transfer);
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = startTsWorker("lib/serving/inference-worker.ts", null);
    worker.unref();
    worker.on("message", (reply: InferenceReply) => {
      const waiting = this.inFlight.get(reply.id);
      if (!waiting) return;
      this.inFlight.delete(reply.id);
      if (reply.type === "result") waiting.resolve(reply.probabilities);
      else waiting.reject(new Error(reply.message));
      this.flushWaiting();
    });
    const fail = (error: Error) => {
      if (this.worker !== worker) return;
      this.worker = null;
      log.error("inference worker stopped; it restarts on the next request", { error });
      for (const [id, waiting] of this.inFlight) {
        this.inFlight.delete(id);
        waiting.reject(error);
      }
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`inference worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }
}
