export type Role = "admin" | "user";

/** Who is signed in, as the session carries it. */
export interface AuthUser {
  /** "ldap:<dn>" or "local:<username>". */
  id: string;
  name: string;
  email?: string | null;
  role: Role;
  source: "ldap" | "local";
}

/** A sign-in refused for a reason the person should see (wrong password, directory down, too many tries). */
export class SignInError extends Error {
  constructor(
    readonly code: "invalid_credentials" | "directory_unavailable" | "rate_limited" | "invalid_request",
    message: string,
  ) {
    super(message);
    this.name = "SignInError";
  }
}
