import { z } from "zod";
import { auditLog } from "@/db/schema";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db";
import { createLogger } from "@/lib/log";
import { ldapSignIn } from "./ldap";
import { verifyLocalAccount } from "./local-accounts";
import { SignInLimiter } from "./rate-limit";
import { SignInError, type AuthUser } from "./types";

const log = createLogger("auth");

const credentialsSchema = z.object({
  username: z
    .string()
    .trim()
    .min(1, "enter a user name")
    .max(128, "user name is too long")
    .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), "user name contains control characters"),
  password: z.string().min(1, "enter a password").max(1024, "password is too long"),
});

const globalForAuth = globalThis as unknown as { kanaSignInLimiter?: SignInLimiter };

function limiter(): SignInLimiter {
  const { signInMaxFailures, signInWindowMs, signInMaxFailuresPerAddress } = config().auth;
  globalForAuth.kanaSignInLimiter ??= new SignInLimiter({
    maxFailures: signInMaxFailures,
    windowMs: signInWindowMs,
    maxFailuresPerAddress: signInMaxFailuresPerAddress,
  });
  return globalForAuth.kanaSignInLimiter;
}

/** A lockout is a security event: recorded in the audit log (who was locked, from where, until when). */
async function auditLockout(username: string, ip: string, lockout: { scope: string; until: Date }) {
  try {
    const db = await getDb();
    await db.insert(auditLog).values({
      actor: "sign-in limiter",
      action: "signin.lockout",
      entity: lockout.scope === "address" ? "address" : "user",
      entityId: lockout.scope === "address" ? ip : username,
      before: null,
      after: { username, address: ip, scope: lockout.scope, until: lockout.until.toISOString() },
    });
  } catch (error) {
    log.warn("could not record a sign-in lockout in the audit log", { error });
  }
}

/**
 * Checks credentials against LDAP when it is configured, else against the local accounts,
 * with failed attempts limited per user name and client address. Every outcome is logged.
 */
export async function signInWithPassword(raw: unknown, ip: string, deps: { limiter?: SignInLimiter } = {}): Promise<AuthUser> {
  const parsed = credentialsSchema.safeParse(raw);
  if (!parsed.success) throw new SignInError("invalid_request", parsed.error.issues[0].message);
  const { username, password } = parsed.data;
  const limits = deps.limiter ?? limiter();
  const wait = limits.retryAfterMs(username, ip);
  if (wait > 0) {
    log.warn("sign-in refused: too many failures", { username, ip });
    throw new SignInError("rate_limited", `Too many failed sign-ins. Try again in ${Math.ceil(wait / 60_000)} minute${wait > 60_000 ? "s" : ""}.`);
  }
  const { ldap } = config().auth;
  try {
    const user = ldap ? await ldapSignIn(ldap, username, password) : await verifyLocalAccount(await getDb(), username, password);
    if (!user) throw new SignInError("invalid_credentials", "Wrong user name or password.");
    limits.recordSuccess(username, ip);
    log.info("signed in", { username, ip, role: user.role, source: user.source });
    return user;
  } catch (error) {
    if (error instanceof SignInError && error.code === "invalid_credentials") {
      const { lockout } = limits.recordFailure(username, ip);
      log.warn("sign-in failed: wrong user name or password", { username, ip });
      if (lockout) {
        log.warn(`sign-in locked (${lockout.scope}) until ${lockout.until.toISOString()}`, { username, ip });
        await auditLockout(username, ip, lockout);
      }
    }
    throw error;
  }
}
