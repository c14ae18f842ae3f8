import fc from "fast-check";
import { strToU8, zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { modelVersions } from "@/db/schema";
import { seedDefaultTags } from "@/lib/data";
import { MANIFEST_FILE } from "@/lib/ml/artifact";
import { artifactToZip } from "@/lib/ml/artifact-zip";
import { ONE_LEAF_TREE, treeArtifact } from "@/lib/testing/artifacts";
import { createPostgresTestDatabase, createTempStore, type TestDatabase } from "@/lib/testing/database";
import { kmnistPng } from "@/lib/testing/images";
import { sessionCookie } from "@/lib/testing/sessions";

/**
 * Generated hostile input (fast-check, fixed seed) against the real route handlers and the
 * admin data editor on a real PostgreSQL and object store: every answer is a success or a
 * 4xx with `{ error: { code, message } }`; nothing answers 5xx, nothing throws, and the
 * object store still agrees with the database afterwards.
 */
const SECRET = "fuzz-test-secret-fuzz-test-secret-0123456";
const SEED = 20261123;

let database: TestDatabase;
let store: Awaited<ReturnType<typeof createTempStore>>;
let adminCookie: string;
let validZip: Uint8Array;
let validPng: Buffer;
let routes: {
  predict: typeof import("./predict/route");
  feedback: typeof import("./feedback/route");
  upload: typeof import("./admin/models/route");
  training: typeof import("./training/route");
  benchmarks: typeof import("./benchmarks/route");
  artifact: typeof import("./models/versions/[id]/artifact/route");
  explanation: typeof import("./models/versions/[id]/explanation/route");
};

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  store = await createTempStore();
  process.env.DATABASE_URL = database.url;
  process.env.STORAGE_DIR = store.root;
  process.env.AUTH_SECRET = SECRET;
  process.env.UPLOAD_MAX_BYTES = String(256 * 1024);
  process.env.PREDICT_MAX_BYTES = String(256 * 1024);
  await seedDefaultTags(database.db);
  const { registerModelVersion, promote } = await import("@/lib/registry");
  const { objectStore } = await import("@/lib/storage");
  const champion = await registerModelVersion(database.db, objectStore(), { artifact: treeArtifact("fuzz-tree", { tree: ONE_LEAF_TREE }) });
  await promote(database.db, champion.id, { actor: "tests", reason: "fuzzing needs a champion" });
  adminCookie = await sessionCookie(SECRET, "admin", "fuzz-admin");
  validZip = artifactToZip(treeArtifact("fuzz-upload", { tree: ONE_LEAF_TREE }));
  validPng = await kmnistPng(new Uint8Array(784).map((_, i) => (i % 7 === 0 ? 255 : 0)), 56);
  routes = {
    predict: await import("./predict/route"),
    feedback: await import("./feedback/route"),
    upload: await import("./admin/models/route"),
    training: await import("./training/route"),
    benchmarks: await import("./benchmarks/route"),
    artifact: await import("./models/versions/[id]/artifact/route"),
    explanation: await import("./models/versions/[id]/explanation/route"),
  };
}, 120_000);

afterAll(async () => {
  const { closeDatabase } = await import("@/lib/db");
  await closeDatabase();
  await database?.cleanup();
  await store?.cleanup();
});

// ---- what every answer must look like -------------------------------------------------

const tally = new Map<string, { cases: number; statuses: Map<number, number> }>();

function count(surface: string, status: number) {
  const entry = tally.get(surface) ?? { cases: 0, statuses: new Map() };
  entry.cases++;
  entry.statuses.set(status, (entry.statuses.get(status) ?? 0) + 1);
  tally.set(surface, entry);
}

async function expectClean(surface: string, pending: Promise<Response>): Promise<void> {
  const response = await pending;
  count(surface, response.status);
  expect(response.status, `${surface} answered ${response.status}`).toBeLessThan(500);
  if (response.status >= 400) {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    expect(typeof body.error?.code).toBe("string");
    expect(typeof body.error?.message === "string" && body.error.message.length > 0).toBe(true);
  } else {
    await response.arrayBuffer();
  }
}

