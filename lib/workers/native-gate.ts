import { isMainThread, MessageChannel, workerData, type MessagePort, type Worker } from "node:worker_threads";

/**
 * Terminating a worker thread while ONNX Runtime works in it aborts the whole process: the
 * addon's native code finds the thread's environment gone and throws a C++ exception nobody
 * catches (`terminate called after throwing an instance of 'Napi::Error'`, exit 134; every
 * time for a thread terminated in the middle of `session.run`, and about once in a hundred
 * for one terminated between calls with a live session). A thread whose sessions are
 * released can be terminated safely. So every worker started by `startTsWorker` gets:
 * - a gate in shared memory: the worker marks each native call (`guardNativeCall`); a stop
 *   closes it, waiting for a call in flight to finish, after which no call starts (nor
 *   returns: the thread is about to end);
 * - a stop port: the worker's code registers what must be freed first (`beforeThreadStops`,
 *   e.g. ONNX Runtime sessions) and the stop asks for it, bounded, before terminating.
 * `stopWorker` does both, then terminates.
 */

// Word 0: the number of native calls in flight (0 or more), or CLOSED. Word 1: 1 once the
// thread has registered something to free before it stops.
const CLOSED = -1;
const CALLS = 0;
const HAS_HOOKS = 1;

interface Control {
  gate: Int32Array;
  stopPort: MessagePort;
}

const controls = new WeakMap<Worker, Control>();

/** What a worker about to start needs (goes into its `workerData`, the port also into `transferList`), and the side its owner keeps. */
export function newWorkerControl(): { data: { nativeGate: SharedArrayBuffer; stopPort: MessagePort }; keep: Control } {
  const shared = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
  const { port1, port2 } = new MessageChannel();
  port1.unref();
  return { data: { nativeGate: shared, stopPort: port2 }, keep: { gate: new Int32Array(shared), stopPort: port1 } };
}

export function registerWorkerControl(worker: Worker, control: Control): void {
  controls.set(worker, control);
}

const own = (() => {
  if (isMainThread) return null;
  const data = workerData as { nativeGate?: SharedArrayBuffer; stopPort?: MessagePort } | null;
  return data?.nativeGate && data.stopPort ? { gate: new Int32Array(data.nativeGate), stopPort: data.stopPort } : null;
})();

const hooks: Array<() => Promise<void>> = [];

/** Registers work to do in this worker thread before it is stopped (free native resources). No-op on the main thread. */
export function beforeThreadStops(hook: () => Promise<void>): void {
  if (!own) return;
  hooks.push(hook);
  if (hooks.length > 1) return;
  Atomics.store(own.gate, HAS_HOOKS, 1);
  own.stopPort.on("message", async () => {
    for (const run of hooks) await run().catch(() => undefined);
    own.stopPort.postMessage("released");
  });
  own.stopPort.unref();
}

/** Runs a native asynchronous call so that this thread is never terminated in the middle of it. */
export async function guardNativeCall<T>(call: () => Promise<T>): Promise<T> {
  const gate = own?.gate;
  if (!gate) return call();
  for (;;) {
    const inFlight = Atomics.load(gate, CALLS);
    // The thread is about to be terminated: wait for it rather than throw (an exception
    // raised in a terminating thread can take the process down with a V8 fatal error).
    if (inFlight === CLOSED) return new Promise<never>(() => {});
    if (Atomics.compareExchange(gate, CALLS, inFlight, inFlight + 1) === inFlight) break;
  }
  try {
    return await call();
  } finally {
    Atomics.sub(gate, CALLS, 1);
    Atomics.notify(gate, CALLS);
  }
}

const stopping = new WeakMap<Worker, Promise<void>>();

/**
 * Terminates a worker once no native call is in flight in it and it has freed what it
 * registered (calling it again joins the first stop). `waitMs` bounds each wait (a batch
 * takes milliseconds); past it the worker is terminated anyway, as a hung thread must not
 * hold its owner forever.
 */
export function stopWorker(worker: Worker, waitMs = 10_000): Promise<void> {
  let stop = stopping.get(worker);
  if (!stop) {
    stop = closeThenTerminate(worker, waitMs);
    stopping.set(worker, stop);
  }
  return stop;
}

async function closeThenTerminate(worker: Worker, waitMs: number): Promise<void> {
  const control = controls.get(worker);
  if (control) {
    const { gate, stopPort } = control;
    const deadline = Date.now() + waitMs;
    for (;;) {
      const inFlight = Atomics.compareExchange(gate, CALLS, 0, CLOSED);
      if (inFlight === 0 || inFlight === CLOSED) break;
      const left = deadline - Date.now();
      if (left <= 0) break;
      const wait = Atomics.waitAsync(gate, CALLS, inFlight, Math.min(left, 1000));
      if (wait.async) await wait.value;
    }
    if (Atomics.load(gate, HAS_HOOKS) === 1) {
      let timer: NodeJS.Timeout | undefined;
      const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
      await Promise.race([
        new Promise<void>((resolve) => {
          stopPort.once("message", () => resolve());
          stopPort.postMessage("stop");
        }),
        exited,
        new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.min(waitMs, 2000)))),
      ]);
      clearTimeout(timer);
    }
    stopPort.close();
  }
  await worker.terminate();
}
