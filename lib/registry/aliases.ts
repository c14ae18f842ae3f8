import { desc, eq, sql } from "drizzle-orm";
import { aliasHistory, auditLog, modelAliases, models, modelVersions } from "@/db/schema";
import type { Db } from "@/lib/db";
import { createLogger } from "@/lib/log";

const log = createLogger("registry");

export const CHAMPION = "champion";
const ALIAS_PATTERN = /^[a-z][a-z0-9_-]{0,39}$/;

export class RegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RegistryError";
  }
}

export interface AliasChange {
  alias?: string;
  actor: string;
  reason: string;
  metrics?: Record<string, unknown>;
}

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

async function versionLabel(tx: Tx | Db, versionId: number): Promise<{ id: number; label: string; archived: boolean }> {
  const [row] = await tx
    .select({ id: modelVersions.id, name: models.name, version: modelVersions.version, archived: modelVersions.archived })
    .from(modelVersions)
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .where(eq(modelVersions.id, versionId));
  if (!row) throw new RegistryError(`No model version with id ${versionId}`);
  return { id: row.id, label: `${row.name}@${row.version}`, archived: row.archived };
}

async function moveAlias(db: Db, toVersionId: number, action: "promote" | "rollback", change: AliasChange): Promise<{ from: number | null; to: number }> {
  const alias = change.alias ?? CHAMPION;
  if (!ALIAS_PATTERN.test(alias)) throw new RegistryError(`"${alias}" is not a valid alias (lowercase letters, digits, '-' or '_')`);
  return db.transaction(async (tx) => {
    const target = await versionLabel(tx, toVersionId);
    if (target.archived) throw new RegistryError(`${target.label} is archived and cannot hold an alias`);
    // Serialises moves of one alias, including its first one (a row lock needs a row).
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`alias:${alias}`}))`);
    const [current] = await tx.select().from(modelAliases).where(eq(modelAliases.alias, alias));
    const from = current?.modelVersionId ?? null;
    if (from === toVersionId) throw new RegistryError(`${alias} already points at ${target.label}`);
    await tx
      .insert(modelAliases)
      .values({ alias, modelVersionId: toVersionId })
      .onConflictDoUpdate({ target: modelAliases.alias, set: { modelVersionId: toVersionId, updatedAt: new Date() } });
    await tx
      .insert(aliasHistory)
      .values({ alias, fromVersionId: from, toVersionId, action, actor: change.actor, reason: change.reason, metrics: change.metrics });
    await tx.insert(auditLog).values({
      actor: change.actor,
      action: `alias.${action}`,
      entity: "model_alias",
      entityId: alias,
      before: from === null ? null : { modelVersionId: from },
      after: { modelVersionId: toVersionId, reason: change.reason },
    });
    log.info(`${alias} → ${target.label} (${action})`, { actor: change.actor, reason: change.reason });
    return { from, to: toVersionId };
  });
}

/** Points the alias (default `champion`) at a version, recording who, why and the numbers. */
export function promote(db: Db, versionId: number, change: AliasChange) {
  return moveAlias(db, versionId, "promote", change);
}

/**
 * Moves the alias back: to `toVersionId` if given (it must have held the alias before),
 * otherwise to the version it pointed at before its latest move.
 */
export async function rollback(db: Db, change: AliasChange & { toVersionId?: number }) {
  const alias = change.alias ?? CHAMPION;
  const history = await db.select().from(aliasHistory).where(eq(aliasHistory.alias, alias)).orderBy(desc(aliasHistory.id));
  const [current] = await db.select().from(modelAliases).where(eq(modelAliases.alias, alias));
  if (!current) throw new RegistryError(`${alias} is not set; there is nothing to roll back`);
  let target = change.toVersionId;
  if (target === undefined) {
    target = history.find((h) => h.toVersionId === current.modelVersionId && h.fromVersionId !== null)?.fromVersionId ?? undefined;
    if (target === undefined) throw new RegistryError(`${alias} has no earlier version to roll back to`);
  } else if (!history.some((h) => h.toVersionId === target)) {
    throw new RegistryError(`version ${target} never held ${alias}; promote it instead`);
  }
  return moveAlias(db, target, "rollback", change);
}

/** Archives a version (no longer served or promoted); refuses while an alias points at it. */
export async function archiveVersion(db: Db, versionId: number, change: Omit<AliasChange, "alias" | "metrics">) {
  await db.transaction(async (tx) => {
    const target = await versionLabel(tx, versionId);
    const holding = await tx.select().from(modelAliases).where(eq(modelAliases.modelVersionId, versionId));
    if (holding.length > 0) throw new RegistryError(`${target.label} is ${holding.map((h) => h.alias).join(", ")}; move the alias first`);
    if (target.archived) return;
    await tx.update(modelVersions).set({ archived: true }).where(eq(modelVersions.id, versionId));
    await tx.insert(auditLog).values({
      actor: change.actor,
      action: "model_version.archive",
      entity: "model_version",
      entityId: String(versionId),
      before: { archived: false },
      after: { archived: true, reason: change.reason },
    });
  });
}

export async function aliasTarget(db: Db, alias: string): Promise<number | null> {
  const [row] = await db.select({ id: modelAliases.modelVersionId }).from(modelAliases).where(eq(modelAliases.alias, alias));
  return row?.id ?? null;
}

export async function aliasHistoryOf(db: Db, alias = CHAMPION, limit = 50) {
  return (
    db
      .select({
        id: aliasHistory.id,
        alias: aliasHistory.alias,
        fromVersionId: aliasHistory.fromVersionId,
        toVersionId: aliasHistory.toVersionId,
        action: aliasHistory.action,
        actor: aliasHistory.actor,
        reason: aliasHistory.reason,
        metrics: aliasHistory.metrics,
        createdAt: aliasHistory.createdAt,
      })
      .from(aliasHistory)
      .where(eq(aliasHistory.alias, alias))
      // By id: ids follow the order moves took the alias lock; created_at is transaction start.
      .orderBy(desc(aliasHistory.id))
      .limit(limit)
  );
}
