import { eq } from "drizzle-orm";
import { strToU8, zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, jobs, modelVersions } from "@/db/schema";
import { seedDefaultTags } from "@/lib/data";
import { IMAGE_PIXELS, NUM_CLASSES } from "@/lib/kmnist";
import { artifactToZip, MANIFEST_FILE, type ModelArtifact } from "@/lib/ml";
import { treeArtifact } from "@/lib/testing/artifacts";
import { createPostgresTestDatabase, createTempStore, type TestDatabase } from "@/lib/testing/database";
import { sessionCookie } from "@/lib/testing/sessions";

const SECRET = "upload-test-secret-upload-test-secret-0123";
let database: TestDatabase;
let store: Awaited<ReturnType<typeof createTempStore>>;
let route: typeof import("./route");
let adminCookie: string;

/** A one-leaf CART tree: loadable and answering, so it passes the ML core's load check. */
const LEAF = {
  kind: "cart",
  classes: NUM_CLASSES,
  features: IMAGE_PIXELS,
  feature: [-1],
  threshold: [0],
  left: [-1],
  right: [-1],
  counts: Array.from({ length: NUM_CLASSES }, (_, i) => i + 1),
};
const validArtifact = (name = "uploaded-tree") => treeArtifact(name, { tree: LEAF, manifest: { author: "ada", datasetTag: "kmnist-holdout" } });

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  store = await createTempStore();
  process.env.DATABASE_URL = database.url;
  process.env.STORAGE_DIR = store.root;
  process.env.AUTH_SECRET = SECRET;
  process.env.UPLOAD_MAX_BYTES = String(200 * 1024);
  await seedDefaultTags(database.db);
  route = await import("./route");
  adminCookie = await sessionCookie(SECRET, "admin", "ada-admin");
});
afterAll(async () => {
  const { closeDatabase } = await import("@/lib/db");
  await closeDatabase();
  await database?.cleanup();
  await store?.cleanup();
});

function upload(file: Uint8Array | null, fields: Record<string, string> = {}, cookie: string | null = adminCookie) {
  const form = new FormData();
  if (file) form.set("file", new Blob([new Uint8Array(file)], { type: "application/zip" }), "model.zip");
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return route.POST(new Request("http://localhost/api/admin/models", { method: "POST", body: form, headers: cookie ? { cookie } : {} }));
}

const zipOf = (files: Record<string, Uint8Array>) => zipSync(files);
const manifestBytes = (artifact: ModelArtifact, change: Record<string, unknown> = {}) => strToU8(JSON.stringify({ ...artifact.manifest, ...change }));

async function nothingStored() {
  expect(await database.db.select().from(modelVersions)).toEqual([]);
  expect(await store.list("models")).toEqual([]);
}

