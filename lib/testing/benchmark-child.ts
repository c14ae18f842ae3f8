/** A separate process running one benchmark sweep, for crash tests (killed with SIGKILL). */
import { engineOptions, runPendingBenchmarks } from "@/lib/benchmark";
import { closeDatabase, getDb } from "@/lib/db";
import { objectStore } from "@/lib/storage";

await runPendingBenchmarks({ db: await getDb(), store: objectStore() }, engineOptions({ workers: 1, explain: false, owner: "child" }));
await closeDatabase();
process.exit(0);
