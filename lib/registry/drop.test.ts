import fs from "node:fs";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logs, modelVersions } from "@/db/schema";
import { artifactToZip, MANIFEST_FILE, type ModelArtifact } from "@/lib/ml";
import { treeArtifact } from "@/lib/testing/artifacts";
import { createPostgresTestDatabase, createTempStore, type TestDatabase } from "@/lib/testing/database";
import { pollModelDrops } from "./drop";

let database: TestDatabase;
let store: Awaited<ReturnType<typeof createTempStore>>;

const artifact = (name: string): ModelArtifact => treeArtifact(name, { manifest: { author: "someone", datasetTag: "kmnist-holdout", metrics: ["accuracy"] } });

async function dropDirectory(folder: string, a: ModelArtifact, overrides: Record<string, Uint8Array> = {}) {
  for (const [file, data] of Object.entries({ ...a.files, [MANIFEST_FILE]: Buffer.from(JSON.stringify(a.manifest)), ...overrides })) {
    await store.put(`drop/${folder}/${file}`, data);
  }
}

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  store = await createTempStore();
  process.env.DATABASE_URL = database.url;
  process.env.STORAGE_DIR = store.root;
  const { database: open } = await import("@/lib/db");
  await open(); // so rejections are logged to this database
});
afterAll(async () => {
  const { closeDatabase } = await import("@/lib/db");
  await closeDatabase();
  await database?.cleanup();
  await store?.cleanup();
});

describe("model drop polling", () => {
  it("registers a dropped directory and a dropped zip, then clears them from the drop", async () => {
    await dropDirectory("handmade", artifact("handmade-tree"));
    await store.put("drop/zipped.zip", artifactToZip(artifact("zipped-tree")));
    const result = await pollModelDrops(database.db, store);
    expect(result.registered.map((r) => r.entry).sort()).toEqual(["handmade", "zipped.zip"]);
    expect(result.rejected).toEqual([]);
    expect((await database.db.select().from(modelVersions)).map((v) => v.author)).toEqual(["someone", "someone"]);
    expect(await store.list("drop")).toEqual([]);
    // Nothing left: a second poll does nothing.
    expect(await pollModelDrops(database.db, store)).toEqual({ registered: [], rejected: [], waiting: [] });
  });

  it("registers an ONNX model dropped in a folder or a zip with its metadata.json; refuses a bare .onnx and one without metadata", async () => {
    const onnxModel = fs.readFileSync(path.join(process.cwd(), "lib/ml/fixtures/foreign/torch-cnn.onnx"));
    const metadata = Buffer.from(JSON.stringify({ layout: "nchw", scale: "0-1", polarity: "white-on-black", output: "logits", author: "pytorch user" }));
    await store.put("drop/from-torch/net.onnx", onnxModel);
    await store.put("drop/from-torch/metadata.json", metadata);
    await store.put("drop/zipped-torch.zip", zipSync({ "zipped-torch.onnx": new Uint8Array(onnxModel), "metadata.json": new Uint8Array(metadata) }));
    await store.put("drop/bare.onnx", onnxModel);
    await store.put("drop/no-metadata/net.onnx", onnxModel);
    // An hour later: the folder without metadata has had its grace period.
    const result = await pollModelDrops(database.db, store, Date.now() + 60 * 60 * 1000);
    expect(result.registered.map((r) => [r.entry, r.version.algorithm]).sort()).toEqual([
      ["from-torch", "onnx"],
      ["zipped-torch.zip", "onnx"],
    ]);
    expect(result.rejected.map((r) => [r.entry, r.reason]).sort()).toEqual([
      ["bare.onnx", expect.stringMatching(/put it in a folder \(or zip\) with a metadata.json/)],
      ["no-metadata", expect.stringMatching(/needs a metadata.json beside it/)],
    ]);
    const names = (await database.db.select().from(modelVersions)).map((v) => v.artifactKey.split("/")[1]);
    expect(names).toEqual(expect.arrayContaining(["net", "zipped-torch"]));
  }, 60_000);

  it.each([
    ["a corrupt zip", async () => store.put("drop/broken.zip", Buffer.from("PK\u0003\u0004 not really")), "broken.zip", /not a readable zip/],
    [
      "a zip with ../ paths",
      async () => store.put("drop/slip.zip", zipSync({ "../evil.json": Buffer.from("{}"), [MANIFEST_FILE]: Buffer.from("{}") })),
      "slip.zip",
      /unsafe path/,
    ],
    [
      "tampered weights",
      async () => dropDirectory("tampered", artifact("tampered"), { "tree.json": Buffer.from('{"kind":"evil"}') }),
      "tampered",
      /does not match its sha256/,
    ],
    [
      "an invalid manifest",
      async () => dropDirectory("badmanifest", artifact("badmanifest"), { [MANIFEST_FILE]: Buffer.from('{"name":"x"}') }),
      "badmanifest",
      /Invalid manifest/,
    ],
    ["a file that is not a zip", async () => store.put("drop/notes.txt", Buffer.from("hello")), "notes.txt", /neither a \.zip nor a folder/],
  ])("rejects %s with its reason, in the rejected prefix and the logs", async (_what, drop, entry, reason) => {
    await drop();
    const result = await pollModelDrops(database.db, store);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0].entry).toBe(entry);
    expect(result.rejected[0].reason).toMatch(reason);
    expect(await store.list("drop")).toEqual([]);
    const rejected = await store.list("rejected");
    const note = rejected.find((o) => o.key.endsWith(`-${entry}/REJECTED.txt`));
    expect(note).toBeDefined();
    expect((await store.get(note!.key)).toString()).toMatch(reason);
    const { flushLogs } = await import("@/lib/log");
    await flushLogs();
    const logged = await database.db
      .select()
      .from(logs)
      .where(and(eq(logs.component, "registry.drop"), eq(logs.level, "warn")));
    expect(logged.some((l) => l.message.includes(entry))).toBe(true);
  });

  it("waits for a directory whose files are still arriving", async () => {
    const a = artifact("slow-upload");
    await store.put(`drop/slow/${MANIFEST_FILE}`, Buffer.from(JSON.stringify(a.manifest)));
    const result = await pollModelDrops(database.db, store);
    expect(result.waiting).toEqual(["slow"]);
    await store.put("drop/slow/tree.json", a.files["tree.json"]);
    expect((await pollModelDrops(database.db, store)).registered.map((r) => r.entry)).toEqual(["slow"]);
  });
});

describe("the poll-models job", () => {
  it("registers a dropped model within one polling interval (embedded runner, 1 s schedule)", async () => {
    const { EmbeddedRunner, pollModelsJob } = await import("@/lib/jobs");
    const runner = new EmbeddedRunner(database.db, {
      definitions: [{ ...pollModelsJob, cron: () => "* * * * * *" } as typeof pollModelsJob],
      concurrency: 1,
      retryBaseMs: 10,
      pollMs: 50,
    });
    await runner.start();
    try {
      await dropDirectory("scheduled", artifact("scheduled-tree"));
      const deadline = Date.now() + 3000;
      let registered = false;
      while (!registered && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        const { models } = await import("@/db/schema");
        registered = (await database.db.select().from(models).where(eq(models.name, "scheduled-tree"))).length === 1;
      }
      expect(registered).toBe(true);
    } finally {
      await runner.stop();
    }
  });
});
