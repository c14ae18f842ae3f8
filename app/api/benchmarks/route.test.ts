import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchmarks, jobs, modelVersions } from "@/db/schema";
import { benchmarksToCsv, benchmarkSweep, type BenchmarkRow } from "@/lib/benchmark";
import { trainAndRegister } from "@/lib/pipeline";
import { createPostgresTestDatabase, createTempStore, importTestKmnist, type TestDatabase } from "@/lib/testing/database";

let database: TestDatabase;
let store: Awaited<ReturnType<typeof createTempStore>>;
let list: typeof import("./route");
let one: typeof import("./[id]/route");
let best: typeof import("./best/route");
let explanation: typeof import("../models/versions/[id]/explanation/route");

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  store = await createTempStore();
  process.env.DATABASE_URL = database.url;
  process.env.STORAGE_DIR = store.root;
  await importTestKmnist(database.db, store);
  // Seeded through the real parts: trained models, benchmarked and explained by the engine.
  await trainAndRegister(database.db, store, { algorithm: "logreg", hyperparameters: { epochs: 1 } });
  await trainAndRegister(database.db, store, { algorithm: "tree", hyperparameters: { maxDepth: 5 } });
  await benchmarkSweep({ db: database.db, store }, { workers: 2, leaseMs: 60_000, maxAttempts: 1, retryBaseMs: 0, explain: true });
  [list, one, best, explanation] = await Promise.all([
    import("./route"),
    import("./[id]/route"),
    import("./best/route"),
    import("../models/versions/[id]/explanation/route"),
  ]);
}, 120_000);
afterAll(async () => {
  const { closeBenchmarkPool } = await import("@/lib/benchmark");
  await closeBenchmarkPool();
  const { closeDatabase } = await import("@/lib/db");
  await closeDatabase();
  await database?.cleanup();
  await store?.cleanup();
});

const get = (query = "") => list.GET(new Request(`http://localhost/api/benchmarks${query}`));
const getOne = (id: string, query = "") => one.GET(new Request(`http://localhost/api/benchmarks/${id}${query}`), { params: Promise.resolve({ id }) });
const post = (body: string) =>
  list.POST(new Request("http://localhost/api/benchmarks", { method: "POST", body, headers: { "content-type": "application/json" } }));

describe("GET /api/benchmarks", () => {
  it("pages, sorts and filters on the server", async () => {
    const page = await (await get()).json();
    expect(page).toMatchObject({ total: 2, page: 1, pageSize: 25, pages: 1 });
    expect(page.rows[0]).toMatchObject({ status: "done", tag: "kmnist-holdout", sampleCount: 2000 });

    const byAccuracy = (await (await get("?sort=accuracy&order=asc")).json()).rows as BenchmarkRow[];
    expect(byAccuracy.map((r) => r.accuracy)).toEqual([...byAccuracy.map((r) => r.accuracy)].sort());
    expect(byAccuracy[0].algorithm).toBe("tree");

    const trees = await (await get("?algorithm=tree")).json();
    expect(trees.rows.map((r: BenchmarkRow) => r.model)).toEqual(["kmnist-tree"]);
    expect((await (await get("?q=LOGREG")).json()).total).toBe(1);
    expect((await (await get("?status=failed")).json()).total).toBe(0);
    const second = await (await get("?pageSize=1&page=2&sort=model&order=asc")).json();
    expect(second).toMatchObject({ total: 2, pages: 2 });
    expect(second.rows.map((r: BenchmarkRow) => r.model)).toEqual(["kmnist-tree"]);
    // LIKE wildcards are matched literally.
    expect((await (await get("?q=%25")).json()).total).toBe(0);
    expect((await (await get("?q=_")).json()).total).toBe(0);
  });

  it("exports every match as CSV or JSON", async () => {
    const csv = await get("?format=csv&sort=accuracy");
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    expect(csv.headers.get("content-disposition")).toMatch(/attachment; filename="benchmarks-.*\.csv"/);
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^id,status,model,version,algorithm,author,dataset_tag/);
    const json = await (await get("?format=json&algorithm=logreg")).json();
    expect(json).toHaveLength(1);
  });

  it("rejects hostile queries with a 422 naming the parameter", async () => {
    const cases: Array<[string, RegExp]> = [
      ["?pageSize=0", /pageSize/],
      ["?pageSize=100000", /pageSize/],
      ["?page=-1", /page/],
      ["?page=1.5", /page/],
      ["?sort=id;drop table benchmarks", /sort/],
      ["?order=sideways", /order/],
      ["?status=exploded", /status/],
      ["?modelVersionId=abc", /modelVersionId/],
      ["?format=xml", /format/],
      ["?admin=true", /admin|Unrecognized/i],
      ["?page=1&page=2", /more than once/],
      [`?q=${"x".repeat(500)}`, /q/],
    ];
    for (const [query, message] of cases) {
      const response = await get(query);
      expect(response.status, query).toBe(422);
      const body = await response.json();
      expect(body.error.code).toBe("validation_failed");
      expect(body.error.message, query).toMatch(message);
    }
    expect(await database.db.select().from(benchmarks)).toHaveLength(2);
  });

  it("never answers 5xx to random query strings", async () => {
    const keys = ["page", "pageSize", "sort", "order", "status", "model", "algorithm", "tag", "q", "modelVersionId", "datasetVersionId", "format", "x"];
    const values = ["", "0", "-1", "1e9", "NaN", "'", '"', "%00", "\u0000", "../../etc", "<script>", "😀", "done", "asc", "csv", "1", "99999999999"];
    let seed = 1;
    const pick = <T>(a: T[]) => a[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % a.length];
    for (let i = 0; i < 120; i++) {
      const query = Array.from({ length: 1 + (i % 3) }, () => `${pick(keys)}=${encodeURIComponent(pick(values))}`).join("&");
      const status = (await get(`?${query}`)).status;
      expect(status, query).toBeLessThan(500);
    }
  });
});

