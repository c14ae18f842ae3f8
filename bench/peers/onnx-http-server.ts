/**
 * The Node ceiling for the predict bench: a bare `node:http` + onnxruntime-node server with
 * Kana Lab's JSON contract for pixels (`POST /api/predict {"pixels": [784 values 0-255]}` →
 * label, char, the ten probabilities ranked), no framework, no prediction log, no limits.
 * Env: PEER_MODEL (an .onnx file of a model trained here: NHWC 28x28x1, 0-1, probabilities),
 * PORT, PEER_THREADS (ONNX Runtime's intra-op threads, default 1).
 */
import { readFileSync } from "node:fs";
import http from "node:http";
import * as ort from "onnxruntime-node";
import { KMNIST_CLASSES } from "@/lib/kmnist";

const session = await ort.InferenceSession.create(readFileSync(process.env.PEER_MODEL!), {
  intraOpNumThreads: Number(process.env.PEER_THREADS ?? 1),
  interOpNumThreads: 1,
  executionMode: "sequential",
  graphOptimizationLevel: "all",
});
const [inputName] = session.inputNames;
const [outputName] = session.outputNames;

function refuse(response: http.ServerResponse, status: number, code: string, message: string) {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ error: { code, message } }));
}

async function predict(body: string) {
  const started = performance.now();
  const { pixels } = JSON.parse(body) as { pixels?: unknown };
  if (!Array.isArray(pixels) || pixels.length !== 784 || !pixels.every((v) => typeof v === "number" && v >= 0 && v <= 255)) return null;
  const input = new ort.Tensor(
    "float32",
    Float32Array.from(pixels as number[], (v) => v / 255),
    [1, 28, 28, 1],
  );
  const output = await session.run({ [inputName]: input });
  const p = output[outputName].data as Float32Array;
  const ranked = KMNIST_CLASSES.map(({ label, char }) => ({ label, char, p: p[label] })).sort((a, b) => b.p - a.p);
  return { label: ranked[0].label, char: ranked[0].char, probabilities: ranked, timingMs: { total: performance.now() - started } };
}

const server = http.createServer((request, response) => {
  if (request.method === "GET" && request.url === "/api/health") return void response.writeHead(200).end("ok");
  if (request.method !== "POST" || !request.url?.startsWith("/api/predict")) return refuse(response, 404, "not_found", "POST /api/predict");
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    predict(Buffer.concat(chunks).toString("utf8")).then(
      (answer) =>
        answer
          ? response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer))
          : refuse(response, 422, "validation_failed", "pixels: 784 numbers in 0-255"),
      () => refuse(response, 400, "invalid_json", "The body is not valid JSON"),
    );
  });
});
server.listen(Number(process.env.PORT ?? 3400), "127.0.0.1");
process.once("SIGTERM", () => server.close(() => process.exit(0)));
