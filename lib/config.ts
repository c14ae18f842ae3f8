// Over 250 lines: one schema and one mapping for every variable, so that what the environment may hold is in one file.
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Cron } from "croner";
import { z } from "zod";

// `turbopackIgnore` comments: these paths are runtime data folders, not source files
// for Next's output tracing to follow.

/**
 * One typed view of the environment. Every variable has an embedded default, so the
 * app runs with nothing configured (PGlite, local object store, bundled/downloaded data).
 * A bad value fails at start with a message that names the variable.
 */

const booleanString = z.enum(["true", "false", "1", "0", "yes", "no"]).transform((v) => v === "true" || v === "1" || v === "yes");

const postgresUrl = z.string().refine((v) => /^postgres(ql)?:\/\//.test(v), "must be a postgres:// or postgresql:// URL");

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  DATA_DIR: z.string().min(1).default(".data"),
  DATABASE_URL: postgresUrl.optional(),
  PGLITE_DIR: z.string().min(1).optional(),
  STORAGE_DRIVER: z.enum(["local"]).default("local"),
  STORAGE_DIR: z.string().min(1).optional(),
  KMNIST_DIR: z.string().min(1).optional(),
  KMNIST_DOWNLOAD: z.enum(["auto", "never"]).default("auto"),
  KMNIST_BASE_URL: z.url().default("http://codh.rois.ac.jp/kmnist/dataset/kmnist/"),
  KMNIST_DOWNLOAD_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  ML_BACKEND: z.enum(["auto", "node", "wasm"]).default("auto"),
  // tfjs until ONNX Runtime survives worker threads being terminated (NOTES.md, issue #19).
  ML_INFERENCE: z.enum(["auto", "onnx", "tfjs"]).default("auto"),
  TRAIN_ON_START: booleanString.default(true),
  PREDICT_HOT_PATH: booleanString.default(true),
  JOB_ENGINE: z.enum(["embedded", "inngest"]).default("embedded"),
  JOB_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
  JOB_RETRY_BASE_MS: z.coerce.number().int().min(0).default(5_000),
  JOB_LEASE_MS: z.coerce.number().int().min(1000).default(60_000),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(8_000),
  TRAIN_SCHEDULE: z
    .string()
    .default("0 3 * * *")
    .refine((v) => v === "off" || isCron(v), 'must be a cron expression (e.g. "0 3 * * *") or "off"'),
  MODEL_POLL_SCHEDULE: z
    .string()
    .default("* * * * *")
    .refine((v) => v === "off" || isCron(v), 'must be a cron expression or "off"'),
  BENCHMARK_SCHEDULE: z
    .string()
    .default("* * * * *")
    .refine((v) => v === "off" || isCron(v), 'must be a cron expression or "off"'),
  BENCHMARK_WORKERS: z.coerce.number().int().min(1).max(64).default(os.availableParallelism()),
  BENCHMARK_LEASE_MS: z.coerce.number().int().min(1000).default(60_000),
  BENCHMARK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
  BENCHMARK_EXPLAIN: booleanString.default(true),
  PROMOTION_MIN_ABSOLUTE: z.coerce.number().min(0).max(1).default(0.002),
  PROMOTION_MIN_RELATIVE: z.coerce.number().min(0).max(10).default(0),
  PROMOTION_MAX_P: z.coerce.number().gt(0).max(1).default(0.05),
  PROMOTION_MAX_REGRESSION: z.coerce.number().min(0).max(1).default(0.005),
  TRAINING_TAG: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,99}$/, "must be a dataset tag name")
    .default("training"),
  IMPORT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(2 * 1024 ** 3)
    .default(100 * 1024 * 1024),
  FEEDBACK_AUTO_APPROVE: z.enum(["none", "signed-in", "all"]).default("none"),
  RETRAIN_MIN_NEW_RECORDS: z.coerce.number().int().min(1).max(10_000_000).default(500),
  RETRAIN_ON_DRIFT: booleanString.default(true),
  RETRAIN_ACCURACY_DROP: z.coerce.number().gt(0).max(1).default(0.05),
  RETRAIN_ACCURACY_WINDOW: z.coerce.number().int().min(10).max(1_000_000).default(200),
  PIPELINE_ALGORITHMS: z
    .string()
    .regex(/^(logreg|tree|cnn)(,(logreg|tree|cnn))*$/, "must be a comma-separated list of logreg, tree, cnn")
    .optional(),
  PIPELINE_HYPERPARAMETERS: z
    .string()
    .max(10_000)
    .optional()
    .transform((text, ctx) => {
      if (!text) return {};
      try {
        const parsed: unknown = JSON.parse(text);
        if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, Record<string, unknown>>;
      } catch {
        // reported below
      }
      ctx.addIssue({ code: "custom", message: 'must be a JSON object per family, e.g. {"cnn":{"epochs":4}}' });
      return z.NEVER;
    }),
  EVALUATION_MIN_SAMPLES: z.coerce.number().int().min(1).max(1_000_000).default(200),
  PREDICT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(10 * 1024 * 1024),
  PREDICT_MAX_PIXELS: z.coerce.number().int().min(784).default(40_000_000),
  PREDICT_MAX_BATCH: z.coerce.number().int().min(1).max(4096).default(64),
  PREDICT_MAX_BATCH_REQUEST: z.coerce.number().int().min(1).max(4096).default(256),
  PREDICT_INFERENCE_THREADS: z.coerce.number().int().min(1).max(64).default(1),
  PREDICT_BATCH_WAIT_MS: z.coerce.number().min(0).max(1000).default(2),
  PREDICT_RATE_LIMIT: z.coerce.number().min(0).max(100_000).default(20),
  PREDICT_RATE_BURST: z.coerce.number().int().min(1).max(100_000).default(40),
  PREDICT_CLIENT_CONCURRENCY: z.coerce.number().int().min(0).max(10_000).default(8),
  FEEDBACK_RATE_LIMIT: z.coerce.number().min(0).max(100_000).default(30),
  IMAGE_DECODE_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .default(Math.max(1, Math.floor(os.availableParallelism() / 2))),
  IMAGE_DECODE_QUEUE: z.coerce.number().int().min(0).max(10_000).default(16),
  IMAGE_DECODE_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(5_000),
  TRUST_PROXY: z
    .string()
    .optional()
    .refine(
      (v) =>
        v === undefined ||
        v
          .split(",")
          .map((e) => e.trim())
          .filter(Boolean)
          .every(isProxySpec),
      'must list "loopback", "private", IP addresses or CIDR ranges, comma-separated',
    ),
  PUBLIC_URL: z.url().optional(),
  LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  JOB_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(14),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  LDAP_URL: z
    .string()
    .refine((v) => /^ldaps?:\/\//.test(v), "must be an ldap:// or ldaps:// URL")
    .optional(),
  LDAP_BIND_DN: z.string().optional(),
  LDAP_BIND_PASSWORD: z.string().optional(),
  LDAP_BASE_DN: z.string().optional(),
  LDAP_USER_FILTER: z
    .string()
    .default("(uid={username})")
    .refine((v) => v.includes("{username}"), "must contain {username}, where the escaped user name goes"),
  LDAP_ADMIN_GROUP_DN: z.string().optional(),
  LDAP_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  ADMIN_USERNAME: z.string().trim().min(1).max(64).default("admin"),
  ADMIN_PASSWORD: z.string().min(8, "must be at least 8 characters").optional(),
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  NEXTAUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  DASHBOARDS_REQUIRE_LOGIN: booleanString.default(false),
  SIGNIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  SIGNIN_WINDOW_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(15 * 60_000),
  SIGNIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(20),
  UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(50 * 1024 * 1024),
  PREDICTION_LOG_SAMPLE_RATE: z.coerce.number().min(0).max(1).default(1),
  PREDICTION_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  MONITORING_SCHEDULE: z
    .string()
    .default("*/5 * * * *")
    .refine((v) => v === "off" || isCron(v), 'must be a cron expression or "off"'),
  DRIFT_MIN_WINDOW: z.coerce.number().int().min(10).max(100_000).default(200),
  DRIFT_MAX_WINDOW: z.coerce.number().int().min(10).max(100_000).default(5000),
  DRIFT_PSI_THRESHOLD: z.coerce.number().positive().default(0.25),
  DRIFT_PAIRWISE_THRESHOLD: z.coerce.number().positive().default(0.1),
});

