/**
 * A redirect target taken from a request (`callbackUrl`, `next`) kept on this site: only a
 * path of this origin, else `fallback`. Browsers read `/\host`, `//host`, `/%5Chost` and paths
 * with tabs or newlines (which they strip) as other origins, so the value is resolved the way
 * a browser would and must stay on the origin it started from.
 */
export function safeRedirectPath(value: unknown, fallback = "/"): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 2000) return fallback;
  if (!value.startsWith("/") || /[\u0000-\u001f\u007f\\]/.test(value)) return fallback;
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    return fallback;
  }
  if (/^\/[\\/]/.test(decoded) || /[\u0000-\u001f\u007f]/.test(decoded)) return fallback;
  const base = "http://same-origin.invalid";
  let resolved: URL;
  try {
    resolved = new URL(value, base);
  } catch {
    return fallback;
  }
  if (resolved.origin !== base) return fallback;
  return `${resolved.pathname}${resolved.search}${resolved.hash}`;
}
