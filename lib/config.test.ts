import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, ENV_VARIABLES, loadConfig } from "./config";

describe("loadConfig", () => {
  it("runs embedded with nothing set", () => {
    const cfg = loadConfig({});
    expect(cfg.database).toEqual({ kind: "pglite", dir: path.resolve(".data/pglite") });
    expect(cfg.storage).toEqual({ driver: "local", dir: path.resolve(".data/objects") });
    expect(cfg.port).toBe(3000);
    expect(cfg.kmnist.download).toBe(true);
    expect(cfg.ml.backend).toBe("auto");
  });

  it("uses PostgreSQL when DATABASE_URL is set", () => {
    expect(loadConfig({ DATABASE_URL: "postgres://u@localhost/db" }).database).toEqual({ kind: "postgres", url: "postgres://u@localhost/db" });
  });

  it("treats empty values as unset", () => {
    expect(loadConfig({ DATABASE_URL: "", PORT: "" }).database.kind).toBe("pglite");
  });

  it.each([
    ["PORT", "http"],
    ["PORT", "70000"],
    ["DATABASE_URL", "mysql://localhost/db"],
    ["ML_BACKEND", "gpu"],
    ["KMNIST_DOWNLOAD", "sometimes"],
    ["TRAIN_ON_START", "maybe"],
    ["KMNIST_BASE_URL", "not a url"],
    ["TRAIN_SCHEDULE", "every day"],
    ["JOB_ENGINE", "bullmq"],
    ["TRUST_PROXY", "10.0.0.0/40"],
    ["TRUST_PROXY", "my-proxy"],
  ])("rejects %s=%s with a message naming the variable", (name, value) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(`${name}=${JSON.stringify(value)}`);
  });

  it("documents every variable it reads in the README's configuration table", () => {
    const readme = fs.readFileSync(path.join(process.cwd(), "README.md"), "utf8");
    expect(ENV_VARIABLES.filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
  });

  it("reports every bad variable at once", () => {
    expect(() => loadConfig({ PORT: "x", ML_BACKEND: "y" })).toThrow(/PORT=.*\n.*ML_BACKEND=/s);
  });
});
