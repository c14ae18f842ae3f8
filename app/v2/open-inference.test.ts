import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routeEnvironment, type RouteEnvironment } from "@/lib/testing/route-environment";

/**
 * The Open Inference Protocol (KServe v2) routes on a real PostgreSQL database and object
 * store with a logistic regression trained through the real pipeline; POST /api/predict of
 * the same images is the reference.
 */
type Handler = (request: Request, context?: { params: Promise<Record<string, string>> }) => Promise<Response>;
let routes: Record<string, Handler>;
let predictOne: Handler;
let env: RouteEnvironment;
let images: Uint8Array;

beforeAll(async () => {
  env = await routeEnvironment({ PREDICT_MAX_BATCH_REQUEST: "64" }, [{ algorithm: "logreg", hyperparameters: { epochs: 4 } }]);
  ({ images } = env);
  routes = {
    live: (await import("./health/live/route")).GET,
    ready: (await import("./health/ready/route")).GET,
    metadata: (await import("./models/[name]/route")).GET,
    modelReady: (await import("./models/[name]/ready/route")).GET,
    infer: (await import("./models/[name]/infer/route")).POST,
    versionMetadata: (await import("./models/[name]/versions/[version]/route")).GET,
    versionReady: (await import("./models/[name]/versions/[version]/ready/route")).GET,
    versionInfer: (await import("./models/[name]/versions/[version]/infer/route")).POST,
  };
  ({ POST: predictOne } = await import("@/app/api/predict/route"));
}, 180_000);

afterAll(async () => {
  await env?.cleanup();
});

const call = (handler: Handler, params: Record<string, string> = {}, body?: unknown) =>
  handler(
    new Request(
      "http://localhost/v2",
      body === undefined
        ? {}
        : { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body), headers: { "content-type": "application/json" } },
    ),
    { params: Promise.resolve(params) },
  );
const image = (k: number) => Array.from(images.subarray(k * 784, (k + 1) * 784));
const tensor = (shape: number[], data: unknown, datatype = "UINT8") => ({ inputs: [{ name: "input", shape, datatype, data }] });
const protocolError = async (response: Response) => ({ status: response.status, ...((await response.json()) as { error: string; code: string }) });