const run = <T,>(arbitrary: fc.Arbitrary<T>, numRuns: number, check: (value: T) => Promise<void>) =>
  fc.assert(fc.asyncProperty(arbitrary, check), { numRuns, seed: SEED, endOnFailure: true });

// ---- generators ----------------------------------------------------------------------

const anyText = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: "binary", maxLength: 40 }), fc.constantFrom("", "\u0000", "../../etc/passwd", "%00", "'; drop table models; --", "<script>alert(1)</script>", "9".repeat(400), "NaN", "-1", "1e309", "champion@-1", "x@99999999999"));
const anyNumber = fc.oneof(fc.double(), fc.integer(), fc.bigInt().map((b) => Number(b)), fc.constantFrom(0, -0, 2 ** 31, 2 ** 53, -1, 255, 256, Number.MAX_VALUE));
const anyJson = fc.jsonValue({ maxDepth: 3 });
const contentTypes = fc.constantFrom("application/json", "application/json; charset=utf-16", "text/plain", "image/png", "image/jpeg", "image/gif", "application/octet-stream", "multipart/form-data", "multipart/form-data; boundary=xyz", "application/x-www-form-urlencoded", "", "image/svg+xml");
const bytes = (maxLength: number) => fc.uint8Array({ maxLength });
/** A real PNG with some of its bytes overwritten, cut short, or extended. */
const damagedPng = fc
  .tuple(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), fc.option(fc.nat()), bytes(64))
  .map(([edits, cut, tail]) => {
    const damaged = Buffer.from(validPng);
    for (const [at, value] of edits) damaged[at % damaged.length] = value;
    return Buffer.concat([cut === null ? damaged : damaged.subarray(0, cut % damaged.length), tail]);
  });
const queryString = (keys: string[]) =>
  fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 8 })), fc.oneof(anyText, anyNumber.map(String)), { maxKeys: 4 }).map((params) => {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) search.append(k, v);
    return search.toString();
  });

// ---- requests ------------------------------------------------------------------------

const request = (path: string, body: BodyInit | null, contentType: string | null, headers: Record<string, string> = {}) =>
  new Request(`http://localhost${path}`, { method: "POST", body, headers: { ...(contentType ? { "content-type": contentType } : {}), ...headers } });
const predict = (body: BodyInit | null, contentType: string | null, query = "") => routes.predict.POST(request(`/api/predict${query ? `?${query}` : ""}`, body, contentType));
const predictJson = (value: unknown, query = "") => predict(JSON.stringify(value), "application/json", query);
const formWith = (entries: Array<[string, string | Uint8Array]>) => {
  const form = new FormData();
  for (const [name, value] of entries) {
    if (typeof value === "string") form.append(name, value);
    else form.append(name, new Blob([new Uint8Array(value)]), "f.bin");
  }
  return form;
};
const upload = (form: FormData, cookie = adminCookie) => routes.upload.POST(new Request("http://localhost/api/admin/models", { method: "POST", body: form, headers: { cookie } }));
const admin = () => ({ cookie: adminCookie });