function isProxySpec(entry: string): boolean {
  if (entry === "loopback" || entry === "private") return true;
  const [address, bits, extra] = entry.split("/");
  if (extra !== undefined || !net.isIP(address)) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (net.isIPv6(address) ? 128 : 32));
}

function isCron(expression: string): boolean {
  try {
    new Cron(expression, { paused: true }).stop();
    return true;
  } catch {
    return false;
  }
}

export type RawEnv = z.infer<typeof envSchema>;

/** Every variable the configuration reads (the README documents each). */
export const ENV_VARIABLES = Object.keys(envSchema.shape);

export interface AppConfig {
  env: RawEnv["NODE_ENV"];
  port: number;
  dataDir: string;
  database: { kind: "postgres"; url: string } | { kind: "pglite"; dir: string };
  storage: { driver: "local"; dir: string };
  kmnist: {
    dir: string;
    /** Where downloads go when `dir` is read-only or absent. */
    downloadDir: string;
    download: boolean;
    baseUrl: string;
    downloadTimeoutMs: number;
  };
  /** `backend`: tfjs's (training, explanations, models without an ONNX form); `inference`: who serves and benchmarks. */
  ml: { backend: RawEnv["ML_BACKEND"]; inference: RawEnv["ML_INFERENCE"] };
  jobs: {
    engine: RawEnv["JOB_ENGINE"];
    concurrency: number;
    retryBaseMs: number;
    /** A running job, pipeline run or training run whose holder has not said it is alive for this long is taken back. */
    leaseMs: number;
    trainSchedule: string | null;
    modelPollSchedule: string | null;
  };
  /** How long a graceful shutdown (SIGTERM/SIGINT) may take before the process exits anyway. */
  shutdownTimeoutMs: number;
  benchmarks: { schedule: string | null; workers: number; leaseMs: number; maxAttempts: number; explain: boolean };
  /**
   * A challenger replaces the champion only when it beats it by both margins (holdout accuracy)
   * and the paired McNemar test on the same images gives p below maxP.
   */
  /**
   * Promotion margins and significance; `maxRegression`: the largest accuracy drop on any
   * holdout (of at least EVALUATION_MIN_SAMPLES images) a challenger may have and be promoted.
   */
  promotion: { minAbsolute: number; minRelative: number; maxP: number; maxRegression: number };
  /** Benchmarks of fewer images are marked "small sample" and never crowned best or leader. */
  evaluation: { minSamples: number };
  /**
   * What the pipeline trains on (a dataset tag), and the data trigger: a new version of it
   * with at least this many records beyond what the champion was trained on requests a run.
   */
  training: {
    tag: string;
    retrainMinNewRecords: number;
    /** A drift alert on the champion's live inputs requests a run. */
    retrainOnDrift: boolean;
    /** The champion's live accuracy (approved feedback) falling by this much between two windows of this many answers requests a run. */
    retrainAccuracyDrop: number;
    retrainAccuracyWindow: number;
    /** What a run trains when its request does not say (PIPELINE_ALGORITHMS, PIPELINE_HYPERPARAMETERS). */
    algorithms: Array<"logreg" | "tree" | "cnn"> | null;
    hyperparameters: Record<string, Record<string, unknown>>;
  };
  /** The largest labelled batch POST /api/datasets/imports takes (all its files together). */
  importMaxBytes: number;
  /** Whose feedback skips the review queue: nobody's (default), signed-in people's, or everyone's (trusted setups). */
  feedbackAutoApprove: "none" | "signed-in" | "all";
  predict: {
    maxBytes: number;
    maxPixels: number;
    maxBatch: number;
    /** PREDICT_MAX_BATCH_REQUEST: most images one POST /api/predict/batch may carry. */
    maxBatchRequest: number;
    /** PREDICT_INFERENCE_THREADS: ONNX Runtime threads of the serving worker's inferences. */
    inferenceThreads: number;
    batchWaitMs: number;
    /** Per client: requests per second (0: no limit) and burst; requests in progress at once (0: no limit). */
    ratePerSecond: number;
    rateBurst: number;
    clientConcurrency: number;
    /** Image decoding: at once, waiting beyond that (then 503), and libvips' time limit per image. */
    decodeConcurrency: number;
    decodeQueue: number;
    decodeTimeoutMs: number;
  };
  /** Feedback answers per client and minute (0: no limit). */
  feedbackPerMinute: number;
  http: {
    /** TRUST_PROXY: proxies whose X-Forwarded-* headers are believed; null trusts none. */
    trustProxy: string | null;
    /** PUBLIC_URL: the origin people reach the app at (sign-in redirects, origin checks); null: taken from each request. */
    publicUrl: string | null;
    /** PREDICT_HOT_PATH: the custom server answers the prediction routes itself (false: through Next, as any route). */
    predictHotPath: boolean;
  };
  retention: { logDays: number; jobDays: number };
  trainOnStart: boolean;
  logLevel: RawEnv["LOG_LEVEL"];
  auth: {
    /** Null: no directory configured, the local bootstrap admin signs in instead. */
    ldap: {
      url: string;
      bindDn: string | null;
      bindPassword: string | null;
      baseDn: string;
      userFilter: string;
      adminGroupDn: string | null;
      timeoutMs: number;
    } | null;
    adminUsername: string;
    adminPassword: string | null;
    /** Signs session tokens: AUTH_SECRET / NEXTAUTH_SECRET, else one generated once into DATA_DIR. */
    secret: string;
    dashboardsRequireLogin: boolean;
    signInMaxFailures: number;
    signInWindowMs: number;
    /** Failed sign-ins one address may make across all user names per window (password spraying). */
    signInMaxFailuresPerAddress: number;
  };
  upload: { maxBytes: number };
  monitoring: {
    /** Share of predictions recorded (0-1). */
    sampleRate: number;
    retentionDays: number;
    schedule: string | null;
    /** A drift window waits for this many new inputs, and uses at most the newest max. */
    minWindow: number;
    maxWindow: number;
    thresholds: { psi: number; averagePairwiseDistance: number };
  };
}

