/**
 * The first part of `npm start` for crash tests: import KMNIST, then the initial training
 * (a durable job) with small models, through the same CLI wrapper, so SIGTERM is handled as
 * `npm start` handles it. Exits 0 once a champion exists.
 */
import { trainInitialModels } from "@/lib/bootstrap";
import { runCli } from "@/lib/cli";
import { prepareKmnist } from "@/lib/data";
import { getDb } from "@/lib/db";
import { objectStore } from "@/lib/storage";

export const SMALL_MODELS = {
  logreg: { epochs: 4 },
  tree: { maxDepth: 4 },
  cnn: { epochs: 3, filters: 8, dropout: 0, augment: false },
};

runCli(async () => {
  const db = await getDb();
  const store = objectStore();
  await prepareKmnist(db, store);
  await trainInitialModels(db, store, { hyperparameters: SMALL_MODELS });
});
