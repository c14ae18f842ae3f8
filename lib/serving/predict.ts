import { config } from "@/lib/config";
import type { Db } from "@/lib/db";
import { ApiError, isApiError, isDatabaseUnavailable } from "@/lib/http";
import { KMNIST_CLASSES } from "@/lib/kmnist";
import { BoundedQueue } from "@/lib/limits";
import { assertRasterImage, implausibility, inkShape, PreprocessError, preprocessImage, renderStrokes } from "@/lib/preprocess";
import { DEFAULT_MODEL_REF, ModelRefError, resolveModelRef, type ResolvedModel } from "@/lib/registry";
import { telemetry } from "@/lib/telemetry";
import type { BatchPrediction, Prediction } from "./api";
import type { InferencePool } from "./inference-pool";
import type { PredictBatchRequest, PredictInput, PredictRequest } from "./request";

/** Where predictions go to be logged (lib/monitoring's recorder): must return at once. */
export interface PredictionSink {
  record(entry: { modelVersionId: number; input: Uint8Array; probabilities: ArrayLike<number>; predicted: number; latencyMs: number }): string | null;
}

const PREPROCESS_STATUS = {
  unsupported_image: 422,
  unsupported_format: 415,
  too_many_pixels: 413,
  no_ink: 422,
  decode_timeout: 422,
  not_a_character: 422,
} as const;

/** How long a model reference (e.g. "champion") keeps resolving to the same version. */
const RESOLUTION_TTL_MS = 1000;

export class PredictService {
  private readonly resolved = new Map<string, { model: Promise<ResolvedModel>; at: number }>();
  /** The newest successful resolution of each reference: served while the database is down. */
  private readonly lastKnown = new Map<string, ResolvedModel>();

  constructor(
    private readonly db: Db,
    private readonly pool: InferencePool,
    private readonly sink: PredictionSink | null = null,
    /** Image decoding is bounded (IMAGE_DECODE_*): a full queue answers 503 at once. */
    private readonly decoding: BoundedQueue = new BoundedQueue("decoding images", 2, 16),
  ) {}

  /**
   * Requests resolve their model once and are answered entirely by that version; a champion
   * change takes effect for requests arriving after the short resolution cache expires.
   * While the database cannot be reached, a reference resolved before keeps its version:
   * the model is loaded already, and predicting needs nothing else from the database.
   */
  resolve(ref: string): Promise<ResolvedModel> {
    const cached = this.resolved.get(ref);
    if (cached && Date.now() - cached.at < RESOLUTION_TTL_MS) return cached.model;
    const model = resolveModelRef(this.db, ref).then(
      (resolved) => {
        this.lastKnown.set(ref, resolved);
        return resolved;
      },
      (error: unknown) => {
        const known = this.lastKnown.get(ref);
        if (known && isDatabaseUnavailable(error)) return known;
        throw error;
      },
    );
    this.resolved.set(ref, { model, at: Date.now() });
    model.catch(() => this.resolved.delete(ref));
    if (this.resolved.size > 1000) this.resolved.clear();
    if (this.lastKnown.size > 1000) this.lastKnown.clear();
    return model;
  }

  /** Stops the inference worker (shutdown). */
  close(): Promise<void> {
    return this.pool.close();
  }

  /** Loads a model in the inference worker (readiness checks), or throws why it cannot. */
  async load(model: ResolvedModel): Promise<void> {
    await this.pool.preload(model.artifactKey);
  }

  /** Loads the current champion in the worker ahead of the first request. */
  async warmUp(): Promise<void> {
    const champion = await this.resolve(DEFAULT_MODEL_REF);
    await this.pool.preload(champion.artifactKey);
  }

  /**
   * The 28x28 input the model sees. Images and drawings must look like a character (see
   * lib/preprocess's plausibility): a dot or a straight line is refused here, before any
   * model runs or anything is recorded. Pixels sent as such are used as they are.
   */
  private async pixelsOf(input: PredictInput): Promise<Uint8Array> {
    if (input.kind === "pixels") return input.pixels;
    let pixels: Uint8Array;
    try {
      if (input.kind === "strokes") pixels = await renderStrokes(input.strokes);
      else {
        const { maxPixels, decodeTimeoutMs } = config().predict;
        const bytes = input.bytes;
        // Refused before it waits for a turn to decode.
        assertRasterImage(bytes);
        pixels = await this.decoding.run(() => preprocessImage(bytes, { maxPixels, timeoutSeconds: Math.ceil(decodeTimeoutMs / 1000) }));
      }
    } catch (error) {
      if (error instanceof PreprocessError) throw new ApiError(PREPROCESS_STATUS[error.code], error.code, error.message);
      throw error;
    }
    const refused = implausibility(inkShape(pixels));
    if (refused) throw new ApiError(422, "not_a_character", `Not a character: ${refused.message}. Draw one of the ten hiragana.`);
    return pixels;
  }

