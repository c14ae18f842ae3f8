import { logs } from "@/db/schema";
import { config } from "@/lib/config";
import { openedDatabase } from "@/lib/db";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogContext = Record<string, unknown>;

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, context?: LogContext): void;
  info(message: string, context?: LogContext): void;
  warn(message: string, context?: LogContext): void;
  error(message: string, context?: LogContext): void;
}

function minimumLevel(): LogLevel {
  try {
    return config().logLevel;
  } catch {
    return "info";
  }
}

/** PostgreSQL text and jsonb cannot hold NUL, and hostile input likes to contain it. */
const withoutNul = (text: string) => text.replaceAll("\u0000", "\\u0000");

/**
 * A readable one-line cause of an error: drizzle's "Failed query" wrapper and Node's
 * AggregateError (one connect error per address) unwrapped to what went wrong, and the system
 * error code kept (ECONNREFUSED, ETIMEDOUT, ...).
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error instanceof AggregateError && error.errors.length > 0) return [...new Set(error.errors.map(describeError))].join("; ");
  if (error.cause instanceof Error && (!error.message || error.message.startsWith("Failed query"))) return describeError(error.cause);
  const code = (error as NodeJS.ErrnoException).code;
  const message = error.message || error.name;
  return typeof code === "string" && !message.includes(code) ? `${message} (${code})` : message;
}

function clean(value: unknown): unknown {
  if (typeof value === "string") return withoutNul(value);
  // Error objects do not survive JSON.stringify; keep their name and readable cause.
  if (value instanceof Error) return { name: value.name, message: withoutNul(describeError(value)) };
  if (Array.isArray(value)) return value.map(clean);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [withoutNul(k), clean(v)]));
  return value;
}

function serialisable(context: LogContext | undefined): LogContext | undefined {
  return context ? (clean(context) as LogContext) : undefined;
}

const pendingWrites = new Set<Promise<unknown>>();

/**
 * Warnings and errors are also stored in the `logs` table for the admin log page, but only
 * when this process already has a database open: logging must never open connections or
 * fail the caller.
 */
function persist(ts: Date, level: LogLevel, component: string, message: string, context: LogContext | undefined) {
  const opened = openedDatabase();
  if (!opened) return;
  const write = opened
    .then(({ db }) => db.insert(logs).values({ ts, level, component, message, context }))
    .catch(() => undefined)
    .finally(() => pendingWrites.delete(write));
  pendingWrites.add(write);
}

/** Resolves when every log row queued so far is written (tests, graceful shutdown). */
export async function flushLogs(): Promise<void> {
  await Promise.all([...pendingWrites]);
}

export function createLogger(component: string): Logger {
  const emit = (level: LogLevel, rawMessage: string, context?: LogContext) => {
    const message = withoutNul(rawMessage);
    const ctx = serialisable(context);
    // Stamped here, not by the database: concurrent inserts land in any order.
    const ts = new Date();
    if (LEVELS[level] >= LEVELS[minimumLevel()]) {
      const line = JSON.stringify({ ts: ts.toISOString(), level, component, message, ...(ctx ? { context: ctx } : {}) });
      (level === "error" || level === "warn" ? process.stderr : process.stdout).write(`${line}\n`);
    }
    if (level === "warn" || level === "error") persist(ts, level, component, message, ctx);
  };
  return {
    debug: (m, c) => emit("debug", m, c),
    info: (m, c) => emit("info", m, c),
    warn: (m, c) => emit("warn", m, c),
    error: (m, c) => emit("error", m, c),
  };
}
