/**
 * Cross-site request forgery: a page on another origin (another port of the same host
 * included) can make a signed-in browser send requests here. Browsers say where a request
 * comes from (Sec-Fetch-Site, Origin); state-changing requests from elsewhere are refused.
 * Requests without either header do not come from a web page (curl, scripts) and carry no
 * ambient credentials to abuse.
 */
export function crossSiteReason(request: Request, publicUrl: string | null): string | null {
  const site = request.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return `the request comes from another site (Sec-Fetch-Site: ${site})`;
  const origin = request.headers.get("origin");
  if (origin === null) return null;
  if (origin === ownOrigin(request) || origin === publicUrl) return null;
  return `the request comes from another origin (${origin.slice(0, 100)})`;
}

/** This server's origin as the browser addressed it (our HTTP server normalises the forwarded headers). */
export function ownOrigin(request: Request): string {
  const url = new URL(request.url);
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host") ?? url.host;
  const proto = request.headers.get("x-forwarded-proto") ?? url.protocol.replace(":", "");
  return `${proto}://${host}`;
}
