import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresTestDatabase, type TestDatabase } from "@/lib/testing/database";
import { ensureBootstrapAdmin, verifyLocalAccount } from "./local-accounts";
import { hashPassword, verifyPassword } from "./passwords";
import { SignInLimiter, type SignInLimits } from "./rate-limit";
import { SignInError } from "./types";

let database: TestDatabase;

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  // signInWithPassword opens the app's database through config().
  process.env.DATABASE_URL = database.url;
});
afterAll(async () => {
  await database?.cleanup();
});

describe("password hashes", () => {
  it("verify the right password only, with a fresh salt each time", async () => {
    const a = await hashPassword("correct horse");
    const b = await hashPassword("correct horse");
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword("correct horse", a)).toBe(true);
    expect(await verifyPassword("correct horse!", a)).toBe(false);
    expect(await verifyPassword("correct horse", "plain-text")).toBe(false);
    expect(await verifyPassword("x", "scrypt$1$1$1$$")).toBe(false);
  });
});

describe("sign-in rate limit", () => {
  const limits = (overrides: Partial<SignInLimits> = {}): SignInLimits => ({ maxFailures: 3, windowMs: 60_000, maxFailuresPerAddress: 20, ...overrides });

  it("blocks a user name from one address after the limit, for the window", () => {
    let now = 1_000_000;
    const limiter = new SignInLimiter(limits(), () => now);
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfterMs("ada", "10.0.0.1")).toBe(0);
      limiter.recordFailure("ada", "10.0.0.1");
      now += 1000;
    }
    expect(limiter.retryAfterMs("ada", "10.0.0.1")).toBe(60_000 - 1000);
    expect(limiter.retryAfterMs("ADA", "10.0.0.1")).toBeGreaterThan(0);
    // Another address, or another user, is not blocked by it.
    expect(limiter.retryAfterMs("ada", "10.0.0.2")).toBe(0);
    expect(limiter.retryAfterMs("bob", "10.0.0.1")).toBe(0);
    now += 60_000;
    expect(limiter.retryAfterMs("ada", "10.0.0.1")).toBe(0);
  });

  it("doubles the wait for each lockout that follows another", () => {
    let now = 0;
    const limiter = new SignInLimiter(limits(), () => now);
    const lockout = () => {
      for (let i = 0; i < 3; i++) limiter.recordFailure("ada", "ip");
      return limiter.retryAfterMs("ada", "ip");
    };
    expect(lockout()).toBe(60_000);
    now += 60_000;
    expect(lockout()).toBe(120_000);
    now += 120_000;
    expect(lockout()).toBe(240_000);
  });

  it("cannot be aimed at someone else: failures from many addresses leave the owner's known address open", () => {
    const limiter = new SignInLimiter(limits(), () => 0);
    limiter.recordSuccess("admin", "192.0.2.10");
    for (let i = 0; i < 40; i++) limiter.recordFailure("admin", `198.51.100.${i}`);
    // A distributed guess is slowed on addresses admin never used...
    expect(limiter.retryAfterMs("admin", "203.0.113.7")).toBeGreaterThan(0);
    // ...but not from where admin signs in.
    expect(limiter.retryAfterMs("admin", "192.0.2.10")).toBe(0);
  });

  it("caps one address across user names (password spraying)", () => {
    const limiter = new SignInLimiter(limits({ maxFailuresPerAddress: 10 }), () => 0);
    let lockouts = 0;
    for (let i = 0; i < 10; i++) if (limiter.recordFailure(`user${i}`, "203.0.113.9").lockout?.scope === "address") lockouts++;
    expect(lockouts).toBe(1);
    expect(limiter.retryAfterMs("someone-else", "203.0.113.9")).toBeGreaterThan(0);
    expect(limiter.retryAfterMs("someone-else", "203.0.113.10")).toBe(0);
  });

  it("keeps a lockout when a flood of throwaway names from other addresses fills its memory", () => {
    const limiter = new SignInLimiter(limits({ maxEntries: 1000 }), () => 0);
    for (let i = 0; i < 3; i++) limiter.recordFailure("ada", "10.0.0.1");
    expect(limiter.retryAfterMs("ada", "10.0.0.1")).toBeGreaterThan(0);
    for (let i = 0; i < 5000; i++) limiter.recordFailure(`junk${i}`, `10.1.${Math.floor(i / 250)}.${i % 250}`);
    expect(limiter.retryAfterMs("ada", "10.0.0.1")).toBeGreaterThan(0);
  });

  it("forgets failures after a successful sign-in", () => {
    const limiter = new SignInLimiter(limits({ maxFailures: 2 }), () => 0);
    limiter.recordFailure("ada", "ip");
    limiter.recordSuccess("ada", "ip");
    limiter.recordFailure("ada", "ip");
    expect(limiter.retryAfterMs("ada", "ip")).toBe(0);
  });
});

describe("local bootstrap admin", () => {
  it("is created once with a generated password, stored hashed, and ADMIN_PASSWORD replaces it", async () => {
    const { db } = database;
    const first = await ensureBootstrapAdmin(db, "admin", null);
    expect(first.action).toBe("created");
    expect(first.generatedPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(await verifyLocalAccount(db, "admin", first.generatedPassword!)).toMatchObject({ name: "admin", role: "admin", source: "local" });

    const again = await ensureBootstrapAdmin(db, "admin", null);
    expect(again).toEqual({ username: "admin", generatedPassword: null, action: "unchanged" });

    const configured = await ensureBootstrapAdmin(db, "admin", "chosen-password");
    expect(configured.action).toBe("updated");
    expect(await verifyLocalAccount(db, "admin", first.generatedPassword!)).toBeNull();
    expect(await verifyLocalAccount(db, "admin", "chosen-password")).not.toBeNull();
    expect((await ensureBootstrapAdmin(db, "admin", "chosen-password")).action).toBe("unchanged");
    expect(await verifyLocalAccount(db, "nobody", "chosen-password")).toBeNull();
  });

  it("signInWithPassword: validates input, checks the local account, and rate-limits failures", async () => {
    const { signInWithPassword } = await import("./sign-in");
    const limiter = new SignInLimiter({ maxFailures: 2, windowMs: 60_000, maxFailuresPerAddress: 20 });
    const attempt = (username: unknown, password: unknown, ip = "127.0.0.9") =>
      signInWithPassword({ username, password }, ip, { limiter }).then(
        (user) => user,
        (error: unknown) => error as SignInError,
      );
    expect(await attempt("admin", "chosen-password")).toMatchObject({ role: "admin" });
    expect(await attempt("", "x")).toMatchObject({ code: "invalid_request", message: "enter a user name" });
    expect(await attempt("admin", "")).toMatchObject({ code: "invalid_request" });
    expect(await attempt("a\u0000b", "x")).toMatchObject({ code: "invalid_request", message: "user name contains control characters" });
    expect(await attempt({ $ne: 1 }, "x")).toMatchObject({ code: "invalid_request" });
    expect(await attempt("admin", "wrong")).toMatchObject({ code: "invalid_credentials" });
    expect(await attempt("admin", "wrong")).toMatchObject({ code: "invalid_credentials" });
    // Now even the right password waits: the limit is reached.
    expect(await attempt("admin", "chosen-password")).toMatchObject({ code: "rate_limited", message: /Too many failed sign-ins/ });
    expect(await attempt("admin", "chosen-password", "127.0.0.10")).toMatchObject({ role: "admin" });
  });
});
