/**
 * A separate process running the embedded job runner, for crash tests: with `enqueue` it
 * first requests a (fast) training pipeline, with `sweep` a benchmark sweep; it exits when
 * no job is left.
 */
import { closeDatabase } from "@/lib/db";
import { BENCHMARKS_REQUESTED, embeddedRunner, TRAIN_REQUESTED } from "@/lib/jobs";

const runner = await embeddedRunner();
if (process.argv[2] === "enqueue") {
  await runner.send(TRAIN_REQUESTED, {
    trigger: "event",
    actor: "crash-test",
    hyperparameters: { logreg: { epochs: 2 }, tree: { maxDepth: 4 }, cnn: { epochs: 3, filters: 8, dropout: 0, augment: false } },
  });
}
if (process.argv[2] === "sweep") await runner.send(BENCHMARKS_REQUESTED, { reason: "crash-test" });
await runner.drain();
await runner.stop();
await closeDatabase();
process.exit(0);