describe("GET /api/benchmarks/:id", () => {
  it("returns everything for one benchmark, and its per-class table as CSV", async () => {
    const [row] = await database.db.select().from(benchmarks).limit(1);
    const detail = await (await getOne(String(row.id))).json();
    const [version] = await database.db.select().from(modelVersions).where(eq(modelVersions.id, row.modelVersionId));
    // Layers models run on their ONNX form; the tree on the tfjs path.
    const backend = version.algorithm === "tree" ? "wasm" : "onnxruntime";
    expect(detail).toMatchObject({ id: row.id, status: "done", info: { backend }, explanation: { status: "done" } });
    expect(Object.keys(detail.metrics)).toEqual(expect.arrayContaining(["confusion_matrix", "roc_auc", "calibration", "per_class"]));
    expect(detail.metrics.roc_auc.perClass).toHaveLength(10);
    const csv = (await (await getOne(String(row.id), "?format=csv")).text()).trim().split("\r\n");
    expect(csv[0]).toBe("class,char,precision,recall,f1,support,auc");
    expect(csv).toHaveLength(11);
    expect(csv[1]).toMatch(/^0,お,/);
  });

  it("rejects bad ids and unknown benchmarks", async () => {
    for (const id of ["abc", "-1", "0", "1e3", "1.5", "99999999999", "1;drop"]) expect((await getOne(id)).status, id).toBe(400);
    const missing = await getOne("999999");
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe("not_found");
    expect((await getOne("1", "?format=pdf")).status).toBe(422);
  });
});

describe("GET /api/benchmarks/best and explanations", () => {
  it("ranks the best model per tag and algorithm", async () => {
    const body = await (await best.GET(new Request("http://localhost/api/benchmarks/best"))).json();
    expect(body.byTagAndAlgorithm.map((r: BenchmarkRow) => r.algorithm)).toEqual(["logreg", "tree"]);
    expect(body.byTag).toHaveLength(1);
    expect(body.byTag[0].accuracy).toBe(Math.max(...body.byTagAndAlgorithm.map((r: BenchmarkRow) => r.accuracy)));
  });

  it("serves a model version's explanation", async () => {
    const [row] = await database.db.select().from(benchmarks).limit(1);
    const id = String(row.modelVersionId);
    const body = await (await explanation.GET(new Request("http://localhost/x"), { params: Promise.resolve({ id }) })).json();
    expect(body.status).toBe("done");
    expect(body.methods.length).toBeGreaterThan(0);
    expect(body.lockedBy).toBeUndefined();
    expect((await explanation.GET(new Request("http://localhost/x"), { params: Promise.resolve({ id: "424242" }) })).status).toBe(404);
    expect((await explanation.GET(new Request("http://localhost/x"), { params: Promise.resolve({ id: "x" }) })).status).toBe(400);
  });
});

describe("POST /api/benchmarks", () => {
  it("queues a sweep, and re-runs of finished benchmarks", async () => {
    const response = await post("{}");
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ accepted: true, engine: "embedded" });
    expect((await database.db.select().from(jobs)).map((j) => j.name)).toEqual(["benchmarks"]);

    const [row] = await database.db.select().from(benchmarks).limit(1);
    expect((await post(JSON.stringify({ rerun: [row.id] }))).status).toBe(202);
    expect((await database.db.select().from(benchmarks).where(eq(benchmarks.id, row.id)))[0]).toMatchObject({ status: "pending", trigger: "manual" });
    const again = await post(JSON.stringify({ rerun: [row.id] }));
    expect(again.status).toBe(409);
    expect((await again.json()).error.code).toBe("benchmark_busy");
  });

  it("rejects bad bodies", async () => {
    expect((await post("{nope")).status).toBe(400);
    expect((await post(JSON.stringify({ rerun: "all" }))).status).toBe(422);
    expect((await post(JSON.stringify({ rerun: [] }))).status).toBe(422);
    expect((await post(JSON.stringify({ rerun: [-3] }))).status).toBe(422);
    expect((await post(JSON.stringify({ sql: "drop" }))).status).toBe(422);
    expect((await post(JSON.stringify({ rerun: [999999] }))).status).toBe(409);
    expect((await post("x".repeat(20_000))).status).toBe(413);
  });
});

describe("benchmarksToCsv", () => {
  it("quotes what needs quoting and never emits a formula", () => {
    const row = {
      id: 1,
      status: "done",
      model: "m",
      version: 1,
      algorithm: "tree",
      author: '=HYPERLINK("http://x","y")',
      tag: "t,1",
    } as unknown as BenchmarkRow;
    const [, line] = benchmarksToCsv([row]).split("\r\n");
    expect(line).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(line).toContain('"t,1"');
  });
});
