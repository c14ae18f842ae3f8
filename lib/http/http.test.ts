import { describe, expect, it } from "vitest";
import { BusyError } from "@/lib/limits";
import { safeRedirectPath } from "@/lib/safe-redirect";
import { errorResponse, readBodyLimited } from "./errors";
import { RejectionLog } from "./rejections";
import { crossSiteReason } from "./same-origin";

describe("safeRedirectPath", () => {
  it("keeps paths of this site", () => {
    for (const path of ["/admin", "/models/3?tab=history#top", "/datasets/kmnist-holdout", "/%E3%81%82"]) expect(safeRedirectPath(path)).toBe(path);
  });

  it("refuses everything a browser would take to another origin", () => {
    for (const hostile of [
      "//evil.test/x",
      "/\\evil.test/x",
      "/%5Cevil.test/x",
      "/%5cevil.test",
      "/%2F%2Fevil.test",
      "/\t/evil.test",
      "/%09/evil.test",
      "/%0a/evil.test",
      "/%0d/evil.test",
      "https://evil.test/",
      "javascript:alert(1)",
      "evil.test",
      "",
      "/%E0%A4%A",
    ]) {
      expect([hostile, safeRedirectPath(hostile, "/fallback")]).toEqual([hostile, "/fallback"]);
    }
    expect(safeRedirectPath(undefined)).toBe("/");
    expect(safeRedirectPath(["/admin"])).toBe("/");
  });
});

describe("crossSiteReason", () => {
  const request = (headers: Record<string, string>) =>
    new Request("http://127.0.0.1:3000/api/training", { method: "POST", headers: { host: "127.0.0.1:3000", ...headers } });
  it("accepts this origin and clients that are not web pages", () => {
    expect(crossSiteReason(request({ origin: "http://127.0.0.1:3000", "sec-fetch-site": "same-origin" }), null)).toBeNull();
    expect(crossSiteReason(request({}), null)).toBeNull();
    expect(crossSiteReason(request({ origin: "https://kana.example" }), "https://kana.example")).toBeNull();
  });
  it("refuses another port of the same host, another site, and opaque origins", () => {
    expect(crossSiteReason(request({ origin: "http://127.0.0.1:4000" }), null)).toMatch(/another origin/);
    expect(crossSiteReason(request({ "sec-fetch-site": "same-site" }), null)).toMatch(/another site/);
    expect(crossSiteReason(request({ "sec-fetch-site": "cross-site" }), null)).toMatch(/another site/);
    expect(crossSiteReason(request({ origin: "null" }), null)).toMatch(/another origin/);
  });
});

describe("errors that carry their answer", () => {
  it("become their status and code, with Retry-After where they say so", async () => {
    const busy = errorResponse(new BusyError("The server is busy decoding images"), "POST /api/predict");
    expect(busy.status).toBe(503);
    expect(busy.headers.get("retry-after")).toBe("1");
    expect(await busy.json()).toEqual({ error: { code: "busy", message: "The server is busy decoding images" } });
  });

  it("turn a body that breaks off into a 400 request_aborted, not an outage", async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array([123]));
        controller.error(Object.assign(new Error("aborted"), { code: "ECONNRESET" }));
      },
    });
    const request = new Request("http://localhost/x", { method: "POST", body: stream, duplex: "half" } as RequestInit);
    await expect(readBodyLimited(request, 1000)).rejects.toMatchObject({ status: 400, code: "request_aborted" });
  });
});

describe("RejectionLog", () => {
  it("writes the first rejections of a minute one by one and counts the rest", () => {
    let now = 0;
    const log = new RejectionLog(3, 10, () => now);
    for (let i = 0; i < 10; i++) log.record("POST /api/predict", { status: 422, code: "no_ink", message: "x" });
    const counts = (log as unknown as { counts: Map<string, number> }).counts;
    expect(counts.get("POST /api/predict: rejected (no_ink)")).toBe(10);
    now += 60_000;
    log.record("POST /api/predict", { status: 422, code: "no_ink", message: "x" });
    expect(counts.get("POST /api/predict: rejected (no_ink)")).toBe(1);
    // Distinct keys beyond the bound are not remembered.
    for (let i = 0; i < 50; i++) log.record(`GET /x${i}`, { status: 404, code: "not_found", message: "x" });
    expect(counts.size).toBe(10);
  });
});
