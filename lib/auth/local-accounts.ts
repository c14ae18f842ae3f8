import { eq } from "drizzle-orm";
import { localAccounts } from "@/db/schema";
import type { Db } from "@/lib/db";
import { createLogger } from "@/lib/log";
import { generatePassword, hashPassword, verifyPassword } from "./passwords";
import type { AuthUser } from "./types";

const log = createLogger("auth");

export interface BootstrapResult {
  username: string;
  /** Set only when the password was generated now: shown once, never stored in clear. */
  generatedPassword: string | null;
  action: "created" | "updated" | "unchanged";
}

/**
 * Makes sure the local admin exists. ADMIN_PASSWORD, when set, is the truth (a changed
 * value replaces the stored hash); otherwise a password is generated on first start only.
 */
export async function ensureBootstrapAdmin(db: Db, username: string, configuredPassword: string | null): Promise<BootstrapResult> {
  const [existing] = await db.select().from(localAccounts).where(eq(localAccounts.username, username));
  if (existing) {
    if (configuredPassword && !(await verifyPassword(configuredPassword, existing.passwordHash))) {
      await db
        .update(localAccounts)
        .set({ passwordHash: await hashPassword(configuredPassword), role: "admin", updatedAt: new Date() })
        .where(eq(localAccounts.username, username));
      log.info("bootstrap admin password replaced from ADMIN_PASSWORD", { username });
      return { username, generatedPassword: null, action: "updated" };
    }
    return { username, generatedPassword: null, action: "unchanged" };
  }
  const generatedPassword = configuredPassword ? null : generatePassword();
  const inserted = await db
    .insert(localAccounts)
    .values({ username, passwordHash: await hashPassword(configuredPassword ?? generatedPassword!), role: "admin" })
    .onConflictDoNothing()
    .returning();
  // Another process created it between our read and insert: its password stands.
  if (inserted.length === 0) return { username, generatedPassword: null, action: "unchanged" };
  log.info("bootstrap admin created", { username, passwordFrom: configuredPassword ? "ADMIN_PASSWORD" : "generated" });
  return { username, generatedPassword, action: "created" };
}

/** The local account for these credentials, or null (unknown user and wrong password look alike). */
export async function verifyLocalAccount(db: Db, username: string, password: string): Promise<AuthUser | null> {
  const [account] = await db.select().from(localAccounts).where(eq(localAccounts.username, username));
  // Hash anyway for unknown users, so timing does not tell which user names exist.
  const ok = await verifyPassword(password, account?.passwordHash ?? DUMMY_HASH);
  if (!account || !ok) return null;
  return { id: `local:${account.username}`, name: account.username, role: account.role, source: "local" };
}

const DUMMY_HASH = "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
