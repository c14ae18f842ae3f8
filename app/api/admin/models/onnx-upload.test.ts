import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { zipSync } from "fflate";
import onnxProto, { type onnx as Onnx } from "onnx-proto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchmarks, modelExplanations, modelVersions } from "@/db/schema";
import { createPostgresTestDatabase, createTempStore, importTestKmnist, KMNIST_TEST_DIR, type TestDatabase } from "@/lib/testing/database";
import { sessionCookie } from "@/lib/testing/sessions";

/**
 * ONNX models that no code of this project wrote (lib/ml/fixtures/foreign, made by PyTorch
 * and scikit-learn): uploaded with their metadata, registered, benchmarked on the real
 * KMNIST holdout to the accuracy Python's onnxruntime measured, explained, predictable with
 * ?model= and downloadable byte for byte. Then hostile ONNX files, each refused by name.
 */
const SECRET = "onnx-upload-test-secret-onnx-upload-0123";
const FIXTURES = path.join(process.cwd(), "lib/ml/fixtures/foreign");
const fixture = (name: string) => new Uint8Array(fs.readFileSync(path.join(FIXTURES, name)));
const measured = JSON.parse(fs.readFileSync(path.join(FIXTURES, "metadata.json"), "utf8")) as Record<
  string,
  { declared: Record<string, string>; holdoutAccuracy: number }
>;
const { onnx } = onnxProto;

let database: TestDatabase;
let store: Awaited<ReturnType<typeof createTempStore>>;
let upload: typeof import("./route");
let adminCookie: string;

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  store = await createTempStore();
  process.env.DATABASE_URL = database.url;
  process.env.STORAGE_DIR = store.root;
  process.env.AUTH_SECRET = SECRET;
  process.env.UPLOAD_MAX_BYTES = String(2 * 1024 * 1024);
  await importTestKmnist(database.db, store);
  upload = await import("./route");
  adminCookie = await sessionCookie(SECRET, "admin", "ada-admin");
}, 120_000);
afterAll(async () => {
  const { closeBenchmarkPool } = await import("@/lib/benchmark");
  await closeBenchmarkPool();
  const { closeDatabase } = await import("@/lib/db");
  await closeDatabase();
  await database?.cleanup();
  await store?.cleanup();
});

function send(file: Uint8Array, fileName: string, fields: Record<string, string>) {
  const form = new FormData();
  form.set("file", new Blob([new Uint8Array(file)]), fileName);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return upload.POST(new Request("http://localhost/api/admin/models", { method: "POST", body: form, headers: { cookie: adminCookie } }));
}

async function expectRefused(response: Response, code: string, reason: RegExp) {
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect({ status: response.status, code: body.error.code }).toEqual({ status: 422, code });
  expect(body.error.message).toMatch(reason);
}

