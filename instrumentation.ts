/**
 * Runs once when the Next server starts: validates the configuration (a bad variable stops
 * the server with its name) and opens and migrates the database before the first request.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { config } = await import("@/lib/config");
  config();
  const { database } = await import("@/lib/db");
  await database();
}
