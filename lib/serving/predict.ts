import { config } from "@/lib/config";
import type { Db } from "@/lib/db";
import { ApiError, isDatabaseUnavailable } from "@/lib/http";
import { KMNIST_CLASSES } from "@/lib/kmnist";
import { BoundedQueue } from "@/lib/limits";
import { assertRasterImage, implausibility, inkShape, PreprocessError, preprocessImage, renderStrokes } from "@/lib/preprocess";
import { DEFAULT_MODEL_REF, ModelRefError, resolveModelRef, type ResolvedModel } from "@/lib/registry";
import { telemetry } from "@/lib/telemetry";
import type { Prediction } from "./api";
import type { InferencePool } from "./inference-pool";
import type { PredictInput, PredictRequest } from "./request";

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

  async predict(request: PredictRequest): Promise<Prediction> {
    const started = performance.now();
    const modelPromise = this.resolve(request.model ?? DEFAULT_MODEL_REF).catch((error: unknown) => {
      if (error instanceof ModelRefError) {
        if (error.kind === "invalid") throw new ApiError(400, "invalid_model_ref", error.message);
        if ((request.model ?? DEFAULT_MODEL_REF) === DEFAULT_MODEL_REF) throw new ApiError(503, "no_model_available", error.message);
        throw new ApiError(404, "unknown_model", error.message);
      }
      throw error;
    });
    modelPromise.catch(() => undefined);

    const pixels = await this.pixelsOf(request.input);
    const preprocessed = performance.now();
    const model = await modelPromise;
    const probabilities = await this.pool.predict(model.artifactKey, pixels);
    const inferred = performance.now();

    const ranked = KMNIST_CLASSES.map(({ label, char }) => ({ label, char, p: probabilities[label] })).sort((a, b) => b.p - a.p);
    const unsure = model.confidenceFloor !== null && ranked[0].p < model.confidenceFloor;
    const modelLabel = `${model.name}@${model.version}`;
    telemetry().predictions.inc({ model: modelLabel, outcome: unsure ? "unsure" : "confident" });
    telemetry().predictionDuration.observe({ model: modelLabel }, (inferred - started) / 1000);
    const predictionId = !request.record
      ? null
      : (this.sink?.record({ modelVersionId: model.id, input: pixels, probabilities, predicted: ranked[0].label, latencyMs: inferred - started }) ?? null);
    return {
      unsure,
      confidenceFloor: model.confidenceFloor,
      label: ranked[0].label,
      char: ranked[0].char,
      probabilities: ranked,
      model: { name: model.name, version: model.version, algorithm: model.algorithm },
      ...(request.includePreprocessed ? { preprocessed: Array.from(pixels) } : {}),
      timingMs: {
        preprocess: round(preprocessed - started),
        inference: round(inferred - preprocessed),
        total: round(inferred - started),
      },
      predictionId,
    };
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100;