  /** The model a request asked for, or the API's answer for why there is none (400, 404, 503). */
  model(ref: string = DEFAULT_MODEL_REF): Promise<ResolvedModel> {
    const model = this.resolve(ref).catch((error: unknown) => {
      if (error instanceof ModelRefError) {
        if (error.kind === "invalid") throw new ApiError(400, "invalid_model_ref", error.message);
        if (ref === DEFAULT_MODEL_REF) throw new ApiError(503, "no_model_available", error.message);
        throw new ApiError(404, "unknown_model", error.message);
      }
      throw error;
    });
    // Awaited later (after preprocessing): no unhandled rejection meanwhile.
    model.catch(() => undefined);
    return model;
  }

  /** Ranks one image's probabilities, counts it, and records it when asked. */
  private answer(model: ResolvedModel, pixels: Uint8Array, probabilities: Float32Array, record: boolean, latencyMs: number) {
    const ranked = KMNIST_CLASSES.map(({ label, char }) => ({ label, char, p: probabilities[label] })).sort((a, b) => b.p - a.p);
    const unsure = model.confidenceFloor !== null && ranked[0].p < model.confidenceFloor;
    const modelLabel = `${model.name}@${model.version}`;
    telemetry().predictions.inc({ model: modelLabel, outcome: unsure ? "unsure" : "confident" });
    telemetry().predictionDuration.observe({ model: modelLabel }, latencyMs / 1000);
    const predictionId = !record
      ? null
      : (this.sink?.record({ modelVersionId: model.id, input: pixels, probabilities, predicted: ranked[0].label, latencyMs }) ?? null);
    return { label: ranked[0].label, char: ranked[0].char, probabilities: ranked, unsure, predictionId };
  }

  async predict(request: PredictRequest): Promise<Prediction> {
    const started = performance.now();
    const modelPromise = this.model(request.model);
    const pixels = await this.pixelsOf(request.input);
    const preprocessed = performance.now();
    const model = await modelPromise;
    const probabilities = await this.pool.predict(model.artifactKey, pixels);
    const inferred = performance.now();
    return {
      ...this.answer(model, pixels, probabilities, request.record, inferred - started),
      confidenceFloor: model.confidenceFloor,
      model: { name: model.name, version: model.version, algorithm: model.algorithm },
      ...(request.includePreprocessed ? { preprocessed: Array.from(pixels) } : {}),
      timingMs: {
        preprocess: round(preprocessed - started),
        inference: round(inferred - preprocessed),
        total: round(inferred - started),
      },
    };
  }

  /**
   * Many images, one model: each item is preprocessed (images decoded two at a time per
   * request, in the shared decoding queue) and goes to the inference worker, which batches
   * them; an item's error is its own answer. The model is resolved once: the whole batch is
   * answered by one version.
   */
  async predictBatch(request: PredictBatchRequest): Promise<BatchPrediction> {
    const started = performance.now();
    const model = await this.model(request.model);
    const itemError = (index: number, error: unknown) => {
      if (!isApiError(error)) throw error;
      return { index, error: { code: error.code, message: `items.${index}: ${error.message}`, status: error.status } };
    };
    // Preprocessing first (images two at a time), then every image to the worker at once, so
    // that the pool sends them in batches of PREDICT_MAX_BATCH.
    const prepared = await mapWithConcurrency(request.items, 2, async (item) => {
      // By shape: the request may have been parsed by another bundle's copy of lib/http (see isApiError).
      if (isApiError(item)) return item;
      try {
        return await this.pixelsOf(item);
      } catch (error) {
        return error;
      }
    });
    const preprocessed = performance.now();
    const results = await Promise.all(
      prepared.map(async (pixels, index): Promise<BatchPrediction["results"][number]> => {
        if (!(pixels instanceof Uint8Array)) return itemError(index, pixels);
        const probabilities = await this.pool.predict(model.artifactKey, pixels);
        return { index, ...this.answer(model, pixels, probabilities, request.record, performance.now() - preprocessed) };
      }),
    );
    return {
      model: { name: model.name, version: model.version, algorithm: model.algorithm },
      confidenceFloor: model.confidenceFloor,
      count: results.length,
      failed: results.filter((r) => "error" in r).length,
      results,
      timingMs: { total: round(performance.now() - started) },
    };
  }
}

/** `fn` over `items`, at most `limit` calls in progress at once, results in order. */
async function mapWithConcurrency<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i], i);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

const round = (ms: number) => Math.round(ms * 100) / 100;
