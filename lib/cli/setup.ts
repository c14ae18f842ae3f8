import { trainInitialModels } from "@/lib/bootstrap";
import { config } from "@/lib/config";
import { prepareKmnist } from "@/lib/data";
import { getDb } from "@/lib/db";
import { objectStore } from "@/lib/storage";
import { runCli } from "./run";

/** `npm run setup`: migrate, import KMNIST, seed tags and (unless TRAIN_ON_START=false) train initial models. */
runCli(async () => {
  const cfg = config();
  const db = await getDb();
  const store = objectStore();
  await prepareKmnist(db, store);
  if (cfg.trainOnStart) await trainInitialModels(db, store);
});
