import http from "node:http";

export interface HttpReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json<T = Record<string, unknown>>(): T;
  ms: number;
}

/**
 * One HTTP request with what fetch cannot do: a chosen source address on the loopback net
 * (127.0.0.2, 127.0.0.3, ...: several "clients" on one machine) and headers fetch forbids.
 */
export function httpRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; localAddress?: string; timeoutMs?: number } = {},
): Promise<HttpReply> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: options.method ?? "GET", headers: options.headers, localAddress: options.localAddress, timeout: options.timeoutMs ?? 30_000 },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (c: Buffer) => chunks.push(c));
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json: () => JSON.parse(text), ms: performance.now() - started });
        });
      },
    );
    request.on("timeout", () => request.destroy(new Error(`no answer from ${url} within ${options.timeoutMs ?? 30_000} ms`)));
    request.on("error", reject);
    request.end(options.body);
  });
}

const cookiesOf = (reply: HttpReply) => (reply.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]);

/**
 * Signs in through next-auth's credentials endpoint as the sign-in page does (CSRF token
 * first, then the form post). Returns the session cookie on success.
 */
export async function signInOverHttp(
  base: string,
  username: string,
  password: string,
  localAddress?: string,
): Promise<{ ok: boolean; status: number; cookie: string | null; ms: number; error: string | null }> {
  const started = performance.now();
  const csrf = await httpRequest(`${base}/api/auth/csrf`, { localAddress });
  const { csrfToken } = csrf.json<{ csrfToken: string }>();
  const reply = await httpRequest(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    localAddress,
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookiesOf(csrf).join("; ") },
    body: new URLSearchParams({ csrfToken, username, password, json: "true" }).toString(),
  });
  const session = cookiesOf(reply).find((c) => c.startsWith("next-auth.session-token="));
  const error = new URL((reply.json<{ url?: string }>().url ?? base).toString(), base).searchParams.get("error");
  return { ok: Boolean(session), status: reply.status, cookie: session ?? null, ms: performance.now() - started, error };
}