describe("ONNX models from other frameworks (PyTorch, scikit-learn)", () => {
  const registered: Record<string, number> = {};

  it.each(["torch-cnn.onnx", "sklearn-logreg.onnx"])(
    "%s: registered with its declared form, benchmarked to Python's accuracy, explained",
    async (file) => {
      const response = await send(fixture(file), file, { ...measured[file].declared, author: "a data scientist" });
      expect(response.status).toBe(201);
      const body = (await response.json()) as { id: number; name: string; version: number; algorithm: string };
      expect(body).toMatchObject({ name: file.replace(".onnx", ""), version: 1, algorithm: "onnx" });
      registered[file] = body.id;

      const { runPendingBenchmarks, planBenchmarks } = await import("@/lib/benchmark");
      await planBenchmarks(database.db, store);
      await runPendingBenchmarks({ db: database.db, store }, { workers: 1, leaseMs: 10_000, maxAttempts: 1, retryBaseMs: 0, explain: true });
      const [row] = await database.db.select().from(benchmarks).where(eq(benchmarks.modelVersionId, body.id));
      expect(row).toMatchObject({ status: "done", sampleCount: 2000 });
      // The same 2,000 images through our conversions (layout, scale, polarity, softmax) as Python fed them directly.
      expect(Math.abs(row.accuracy! - measured[file].holdoutAccuracy)).toBeLessThanOrEqual(0.001);
      expect(row.info).toMatchObject({ backend: "onnxruntime" });
      const [explanation] = await database.db.select().from(modelExplanations).where(eq(modelExplanations.modelVersionId, body.id));
      expect(explanation.status).toBe("done");
      expect((explanation.methods as Array<{ method: string }>).map((m) => m.method)).toEqual(["kernel_shap"]);
      console.log(`${file}: accuracy ${row.accuracy} (Python ${measured[file].holdoutAccuracy})`);
    },
    180_000,
  );

  it("predicts with ?model= and downloads the very bytes that were uploaded", async () => {
    const { POST } = await import("@/app/api/predict/route");
    const { KMNIST_FILES, parseIdx } = await import("@/lib/data");
    const images = parseIdx(fs.readFileSync(path.join(KMNIST_TEST_DIR, KMNIST_FILES.testImages.name))).data;
    const labels = parseIdx(fs.readFileSync(path.join(KMNIST_TEST_DIR, KMNIST_FILES.testLabels.name))).data;
    const pixels = Array.from(images.subarray(0, 784));
    const response = await POST(
      new Request("http://localhost/api/predict?model=torch-cnn%401", {
        method: "POST",
        body: JSON.stringify({ pixels }),
        headers: { "content-type": "application/json" },
      }),
    );
    expect(response.status).toBe(200);
    const prediction = (await response.json()) as { label: number; probabilities: Array<{ p: number }>; model: { name: string } };
    expect(prediction.model.name).toBe("torch-cnn");
    expect(prediction.label).toBe(labels[0]);
    expect(prediction.probabilities.reduce((sum, { p }) => sum + p, 0)).toBeCloseTo(1, 5);

    const { GET } = await import("@/app/api/models/versions/[id]/artifact/route");
    const id = registered["sklearn-logreg.onnx"];
    const download = await GET(new Request(`http://localhost/api/models/versions/${id}/artifact?format=onnx`), { params: Promise.resolve({ id: String(id) }) });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(Buffer.from(fixture("sklearn-logreg.onnx")))).toBe(true);
  }, 60_000);

  it("takes a zip holding one .onnx, and class labels in another output order", async () => {
    // The scikit-learn model's outputs, declared in reverse: every prediction's class is then 9 − output.
    const reversed = Array.from({ length: 10 }, (_, i) => 9 - i).join(",");
    const response = await send(zipSync({ "scan-model/model.onnx": fixture("sklearn-logreg.onnx") }), "scan-model.zip", {
      ...measured["sklearn-logreg.onnx"].declared,
      name: "sklearn-reversed",
      labels: reversed,
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { id: number };
    const [version] = await database.db.select().from(modelVersions).where(eq(modelVersions.id, body.id));
    const { getArtifact } = await import("@/lib/ml");
    const { manifest } = await getArtifact(store, version.artifactKey);
    expect(manifest.labels.map((l) => l.label)).toEqual(reversed.split(",").map(Number));
    expect(manifest.preprocessing).toEqual({ input: "784", scale: "0-255", polarity: "black-ink-on-white", output: "probabilities" });
  });

  describe("hostile and mistaken ONNX files get named 422s and store nothing", () => {
    const base = () => onnx.ModelProto.decode(fixture("sklearn-logreg.onnx"));
    const encode = (model: Onnx.ModelProto) => onnx.ModelProto.encode(model).finish();
    const declared = () => measured["sklearn-logreg.onnx"].declared;
    let before: number;
    beforeAll(async () => {
      before = (await database.db.select().from(modelVersions)).length;
    });
    afterAll(async () => {
      expect((await database.db.select().from(modelVersions)).length).toBe(before);
    });

    it.each<[string, () => Uint8Array, Record<string, string> | null, string, RegExp]>([
      ["truncated", () => fixture("sklearn-logreg.onnx").subarray(0, 20_000), null, "onnx_unreadable", /truncated|not a readable ONNX model/],
      ["not ONNX at all", () => new TextEncoder().encode("<svg xmlns='http://www.w3.org/2000/svg'/>"), null, "onnx_unreadable", /ONNX/],
      [
        "a tensor declaring 10^10 elements",
        () => {
          const model = base();
          model.graph!.initializer!.push(onnx.TensorProto.create({ name: "huge", dims: [100_000, 100_000], dataType: 1 }));
          return encode(model);
        },
        null,
        "onnx_tensor_too_large",
        /"huge" declares 100000x100000/,
      ],
      [
        "weights in an external file outside the artifact",
        () => {
          const model = base();
          const coef = model.graph!.initializer![0];
          coef.rawData = new Uint8Array(0);
          coef.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
          coef.externalData = [onnx.StringStringEntryProto.create({ key: "location", value: "../../../etc/passwd" })];
          return encode(model);
        },
        null,
        "onnx_external_data",
        /external file \("..\/..\/..\/etc\/passwd"\)/,
      ],
      [
        "a custom operator",
        () => {
          const model = base();
          model.graph!.node![0].domain = "com.evil";
          model.opsetImport!.push(onnx.OperatorSetIdProto.create({ domain: "com.evil", version: 1 }));
          return encode(model);
        },
        null,
        "onnx_custom_op",
        /com\.evil/,
      ],
      [
        "10,000 nodes",
        () => {
          const model = base();
          const identity = Array.from({ length: 10_000 }, (_, i) => onnx.NodeProto.create({ opType: "Identity", input: [`x${i}`], output: [`x${i + 1}`] }));
          model.graph!.node!.push(...identity);
          return encode(model);
        },
        null,
        "onnx_too_many_ops",
        /more than 5000 nodes/,
      ],
      ["a layout that does not match its input", () => fixture("sklearn-logreg.onnx"), { layout: "nchw" }, "onnx_input_mismatch", /\[N,1,28,28\]/],
      [
        "logits declared as probabilities",
        () => fixture("torch-cnn.onnx"),
        { ...measured["torch-cnn.onnx"].declared, output: "probabilities" },
        "onnx_output_mismatch",
        /declare output "logits"/,
      ],
      ["no metadata", () => fixture("torch-cnn.onnx"), {}, "invalid_model", /needs layout, scale, polarity, output/],
      [
        "labels that are not a permutation",
        () => fixture("torch-cnn.onnx"),
        { ...measured["torch-cnn.onnx"].declared, labels: "0,0,1,2,3,4,5,6,7,8" },
        "invalid_model",
        /each of the ten classes once/,
      ],
      [
        "a zip with two models",
        () => zipSync({ "a.onnx": fixture("torch-cnn.onnx"), "b.onnx": fixture("sklearn-logreg.onnx") }),
        null,
        "invalid_model",
        /2 .onnx files/,
      ],
    ])("%s", async (_, file, fields, code, reason) => {
      const spec = fields === null ? declared() : Object.keys(fields).length === 0 ? {} : { ...declared(), ...fields };
      await expectRefused(await send(file(), "hostile.onnx", { ...spec, name: "hostile" }), code, reason);
    });
  });
});
