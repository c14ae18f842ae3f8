/**
 * Starts a worker that runs ONNX Runtime without pause and stops it, `rounds` times, either
 * through the native gate (`gate`) or with a bare `worker.terminate()` (`terminate`). Prints
 * "survived" if the process lived through every round.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { startTsWorker, stopWorker } from "@/lib/workers";

const [mode, rounds] = [process.argv[2], Number(process.argv[3] ?? 10)];
for (let round = 1; round <= rounds; round++) {
  const worker = startTsWorker("lib/testing/ort-loop-worker.ts", null);
  await new Promise((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  await sleep(5 + Math.random() * 30);
  if (mode === "gate") await stopWorker(worker);
  else await worker.terminate();
  console.log(`round ${round} stopped`);
}
console.log("survived");
