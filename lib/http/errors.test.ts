import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { ApiError, errorResponse, isDatabaseUnavailable } from "./errors";

describe("errorResponse", () => {
  it("answers 503 with Retry-After when the database cannot be reached (a real refused connection, wrapped by drizzle)", async () => {
    const client = postgres("postgres://postgres@127.0.0.1:1/none", { max: 1, connect_timeout: 2, onnotice: () => {} });
    const error = await drizzle(client)
      .execute(sql`select 1`)
      .then(
        () => null,
        (e: unknown) => e,
      );
    await client.end();
    expect(isDatabaseUnavailable(error)).toBe(true);
    const response = errorResponse(error, "GET /test");
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect(await response.json()).toEqual({ error: { code: "database_unavailable", message: expect.stringMatching(/cannot be reached/) } });
  });

  it("keeps client errors 4xx and other failures 500 with a generic message", async () => {
    expect(errorResponse(new ApiError(422, "validation_failed", "x: bad"), "GET /test").status).toBe(422);
    const internal = errorResponse(new Error("secret detail"), "GET /test");
    expect(internal.status).toBe(500);
    expect(JSON.stringify(await internal.json())).not.toContain("secret detail");
    expect(isDatabaseUnavailable(Object.assign(new Error("syntax"), { code: "42601" }))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error("shutting down"), { code: "57P01" }))).toBe(true);
  });
});
