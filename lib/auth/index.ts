/** Sign-in (LDAP or the local bootstrap admin), sessions and the route access rules. */
export { requiredAccess, decide, type Access, type Verdict } from "./access";
export { authOptions } from "./options";
export { authGetOperation, authPostOperation } from "./api";
export { authHandler } from "./endpoint";
export { currentUser, requireAdmin, requireAdminRequest, requestUser, type SessionUser } from "./session";
export { signInWithPassword } from "./sign-in";
export { ensureBootstrapAdmin, type BootstrapResult } from "./local-accounts";
export { ldapSignIn, pingLdap, escapeFilterValue } from "./ldap";
export { SignInLimiter } from "./rate-limit";
export { SignInError, type AuthUser, type Role } from "./types";
