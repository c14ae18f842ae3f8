import { authGetOperation, authHandler, authPostOperation } from "@/lib/auth";
import { route } from "@/lib/http";

/** next-auth's endpoints (sign-in, sign-out, session, CSRF); what it does not serve gets a named 4xx first. */
export const GET = route(authGetOperation, ({ request, params, context }) => authHandler("GET", request, params.nextauth, context));
export const POST = route(authPostOperation, ({ request, params, context }) => authHandler("POST", request, params.nextauth, context));
