import { Client, InvalidCredentialsError } from "ldapts";
import type { AppConfig } from "@/lib/config";
import { createLogger, describeError } from "@/lib/log";
import { SignInError, type AuthUser } from "./types";

const log = createLogger("auth");

export type LdapSettings = NonNullable<AppConfig["auth"]["ldap"]>;

/** RFC 4515 escaping of a value placed in a search filter: `*`, `(`, `)`, `\` and NUL lose their meaning. */
export function escapeFilterValue(value: string): string {
  return value.replace(/[\\*()\u0000]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

function client(settings: LdapSettings): Client {
  return new Client({ url: settings.url, timeout: settings.timeoutMs, connectTimeout: settings.timeoutMs });
}

/**
 * What went wrong talking to the directory, in words: ldapts names a timed-out operation by
 * its request class ("SearchRequest: Operation timed out"), which a minified build turns into
 * "eT: Operation timed out".
 */
export function describeLdapError(error: unknown, settings: LdapSettings): string {
  if (error instanceof InvalidCredentialsError) return "the service account (LDAP_BIND_DN) was refused: check LDAP_BIND_PASSWORD";
  const message = describeError(error);
  if (/Operation timed out$/.test(message)) return `the directory at ${settings.url} did not answer within ${settings.timeoutMs} ms (LDAP_TIMEOUT_MS)`;
  if (/^Connection timeout$/.test(message)) return `could not connect to ${settings.url} within ${settings.timeoutMs} ms (LDAP_TIMEOUT_MS)`;
  if (/ECONNREFUSED/.test(message)) return `${settings.url} refused the connection: is the directory running? (${message})`;
  if (/ENOTFOUND|EAI_AGAIN/.test(message)) return `the host of ${settings.url} cannot be resolved (${message})`;
  return `${settings.url}: ${message}`;
}

function unavailable(error: unknown, settings: LdapSettings): SignInError {
  const detail = describeLdapError(error, settings);
  log.error(`LDAP sign-in impossible: ${detail}`, { error: describeError(error) });
  return new SignInError("directory_unavailable", "The sign-in directory (LDAP) cannot be reached right now. Try again in a moment, or ask an administrator.");
}

/**
 * Signs a user in against the directory: find their entry with the service account, bind
 * as that entry with the given password, then map membership of the admin group to the
 * `admin` role. Throws SignInError for a refusal the person should see.
 */
export async function ldapSignIn(settings: LdapSettings, username: string, password: string): Promise<AuthUser> {
  const refused = new SignInError("invalid_credentials", "Wrong user name or password.");
  // An empty password makes an LDAP "unauthenticated bind", which succeeds: never allow it.
  if (!password) throw refused;

  const service = client(settings);
  let entry: Record<string, unknown> & { dn: string };
  let isAdmin = false;
  try {
    if (settings.bindDn) await service.bind(settings.bindDn, settings.bindPassword ?? "");
    const filter = settings.userFilter.replaceAll("{username}", escapeFilterValue(username));
    const { searchEntries } = await service.search(settings.baseDn, { scope: "sub", filter, attributes: ["dn", "cn", "mail", "uid"], sizeLimit: 2 });
    // Zero or several matches: refuse, without saying which.
    if (searchEntries.length !== 1) {
      log.warn("sign-in refused: user not found or ambiguous", { username, matches: searchEntries.length });
      throw refused;
    }
    entry = searchEntries[0];
    if (settings.adminGroupDn) {
      const dn = escapeFilterValue(entry.dn);
      const { searchEntries: groups } = await service.search(settings.adminGroupDn, {
        scope: "base",
        filter: `(|(member=${dn})(uniqueMember=${dn})(memberUid=${escapeFilterValue(username)}))`,
        attributes: ["dn"],
      });
      isAdmin = groups.length > 0;
    }
  } catch (error) {
    if (error instanceof SignInError) throw error;
    throw unavailable(error, settings);
  } finally {
    await service.unbind().catch(() => undefined);
  }

  const user = client(settings);
  try {
    await user.bind(entry.dn, password);
  } catch (error) {
    if (error instanceof InvalidCredentialsError) throw refused;
    throw unavailable(error, settings);
  } finally {
    await user.unbind().catch(() => undefined);
  }
  const first = (v: unknown) => (Array.isArray(v) ? v[0] : v) as string | undefined;
  return { id: `ldap:${entry.dn}`, name: first(entry.cn) ?? username, email: first(entry.mail) ?? null, role: isAdmin ? "admin" : "user", source: "ldap" };
}

/** Whether the directory answers (for the admin status page). */
export async function pingLdap(settings: LdapSettings): Promise<string> {
  const c = client(settings);
  try {
    if (settings.bindDn) await c.bind(settings.bindDn, settings.bindPassword ?? "");
    else await c.search("", { scope: "base", filter: "(objectClass=*)", attributes: ["namingContexts"] });
    return settings.url;
  } catch (error) {
    throw new Error(describeLdapError(error, settings), { cause: error });
  } finally {
    await c.unbind().catch(() => undefined);
  }
}