describe("hostile input, generated", () => {
  it("POST /api/predict: arbitrary JSON bodies", () => run(anyJson, 60, (body) => expectClean("predict", predictJson(body))));

  it("POST /api/predict: malformed pixel arrays and options", () =>
    run(
      fc.record(
        {
          pixels: fc.oneof(
            fc.array(fc.oneof(anyNumber, anyText, fc.constant(null)), { maxLength: 900 }),
            fc.array(fc.integer({ min: -5, max: 300 }), { minLength: 784, maxLength: 784 }),
            fc.array(fc.double({ min: -1, max: 2 }), { minLength: 784, maxLength: 784 }),
          ),
          scale: fc.oneof(fc.constantFrom("0-255", "0-1"), anyText),
          image: anyText,
          extra: anyJson,
        },
        { requiredKeys: [] },
      ),
      60,
      (body) => expectClean("predict", predictJson(body)),
    ));

  it("POST /api/predict: data URLs that lie about their content", () =>
    run(
      fc.oneof(
        fc.base64String({ maxLength: 400 }).map((b) => `data:image/png;base64,${b}`),
        damagedPng.map((png) => `data:image/png;base64,${png.toString("base64")}`),
        fc.tuple(fc.constantFrom("image/png", "text/html", "image/", "IMAGE/PNG", ""), fc.string({ maxLength: 60 })).map(([type, data]) => `data:${type};base64,${data}`),
      ),
      40,
      (image) => expectClean("predict", predictJson({ image })),
    ));

  it("POST /api/predict: raw bodies under any content type, damaged images", () =>
    run(fc.tuple(contentTypes, fc.oneof(bytes(2048), damagedPng)), 60, ([type, body]) => expectClean("predict", predict(new Uint8Array(body), type || null))));

  it("POST /api/predict: multipart forms with odd fields", () =>
    run(
      fc.array(fc.tuple(fc.oneof(fc.constantFrom("file", "image", "pixels", "model"), fc.string({ maxLength: 10 })), fc.oneof(anyText, bytes(512), damagedPng)), { maxLength: 4 }),
      40,
      (entries) => expectClean("predict", routes.predict.POST(new Request("http://localhost/api/predict", { method: "POST", body: formWith(entries) }))),
    ));

  it("POST /api/predict: hostile query strings with a valid image", () =>
    run(queryString(["model", "preprocessed", "record"]), 50, (query) => expectClean("predict", predictJson({ pixels: Array.from({ length: 784 }, (_, i) => (i % 5 ? 0 : 200)) }, query))));

  it("POST /api/feedback: arbitrary and near-valid bodies", () =>
    run(
      fc.oneof(
        anyJson,
        fc.record({ predictionId: fc.oneof(fc.uuid(), anyText, anyNumber), label: fc.oneof(anyNumber, anyText), correct: fc.oneof(fc.boolean(), anyJson) }, { requiredKeys: [] }),
      ),
      90,
      (body) => expectClean("feedback", routes.feedback.POST(request("/api/feedback", JSON.stringify(body), "application/json"))),
    ));

  it("POST /api/feedback: raw bodies under any content type", () =>
    run(fc.tuple(contentTypes, bytes(6000)), 30, ([type, body]) => expectClean("feedback", routes.feedback.POST(request("/api/feedback", new Uint8Array(body), type || null)))));

  it("POST /api/admin/models: random files, zips of hostile entries, broken manifests", () =>
    run(
      fc.oneof(
        bytes(4096),
        fc
          .dictionary(
            fc.oneof(fc.constantFrom(MANIFEST_FILE, "tree.json", "../x", "/abs", "a/../../b", "C:\\win", "dir/", "x".repeat(300)), fc.string({ maxLength: 20 })),
            fc.oneof(bytes(256), anyJson.map((j) => strToU8(JSON.stringify(j)))),
            { maxKeys: 5 },
          )
          .map((files) => zipSync(files)),
        fc
          .record({ name: anyJson, algorithm: anyJson, format: anyJson, labels: anyJson, weights: anyJson, weightsSha256: anyJson, datasetTag: anyJson }, { requiredKeys: [] })
          .map((change) => {
            const artifact = treeArtifact("fuzz-broken", { tree: ONE_LEAF_TREE });
            return zipSync({ "tree.json": artifact.files["tree.json"], [MANIFEST_FILE]: strToU8(JSON.stringify({ ...artifact.manifest, ...change })) });
          }),
      ),
      90,
      (file) => expectClean("upload", upload(formWith([["file", file]]))),
    ));

  it("POST /api/admin/models: a valid model with hostile metadata fields", async () => {
    await run(
      fc.dictionary(fc.oneof(fc.constantFrom("name", "author", "datasetTag", "algorithm", "metrics"), fc.string({ maxLength: 8 })), anyText, { maxKeys: 5 }),
      40,
      (fields) => expectClean("upload", upload(formWith([["file", validZip], ...Object.entries(fields)]))),
    );
    // Only the champion and the uploads the checks accepted exist: no version from a rejected upload.
    expect((await database.db.select().from(modelVersions)).length - 1).toBe(tally.get("upload")?.statuses.get(201) ?? 0);
  });

  it("POST /api/training and POST /api/benchmarks: arbitrary bodies from an admin", () =>
    run(fc.tuple(fc.boolean(), anyJson), 60, ([training, body]) =>
      training
        ? expectClean("training", routes.training.POST(request("/api/training", JSON.stringify(body), "application/json", admin())))
        : expectClean("benchmarks", routes.benchmarks.POST(request("/api/benchmarks", JSON.stringify(body), "application/json", admin()))),
    ));

  it("GET /api/benchmarks and model-version routes: hostile query strings and ids", () =>
    run(fc.tuple(queryString(["page", "pageSize", "sort", "order", "status", "model", "algorithm", "tag", "q", "format"]), fc.oneof(anyText, anyNumber.map(String))), 60, async ([query, id]) => {
      await expectClean("benchmarks", routes.benchmarks.GET(new Request(`http://localhost/api/benchmarks?${query}`)));
      const params = { params: Promise.resolve({ id }) };
      await expectClean("model versions", routes.artifact.GET(new Request("http://localhost/x"), params));
      await expectClean("model versions", routes.explanation.GET(new Request("http://localhost/x"), params));
    }));

  it("admin data editor: hostile edit and delete forms", async () => {
    const { AdminEditError, ADMIN_TABLES, removeRowForm, saveRowForm } = await import("@/lib/admin");
    const { getDb } = await import("@/lib/db");
    const { objectStore } = await import("@/lib/storage");
    const db = await getDb();
    const tables = Object.keys(ADMIN_TABLES);
    await run(
      fc.tuple(
        fc.boolean(),
        fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...tables) }, { weight: 1, arbitrary: anyText }),
        fc.oneof({ weight: 3, arbitrary: fc.constantFrom("1", "2", "3") }, { weight: 1, arbitrary: anyText }, { weight: 1, arbitrary: anyNumber.map(String) }),
        fc.dictionary(fc.oneof(fc.constantFrom("description", "archived", "author", "dataset_tag", "name", "status", "confirm"), fc.string({ maxLength: 8 })), anyText, { maxKeys: 4 }),
      ),
      80,
      async ([remove, table, id, fields]) => {
        const form = new FormData();
        form.set("table", table);
        form.set("id", id);
        for (const [k, v] of Object.entries(fields)) if (k !== "table" && k !== "id") form.set(k, v);
        try {
          await (remove ? removeRowForm(db, objectStore(), form, "fuzz-admin") : saveRowForm(db, form, "fuzz-admin"));
          count("admin editor", 200);
        } catch (error) {
          // The action shows an AdminEditError's message in the form; anything else would be a 500.
          expect(error, String(error)).toBeInstanceOf(AdminEditError);
          count("admin editor", (error as InstanceType<typeof AdminEditError>).status);
        }
      },
    );
  });

  it("answered every one of at least 500 cases cleanly, and left the store consistent", async () => {
    const rows = [...tally].map(([surface, { cases, statuses }]) => ({
      surface,
      cases,
      statuses: [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(" "),
    }));
    console.info(`hostile input, seed ${SEED}:\n${rows.map((r) => `${r.surface.padEnd(16)} ${String(r.cases).padStart(4)}  ${r.statuses}`).join("\n")}`);
    expect(rows.reduce((sum, r) => sum + r.cases, 0)).toBeGreaterThanOrEqual(500);
    const { checkConsistency } = await import("@/lib/integrity");
    const { objectStore } = await import("@/lib/storage");
    expect((await checkConsistency(database.db, objectStore(), { deep: true, graceMs: 0 })).problems).toEqual([]);
  });
});
