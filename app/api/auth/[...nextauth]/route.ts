import { authHandler, type AuthContext } from "@/lib/auth";
import { route } from "@/lib/http/route";

/** next-auth's endpoints (sign-in, sign-out, session, CSRF); what it does not serve gets a named 4xx first. */
export const GET = route<AuthContext>({}, (request, context) => authHandler("GET", request, context));
export const POST = route<AuthContext>({ accepts: ["application/x-www-form-urlencoded"] }, (request, context) => authHandler("POST", request, context));
