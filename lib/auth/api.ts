import { z } from "zod";
import { operation } from "@/lib/http";

/** next-auth's endpoints, as far as this app serves them (the credentials provider only). */
const path = "/api/auth/{nextauth}";
const params = z.object({
  nextauth: z.array(z.string()).meta({ description: "providers | session | csrf | signin | signout | error, or callback/credentials (POST)" }),
});

export const authGetOperation = operation({
  id: "authGet",
  method: "GET",
  path,
  tag: "Sign-in",
  access: "public",
  summary: "next-auth: the session, a CSRF token, the providers, and its sign-in and sign-out pages",
  params,
  responses: { 200: { description: "next-auth's answer" }, 302: { description: "A redirect to a page of this site" } },
  errors: {
    400: { description: "callbackUrl is not a path of this site", codes: ["invalid_callback_url"] },
    404: { description: "No such sign-in endpoint", codes: ["not_found"] },
    405: { description: "Credentials are POSTed", codes: ["method_not_allowed"] },
  },
});

export const authPostOperation = operation({
  id: "authPost",
  method: "POST",
  path,
  tag: "Sign-in",
  access: "public",
  summary: "next-auth: sign in with user name and password (callback/credentials, with the CSRF token), or sign out",
  params,
  rawBodies: {
    "application/x-www-form-urlencoded": z.object({
      csrfToken: z.string(),
      username: z.string().optional(),
      password: z.string().optional(),
      callbackUrl: z.string().optional(),
      json: z.string().optional(),
    }),
  },
  responses: { 200: { description: "next-auth's answer (with `json=true`)" }, 302: { description: "A redirect to a page of this site" } },
  errors: {
    400: { description: "callbackUrl is not a path of this site", codes: ["invalid_callback_url"] },
    404: { description: "No such sign-in endpoint", codes: ["not_found"] },
  },
});