export class ConfigError extends Error {
  constructor(public readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** The folder the shared KMNIST files sit in when this checkout lives beside `shared/`. */
const BUNDLED_KMNIST_DIR = path.join("..", "shared", "datasets", "kmnist");

export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  // Empty strings mean "unset": `FOO= npm start` should not trip validation.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? "environment");
        const value = cleaned[name];
        return `${name}=${JSON.stringify(value)}: ${issue.message}`;
      }),
    );
  }
  const e = parsed.data;
  if (e.LDAP_URL && !e.LDAP_BASE_DN) throw new ConfigError(["LDAP_BASE_DN: required when LDAP_URL is set (where user entries are searched)"]);
  const dataDir = path.resolve(e.DATA_DIR);
  const downloadDir = path.join(dataDir, "kmnist");
  const kmnistDir = e.KMNIST_DIR ? path.resolve(e.KMNIST_DIR) : fs.existsSync(BUNDLED_KMNIST_DIR) ? path.resolve(BUNDLED_KMNIST_DIR) : downloadDir;
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    dataDir,
    database: e.DATABASE_URL
      ? { kind: "postgres", url: e.DATABASE_URL }
      : { kind: "pglite", dir: path.resolve(/* turbopackIgnore: true */ e.PGLITE_DIR ?? path.join(dataDir, "pglite")) },
    storage: { driver: e.STORAGE_DRIVER, dir: path.resolve(/* turbopackIgnore: true */ e.STORAGE_DIR ?? path.join(dataDir, "objects")) },
    kmnist: {
      dir: kmnistDir,
      downloadDir,
      download: e.KMNIST_DOWNLOAD === "auto",
      baseUrl: e.KMNIST_BASE_URL.endsWith("/") ? e.KMNIST_BASE_URL : `${e.KMNIST_BASE_URL}/`,
      downloadTimeoutMs: e.KMNIST_DOWNLOAD_TIMEOUT_MS,
    },
    ml: { backend: e.ML_BACKEND, inference: e.ML_INFERENCE },
    jobs: {
      engine: e.JOB_ENGINE,
      concurrency: e.JOB_CONCURRENCY,
      retryBaseMs: e.JOB_RETRY_BASE_MS,
      leaseMs: e.JOB_LEASE_MS,
      trainSchedule: e.TRAIN_SCHEDULE === "off" ? null : e.TRAIN_SCHEDULE,
      modelPollSchedule: e.MODEL_POLL_SCHEDULE === "off" ? null : e.MODEL_POLL_SCHEDULE,
    },
    benchmarks: {
      schedule: e.BENCHMARK_SCHEDULE === "off" ? null : e.BENCHMARK_SCHEDULE,
      workers: e.BENCHMARK_WORKERS,
      leaseMs: e.BENCHMARK_LEASE_MS,
      maxAttempts: e.BENCHMARK_MAX_ATTEMPTS,
      explain: e.BENCHMARK_EXPLAIN,
    },
    promotion: {
      minAbsolute: e.PROMOTION_MIN_ABSOLUTE,
      minRelative: e.PROMOTION_MIN_RELATIVE,
      maxP: e.PROMOTION_MAX_P,
      maxRegression: e.PROMOTION_MAX_REGRESSION,
    },
    evaluation: { minSamples: e.EVALUATION_MIN_SAMPLES },
    training: {
      tag: e.TRAINING_TAG,
      retrainMinNewRecords: e.RETRAIN_MIN_NEW_RECORDS,
      retrainOnDrift: e.RETRAIN_ON_DRIFT,
      retrainAccuracyDrop: e.RETRAIN_ACCURACY_DROP,
      retrainAccuracyWindow: e.RETRAIN_ACCURACY_WINDOW,
      algorithms: e.PIPELINE_ALGORITHMS ? (e.PIPELINE_ALGORITHMS.split(",") as Array<"logreg" | "tree" | "cnn">) : null,
      hyperparameters: e.PIPELINE_HYPERPARAMETERS,
    },
    importMaxBytes: e.IMPORT_MAX_BYTES,
    feedbackAutoApprove: e.FEEDBACK_AUTO_APPROVE,
    predict: {
      maxBytes: e.PREDICT_MAX_BYTES,
      maxPixels: e.PREDICT_MAX_PIXELS,
      maxBatch: e.PREDICT_MAX_BATCH,
      maxBatchRequest: e.PREDICT_MAX_BATCH_REQUEST,
      inferenceThreads: e.PREDICT_INFERENCE_THREADS,
      batchWaitMs: e.PREDICT_BATCH_WAIT_MS,
      ratePerSecond: e.PREDICT_RATE_LIMIT,
      rateBurst: e.PREDICT_RATE_BURST,
      clientConcurrency: e.PREDICT_CLIENT_CONCURRENCY,
      decodeConcurrency: e.IMAGE_DECODE_CONCURRENCY,
      decodeQueue: e.IMAGE_DECODE_QUEUE,
      decodeTimeoutMs: e.IMAGE_DECODE_TIMEOUT_MS,
    },
    feedbackPerMinute: e.FEEDBACK_RATE_LIMIT,
    http: { trustProxy: e.TRUST_PROXY ?? null, publicUrl: e.PUBLIC_URL ? new URL(e.PUBLIC_URL).origin : null, predictHotPath: e.PREDICT_HOT_PATH },
    retention: { logDays: e.LOG_RETENTION_DAYS, jobDays: e.JOB_RETENTION_DAYS },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    trainOnStart: e.TRAIN_ON_START,
    logLevel: e.LOG_LEVEL,
    auth: {
      ldap:
        e.LDAP_URL && e.LDAP_BASE_DN
          ? {
              url: e.LDAP_URL,
              bindDn: e.LDAP_BIND_DN ?? null,
              bindPassword: e.LDAP_BIND_PASSWORD ?? null,
              baseDn: e.LDAP_BASE_DN,
              userFilter: e.LDAP_USER_FILTER,
              adminGroupDn: e.LDAP_ADMIN_GROUP_DN ?? null,
              timeoutMs: e.LDAP_TIMEOUT_MS,
            }
          : null,
      adminUsername: e.ADMIN_USERNAME,
      adminPassword: e.ADMIN_PASSWORD ?? null,
      // Read (or created) on first use, so that loading the configuration touches no files.
      get secret() {
        const value = e.AUTH_SECRET ?? e.NEXTAUTH_SECRET ?? generatedSecret(dataDir);
        Object.defineProperty(this, "secret", { value });
        return value;
      },
      dashboardsRequireLogin: e.DASHBOARDS_REQUIRE_LOGIN,
      signInMaxFailures: e.SIGNIN_MAX_FAILURES,
      signInWindowMs: e.SIGNIN_WINDOW_MS,
      signInMaxFailuresPerAddress: e.SIGNIN_MAX_FAILURES_PER_ADDRESS,
    },
    upload: { maxBytes: e.UPLOAD_MAX_BYTES },
    monitoring: {
      sampleRate: e.PREDICTION_LOG_SAMPLE_RATE,
      retentionDays: e.PREDICTION_LOG_RETENTION_DAYS,
      schedule: e.MONITORING_SCHEDULE === "off" ? null : e.MONITORING_SCHEDULE,
      minWindow: e.DRIFT_MIN_WINDOW,
      maxWindow: Math.max(e.DRIFT_MAX_WINDOW, e.DRIFT_MIN_WINDOW),
      thresholds: { psi: e.DRIFT_PSI_THRESHOLD, averagePairwiseDistance: e.DRIFT_PAIRWISE_THRESHOLD },
    },
  };
}

/**
 * A random session-signing secret kept in the data folder, so that sessions survive a
 * restart and every process sharing DATA_DIR agrees on it. Created once, owner-only.
 */
function generatedSecret(dataDir: string): string {
  const file = path.join(/* turbopackIgnore: true */ dataDir, "auth-secret");
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    fs.mkdirSync(dataDir, { recursive: true });
    try {
      fs.writeFileSync(file, crypto.randomBytes(32).toString("base64url"), { flag: "wx", mode: 0o600 });
    } catch (error) {
      // Another process created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    return fs.readFileSync(file, "utf8").trim();
  }
}

let cached: AppConfig | undefined;

/** The process-wide configuration, validated once on first use. */
export function config(): AppConfig {
  cached ??= loadConfig();
  return cached;
}

/** The p-value a challenger's gain must beat (PROMOTION_MAX_P), also the significance level the dashboards use. */
export const promotionMaxP = () => config().promotion.maxP;
