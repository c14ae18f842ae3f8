import { config } from "@/lib/config";
import type { Db } from "@/lib/db";
import { createLogger } from "@/lib/log";
import type { ObjectStore } from "@/lib/storage";
import { importKmnist } from "./importer";
import { locateKmnistFiles } from "./kmnist-files";
import { DEFAULT_TAGS, EmptyTagError, resolveTag, seedDefaultTags } from "./tags";

const log = createLogger("data.prepare");

/** Imports KMNIST (from KMNIST_DIR or by download), seeds the default tags and resolves those with records. */
export async function prepareKmnist(db: Db, store: ObjectStore): Promise<void> {
  const files = await locateKmnistFiles(config().kmnist);
  const result = await importKmnist(db, store, files);
  log.info(`KMNIST ready (${result.protocol} protocol)`, { imported: result.imported, alreadyPresent: result.skipped });
  await seedDefaultTags(db);
  for (const { name } of DEFAULT_TAGS) {
    try {
      const { version, created } = await resolveTag(db, store, name);
      log.info(`${name}: ${version.recordCount} records, version ${version.contentHash.slice(0, 12)}${created ? " (new)" : ""}`);
    } catch (error) {
      // The feedback tag stays empty until someone gives feedback.
      if (!(error instanceof EmptyTagError)) throw error;
      log.info(`${name}: no records yet`);
    }
  }
}