describe("the Open Inference Protocol (KServe v2)", () => {
  it("answers health, metadata and readiness for names, versions and aliases", async () => {
    expect(await (await call(routes.live)).json()).toEqual({ live: true });
    const ready = await call(routes.ready);
    expect([ready.status, await ready.json()]).toEqual([200, { ready: true }]);
    for (const [handler, params] of [
      [routes.metadata, { name: "champion" }],
      [routes.metadata, { name: "kmnist-logreg" }],
      [routes.versionMetadata, { name: "kmnist-logreg", version: "1" }],
      [routes.versionMetadata, { name: "kmnist-logreg", version: "latest" }],
    ] as const) {
      const metadata = await (await call(handler, params)).json();
      expect(metadata).toMatchObject({ name: params.name, versions: ["1"], platform: "onnxruntime_onnx" });
      expect(metadata.inputs[0]).toEqual({ name: "input", datatype: "FP32", shape: [-1, 784] });
      expect(metadata.outputs.map((o: { name: string }) => o.name)).toEqual(["probabilities", "label"]);
    }
    expect(await (await call(routes.modelReady, { name: "champion" })).json()).toEqual({ name: "champion", ready: true });
    expect(await (await call(routes.versionReady, { name: "kmnist-logreg", version: "1" })).json()).toEqual({ name: "kmnist-logreg", ready: true });
    expect(await protocolError(await call(routes.versionReady, { name: "kmnist-logreg", version: "9" }))).toMatchObject({ status: 404, code: "unknown_model" });
  });

  it("infers FP32 [N,784] and UINT8 [N,1,28,28] (flat or nested) exactly as POST /api/predict", async () => {
    const fp32 = await call(
      routes.infer,
      { name: "kmnist-logreg" },
      {
        id: "req-1",
        ...tensor(
          [2, 784],
          [...image(0), ...image(1)].map((v) => v / 255),
          "FP32",
        ),
      },
    );
    expect(fp32.status).toBe(200);
    const answer = await fp32.json();
    expect(answer).toMatchObject({ model_name: "kmnist-logreg", model_version: "1", id: "req-1" });
    const [probabilities, label] = answer.outputs;
    expect(probabilities).toMatchObject({ name: "probabilities", datatype: "FP32", shape: [2, 10] });
    expect(label).toMatchObject({ name: "label", datatype: "INT64", shape: [2] });
    for (const k of [0, 1]) {
      const single = await (
        await predictOne(
          new Request("http://localhost/api/predict?record=false&model=kmnist-logreg", {
            method: "POST",
            body: JSON.stringify({ pixels: image(k) }),
            headers: { "content-type": "application/json" },
          }),
        )
      ).json();
      expect(label.data[k]).toBe(single.label);
      for (const { label: c, p } of single.probabilities) expect(probabilities.data[k * 10 + c]).toBeCloseTo(p, 6);
    }
    const rows = Array.from({ length: 28 }, (_, r) => image(2).slice(r * 28, (r + 1) * 28));
    const nested = await (
      await call(routes.versionInfer, { name: "kmnist-logreg", version: "1" }, { ...tensor([1, 1, 28, 28], [[rows]]), outputs: [{ name: "label" }] })
    ).json();
    expect(nested.outputs.map((o: { name: string }) => o.name)).toEqual(["label"]);
    const flat = await (await call(routes.infer, { name: "champion" }, tensor([1, 1, 28, 28], image(2)))).json();
    expect(nested.outputs[0].data).toEqual([flat.outputs[1].data[0]]);
  });

  it("answers hostile requests with the protocol's error and a named 4xx", async () => {
    const cases: Array<[Record<string, string>, unknown, number, string]> = [
      [{ name: "kmnist-logreg" }, tensor([1, 784], image(0), "FP64"), 400, "invalid_datatype"],
      [{ name: "kmnist-logreg" }, tensor([1, 785], [...image(0), 0]), 400, "invalid_shape"],
      [{ name: "kmnist-logreg" }, tensor([2, 784], image(0)), 400, "shape_mismatch"],
      [{ name: "kmnist-logreg" }, tensor([1, 784], new Array(1_000_000).fill(0)), 400, "shape_mismatch"],
      [{ name: "kmnist-logreg" }, tensor([1276, 784], []), 413, "too_many_items"],
      [
        { name: "kmnist-logreg" },
        tensor(
          [1, 784],
          image(0).map((v, i) => (i === 9 ? "9" : v)),
        ),
        400,
        "invalid_data",
      ],
      [
        { name: "kmnist-logreg" },
        tensor(
          [1, 784],
          image(0).map((v, i) => (i === 9 ? 300 : v)),
        ),
        400,
        "invalid_data",
      ],
      [
        { name: "kmnist-logreg" },
        tensor(
          [1, 784],
          image(0).map((v) => v / 255),
          "UINT8",
        ),
        400,
        "invalid_data",
      ],
      [{ name: "kmnist-logreg" }, tensor([1, 784], { a: 1 }), 400, "invalid_data"],
      [{ name: "kmnist-logreg" }, { inputs: [] }, 422, "validation_failed"],
      [{ name: "kmnist-logreg" }, "{not json", 400, "invalid_json"],
      [{ name: "nope" }, tensor([1, 784], image(0)), 404, "unknown_model"],
      [{ name: "a b" }, tensor([1, 784], image(0)), 400, "invalid_name"],
    ];
    for (const [params, body, status, code] of cases) {
      const reply = await protocolError(await call(routes.infer, params, body));
      expect([code, reply.status, reply.code, typeof reply.error]).toEqual([code, status, code, "string"]);
    }
    expect(await protocolError(await call(routes.versionMetadata, { name: "kmnist-logreg", version: "7" }))).toMatchObject({
      status: 404,
      code: "unknown_model",
    });
    expect(await protocolError(await call(routes.versionMetadata, { name: "kmnist-logreg", version: "x" }))).toMatchObject({
      status: 400,
      code: "invalid_version",
    });
  });
});
