import fs from "node:fs";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { trainAndRegister } from "@/lib/pipeline";
import { startAppServer, type AppServer } from "@/lib/testing/app-server";
import { createPostgresTestDatabase, createTempStore, importTestKmnist, type TestDatabase } from "@/lib/testing/database";
import { httpRequest, signInOverHttp, type HttpReply } from "@/lib/testing/http";

/**
 * Pathological images from anonymous clients must not take the server down for everyone
 * else: eight at a time (SVG filters, 40-megapixel PNGs, 1x10,000,000 PNGs) while another
 * client polls health and signs in, on the real server.
 */
const ADMIN_PASSWORD = "hostile-decoding-admin";
const ROUND_MS = 15_000;
let database: TestDatabase;
let store: Awaited<ReturnType<typeof createTempStore>>;
let server: AppServer;

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  store = await createTempStore();
  await importTestKmnist(database.db, store);
  await trainAndRegister(database.db, store, { algorithm: "logreg", hyperparameters: { epochs: 1 } });
  // The shipped per-client limits (the test suite turns them off elsewhere).
  const defaults = { PREDICT_RATE_LIMIT: "20", PREDICT_RATE_BURST: "40", PREDICT_CLIENT_CONCURRENCY: "8", FEEDBACK_RATE_LIMIT: "30" };
  server = await startAppServer({ DATABASE_URL: database.url!, STORAGE_DIR: store.root, ADMIN_PASSWORD, LOG_LEVEL: "warn", ...defaults });
}, 180_000);
afterAll(async () => {
  await server?.stop();
  await database?.cleanup();
  await store?.cleanup();
});

const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${server.process.pid}/status`, "utf8"))![1]) / 1024;

async function hostileImages(): Promise<Array<{ name: string; type: string; body: Buffer }>> {
  const svg = Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" width="6000" height="6000"><filter id="f"><feGaussianBlur stdDeviation="300"/><feMorphology radius="200"/></filter><rect width="6000" height="6000" filter="url(#f)"/></svg>',
  );
  // Forty megapixels of white paper: cheap to send (compressed), costly to decode naively.
  const huge = await sharp({ create: { width: 6324, height: 6324, channels: 3, background: "white" } })
    .greyscale()
    .png({ compressionLevel: 9 })
    .toBuffer();
  const tall = await sharp({ create: { width: 1, height: 10_000_000, channels: 3, background: "white" } })
    .greyscale()
    .png({ compressionLevel: 9 })
    .toBuffer();
  return [
    { name: "svg filter", type: "image/svg+xml", body: svg },
    { name: "svg filter (as png)", type: "image/png", body: svg },
    { name: "40 MP png", type: "image/png", body: huge },
    { name: "40 MP png", type: "image/png", body: huge },
    { name: "40 MP png", type: "image/png", body: huge },
    { name: "1x10M png", type: "image/png", body: tall },
    { name: "1x10M png", type: "image/png", body: tall },
    { name: "1x10M png", type: "image/png", body: tall },
  ];
}

describe("hostile decoding under load", () => {
  it("keeps health under 500 ms and sign-in under 1 s, bounds memory, and ends every hostile request with a 4xx or 503", async () => {
    const images = await hostileImages();
    const baseline = rssMb();
    let peak = baseline;
    const hostile: Array<{ name: string; status: number; ms: number }> = [];
    const health: number[] = [];
    const signIns: number[] = [];
    const deadline = Date.now() + ROUND_MS;

    // Eight hostile clients, each sending its image again as soon as it is answered.
    const attackers = images.map(async (image, i) => {
      while (Date.now() < deadline) {
        const reply: HttpReply = await httpRequest(`${server.url}/api/predict`, {
          method: "POST",
          headers: { "content-type": image.type },
          body: image.body,
          localAddress: `127.0.1.${i + 1}`,
          timeoutMs: 30_000,
        });
        hostile.push({ name: image.name, status: reply.status, ms: reply.ms });
        if (reply.status === 429) await new Promise((r) => setTimeout(r, 200));
      }
    });
    const poller = (async () => {
      while (Date.now() < deadline) {
        const reply = await httpRequest(`${server.url}/api/health`, { localAddress: "127.0.2.1" });
        expect(reply.status).toBe(200);
        health.push(reply.ms);
        peak = Math.max(peak, rssMb());
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const signer = (async () => {
      while (Date.now() < deadline) {
        const result = await signInOverHttp(server.url, "admin", ADMIN_PASSWORD, "127.0.2.2");
        expect(result.ok).toBe(true);
        signIns.push(result.ms);
        await new Promise((r) => setTimeout(r, 1000));
      }
    })();
    await Promise.all([...attackers, poller, signer]);

    const byKind = new Map<string, number>();
    for (const h of hostile) byKind.set(`${h.name}: ${h.status}`, (byKind.get(`${h.name}: ${h.status}`) ?? 0) + 1);
    console.info(
      `hostile decoding for ${ROUND_MS / 1000} s: ${hostile.length} hostile requests (${[...byKind].map(([k, n]) => `${k} x${n}`).join(", ")}), slowest ${Math.round(Math.max(...hostile.map((h) => h.ms)))} ms; ` +
        `health max ${Math.round(Math.max(...health))} ms over ${health.length} polls; sign-in max ${Math.round(Math.max(...signIns))} ms over ${signIns.length}; ` +
        `RSS ${Math.round(baseline)} -> peak ${Math.round(peak)} MB`,
    );
    expect(Math.max(...health)).toBeLessThan(500);
    expect(Math.max(...signIns)).toBeLessThan(1000);
    expect(peak - baseline).toBeLessThan(1024);
    for (const h of hostile) {
      expect([h.name, h.status >= 400 && h.status < 500 ? "4xx" : h.status]).toEqual([h.name, expect.stringMatching(/^4xx$|^503$/)]);
    }
    expect(hostile.some((h) => h.name === "40 MP png" && h.status === 422)).toBe(true);
  }, 120_000);
});
