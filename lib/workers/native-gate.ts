import { isMainThread, workerData, type Worker } from "node:worker_threads";

/**
 * Terminating a worker thread while it is inside a native addon's asynchronous call (ONNX
 * Runtime's `session.run`, `InferenceSession.create`) aborts the whole process: the addon
 * finishes its work, finds the thread's environment gone and throws a C++ exception nobody
 * catches (`terminate called after throwing an instance of 'Napi::Error'`, exit 134).
 * Between such calls termination is safe. So every worker started by `startTsWorker` gets a
 * one-word gate in shared memory: the worker marks each native call (`guardNativeCall`),
 * and `stopWorker` first closes the gate, waiting for a call in flight to finish, and only
 * then terminates. A call that finds the gate closed never starts (nor returns).
 */

// The gate's one word: the number of native calls in flight (0 or more), or CLOSED.
const CLOSED = -1;

const gates = new WeakMap<Worker, Int32Array>();

/** A new gate for a worker about to start; `workerData.nativeGate` carries it into the thread. */
export function newNativeGate(): SharedArrayBuffer {
  return new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
}

export function registerNativeGate(worker: Worker, gate: SharedArrayBuffer): void {
  gates.set(worker, new Int32Array(gate));
}

function ownGate(): Int32Array | null {
  if (isMainThread) return null;
  const shared = (workerData as { nativeGate?: SharedArrayBuffer } | null)?.nativeGate;
  return shared ? new Int32Array(shared) : null;
}

const thisThreadsGate = ownGate();

/** Runs a native asynchronous call so that this thread is never terminated in the middle of it. */
export async function guardNativeCall<T>(call: () => Promise<T>): Promise<T> {
  const gate = thisThreadsGate;
  if (!gate) return call();
  for (;;) {
    const inFlight = Atomics.load(gate, 0);
    // The thread is about to be terminated: wait for it rather than throw (an exception
    // raised in a terminating thread can take the process down with a V8 fatal error).
    if (inFlight === CLOSED) return new Promise<never>(() => {});
    if (Atomics.compareExchange(gate, 0, inFlight, inFlight + 1) === inFlight) break;
  }
  try {
    return await call();
  } finally {
    Atomics.sub(gate, 0, 1);
    Atomics.notify(gate, 0);
  }
}

const stopping = new WeakMap<Worker, Promise<void>>();

/**
 * Terminates a worker once no native call is in flight in it (calling it again joins the
 * first stop). `waitMs` bounds the wait for calls to finish (a batch takes milliseconds);
 * past it the worker is terminated anyway, as a hung thread must not hold its owner forever.
 */
export function stopWorker(worker: Worker, waitMs = 10_000): Promise<void> {
  let stop = stopping.get(worker);
  if (!stop) {
    stop = closeGateThenTerminate(worker, waitMs);
    stopping.set(worker, stop);
  }
  return stop;
}

async function closeGateThenTerminate(worker: Worker, waitMs: number): Promise<void> {
  const gate = gates.get(worker);
  if (gate) {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const inFlight = Atomics.compareExchange(gate, 0, 0, CLOSED);
      if (inFlight === 0 || inFlight === CLOSED) break;
      const left = deadline - Date.now();
      if (left <= 0) break;
      const wait = Atomics.waitAsync(gate, 0, inFlight, Math.min(left, 1000));
      if (wait.async) await wait.value;
    }
  }
  await worker.terminate();
}
