import { prepareData, trainInitialModels } from "@/lib/bootstrap";
import { config, ConfigError } from "@/lib/config";
import { closeDatabase, getDb } from "@/lib/db";
import { flushLogs } from "@/lib/log";
import { objectStore } from "@/lib/storage";

/** `npm run setup`: migrate, import KMNIST, seed tags and (unless TRAIN_ON_START=false) train initial models. */
async function main() {
  const cfg = config();
  const db = await getDb();
  const store = objectStore();
  await prepareData(db, store);
  if (cfg.trainOnStart) await trainInitialModels(db, store);
}

main()
  .then(async () => {
    await flushLogs();
    await closeDatabase();
  })
  .catch(async (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    await flushLogs();
    await closeDatabase().catch(() => undefined);
    process.exit(1);
  });
