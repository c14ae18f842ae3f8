import type { DefaultSession } from "next-auth";
import type { Role } from "@/lib/auth";

declare module "next-auth" {
  interface User {
    role: Role;
    source: "ldap" | "local";
  }
  interface Session {
    user: DefaultSession["user"] & { id: string; role: Role; source: "ldap" | "local" };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    role: Role;
    source: "ldap" | "local";
  }
}