describe("POST /api/admin/models (upload)", () => {
  it("rejects hostile and broken uploads with the reason, storing nothing", async () => {
    const good = validArtifact();
    const tree = good.files["tree.json"];
    const cases: Array<[string, Promise<Response>, number, RegExp]> = [
      ["no session", upload(artifactToZip(good), {}, null), 401, /Sign in/],
      ["non-admin session", upload(artifactToZip(good), {}, await sessionCookie(SECRET, "user")), 403, /admin role/],
      ["no file", upload(null, { name: "x" }), 422, /attach the model/],
      ["not a zip", upload(strToU8("hello, not a zip")), 422, /not a readable zip/],
      ["zip-slip ../ path", upload(zipOf({ "../evil.json": tree, [MANIFEST_FILE]: manifestBytes(good) })), 422, /unsafe path/],
      ["absolute path", upload(zipOf({ "/etc/passwd": tree, [MANIFEST_FILE]: manifestBytes(good) })), 422, /unsafe path/],
      ["nested ../ in a folder", upload(zipOf({ "model/../../x": tree, "model/manifest.json": manifestBytes(good) })), 422, /unsafe path/],
      ["no manifest", upload(zipOf({ "tree.json": tree })), 422, /no manifest\.json/],
      ["manifest not JSON", upload(zipOf({ "tree.json": tree, [MANIFEST_FILE]: strToU8("{oops") })), 422, /not JSON/],
      [
        "wrong manifest schema",
        upload(zipOf({ "tree.json": tree, [MANIFEST_FILE]: manifestBytes(good, { format: "other/9", labels: [] }) })),
        422,
        /Invalid manifest: format.*labels/,
      ],
      [
        "mismatched checksum",
        upload(zipOf({ "tree.json": strToU8(JSON.stringify({ ...LEAF, counts: LEAF.counts.map(() => 1) })), [MANIFEST_FILE]: manifestBytes(good) })),
        422,
        /does not match its sha256/,
      ],
      [
        "unlisted extra file",
        upload(zipOf({ "tree.json": tree, "extra.bin": strToU8("x"), [MANIFEST_FILE]: manifestBytes(good) })),
        422,
        /not listed in the manifest/,
      ],
      ["oversized file", upload(new Uint8Array(300 * 1024)), 413, /limit/],
      ["unknown dataset tag", upload(artifactToZip(good), { datasetTag: "no-such-tag" }), 422, /dataset tag "no-such-tag" does not exist/],
      ["bad name override", upload(artifactToZip(good), { name: "Bad Name!" }), 422, /name/],
      ["NUL in a field", upload(artifactToZip(good), { author: "a\u0000b" }), 422, /NUL characters/],
      ["NUL in the manifest", upload(zipOf({ "tree.json": tree, [MANIFEST_FILE]: manifestBytes(good, { author: "x\u0000y" }) })), 422, /NUL characters/],
      ["valid zip, model that will not load", upload(artifactToZip(treeArtifact("stub-tree"))), 422, /cannot load or run this model.*not a valid CART tree/],
    ];
    for (const [label, pending, status, message] of cases) {
      const response = await pending;
      const body = await response.json();
      expect([label, response.status, body.error?.message]).toEqual([label, status, expect.stringMatching(message)]);
    }
    const notMultipart = await route.POST(
      new Request("http://localhost/api/admin/models", { method: "POST", body: "{}", headers: { cookie: adminCookie, "content-type": "application/json" } }),
    );
    expect(notMultipart.status).toBe(415);
    await nothingStored();
  });

  it("registers a valid zip with the form's metadata, audits it and queues its benchmark", async () => {
    const response = await upload(artifactToZip(validArtifact()), { author: "grace", metrics: "top_k_accuracy, log_loss" });
    expect(response.status).toBe(201);
    const body = await response.json();
    expect(body).toMatchObject({ name: "uploaded-tree", version: 1, algorithm: "tree", datasetTag: "kmnist-holdout", url: `/models/${body.id}` });
    const [version] = await database.db.select().from(modelVersions).where(eq(modelVersions.id, body.id));
    expect(version).toMatchObject({ author: "grace", datasetTag: "kmnist-holdout" });
    expect((version.manifest as { metrics: string[] }).metrics).toEqual(["top_k_accuracy", "log_loss"]);
    expect(await store.list(`models/uploaded-tree/1`)).toHaveLength(2);
    const [audit] = await database.db.select().from(auditLog).where(eq(auditLog.action, "upload"));
    expect(audit).toMatchObject({ actor: "ada-admin", entity: "model_versions", entityId: String(body.id) });
    const queued = await database.db.select().from(jobs).where(eq(jobs.name, "benchmarks"));
    expect(queued).toHaveLength(1);
    expect(queued[0].payload).toMatchObject({ reason: "upload" });

    // A zip made by a zip tool, with the artifact inside one folder, works too.
    const again = validArtifact();
    const folder = zipOf({ "my-model/tree.json": again.files["tree.json"], "my-model/manifest.json": manifestBytes(again) });
    const second = await upload(folder);
    expect(second.status).toBe(201);
    expect((await second.json()).version).toBe(2);
  });
});
