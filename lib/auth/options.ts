import type { NextAuthOptions, User } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { config } from "@/lib/config";
import { CLIENT_ADDRESS_HEADER } from "@/lib/limits";
import { safeRedirectPath } from "@/lib/safe-redirect";
import { signInWithPassword } from "./sign-in";
import { SignInError } from "./types";

/** Sessions last a working day; signing in again after that is cheap. */
const SESSION_SECONDS = 8 * 60 * 60;

/** The address our HTTP server resolved (never a client-chosen X-Forwarded-For; see TRUST_PROXY). */
function clientAddress(headers: Record<string, unknown> | undefined): string {
  const value = headers?.[CLIENT_ADDRESS_HEADER];
  return typeof value === "string" && value ? value : "unknown";
}

/** next-auth: one credentials provider (LDAP, or the local bootstrap admin), signed JWT sessions. */
export function authOptions(): NextAuthOptions {
  return {
    secret: config().auth.secret,
    session: { strategy: "jwt", maxAge: SESSION_SECONDS },
    pages: { signIn: "/signin", error: "/signin" },
    providers: [
      CredentialsProvider({
        name: "Kana Lab",
        credentials: { username: { label: "User name", type: "text" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          try {
            const user = await signInWithPassword(credentials, clientAddress(req.headers));
            return { id: user.id, name: user.name, email: user.email ?? null, role: user.role, source: user.source } satisfies User;
          } catch (error) {
            // next-auth passes an Error's message to the sign-in page as `error`.
            if (error instanceof SignInError) throw new Error(error.message);
            throw error;
          }
        },
      }),
    ],
    callbacks: {
      // next-auth's own redirects (sign-out, errors) stay on this site too.
      redirect({ url, baseUrl }) {
        if (url.startsWith(baseUrl)) return `${baseUrl}${safeRedirectPath(url.slice(baseUrl.length) || "/")}`;
        return `${baseUrl}${safeRedirectPath(url)}`;
      },
      jwt({ token, user }) {
        if (user) {
          token.role = user.role;
          token.source = user.source;
        }
        return token;
      },
      session({ session, token }) {
        if (session.user) {
          session.user.id = token.sub ?? "";
          session.user.role = token.role;
          session.user.source = token.source;
        }
        return session;
      },
    },
  };
}
