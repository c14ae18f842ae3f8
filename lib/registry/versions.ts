import { eq, sql } from "drizzle-orm";
import { models, modelVersions } from "@/db/schema";
import type { Db } from "@/lib/db";
import { createLogger } from "@/lib/log";
import { putArtifact, type ModelArtifact } from "@/lib/ml";
import type { ObjectStore } from "@/lib/storage";

const log = createLogger("registry");

export type ModelVersion = typeof modelVersions.$inferSelect;

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export interface RegisterOptions {
  artifact: ModelArtifact;
  /** Runs in the transaction that inserts the version: both happen, or neither. */
  onRegistered?: (tx: Tx, version: ModelVersion) => Promise<void>;
  trainingDataVersionId?: number | null;
  backend?: string | null;
  codeVersion?: string | null;
}

export function artifactPrefix(name: string, version: number): string {
  return `models/${name}/${version}`;
}

/** "name@version" for a version row (its name is the second segment of its artifact key). */
export function versionLabel(version: Pick<ModelVersion, "artifactKey" | "version">): string {
  return `${version.artifactKey.split("/")[1]}@${version.version}`;
}

/**
 * Registers an artifact as the next version of its model (created on first use). The
 * artifact is written to the object store before its row is committed, so a row never
 * points at a missing artifact; a crash in between leaves only unreferenced objects.
 */
export async function registerModelVersion(db: Db, store: ObjectStore, options: RegisterOptions): Promise<ModelVersion> {
  const { manifest } = options.artifact;
  await db.insert(models).values({ name: manifest.name }).onConflictDoNothing();
  const [model] = await db.select().from(models).where(eq(models.name, manifest.name));

  const registered = await db.transaction(async (tx) => {
    // One registration per model at a time: the version number and its artifact prefix are
    // decided and written under this lock, so concurrent uploads never share a prefix.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`model:${manifest.name}`}))`);
    const [{ next }] = await tx
      .select({ next: sql<number>`coalesce(max(${modelVersions.version}), 0) + 1` })
      .from(modelVersions)
      .where(eq(modelVersions.modelId, model.id));
    const version = Number(next);
    const artifact: ModelArtifact = { ...options.artifact, manifest: { ...manifest, version } };
    const prefix = artifactPrefix(manifest.name, version);
    await putArtifact(store, prefix, artifact);
    const [row] = await tx
      .insert(modelVersions)
      .values({
        modelId: model.id,
        version,
        algorithm: manifest.algorithm,
        author: manifest.author,
        datasetTag: manifest.datasetTag,
        trainingDataVersionId: options.trainingDataVersionId ?? null,
        hyperparameters: manifest.hyperparameters,
        manifest: artifact.manifest as unknown as Record<string, unknown>,
        artifactKey: prefix,
        weightsSha256: manifest.weightsSha256,
        backend: options.backend ?? null,
        codeVersion: options.codeVersion ?? null,
      })
      .returning();
    await options.onRegistered?.(tx, row);
    return row;
  });
  log.info(`registered ${manifest.name}@${registered.version}`, { algorithm: manifest.algorithm, artifactKey: registered.artifactKey });
  return registered;
}

export async function countModelVersions(db: Db): Promise<number> {
  const [{ n }] = await db.select({ n: sql<number>`count(*)` }).from(modelVersions);
  return Number(n);
}
