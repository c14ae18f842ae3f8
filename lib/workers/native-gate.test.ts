import { describe, expect, it } from "vitest";
import { spawnTsChild } from "@/lib/testing/child";

/**
 * Worker threads that run ONNX Runtime, stopped while it computes: with the gate the process
 * lives, with a bare terminate() it aborts (the hazard the gate exists for; if a future
 * onnxruntime-node fixes it, the second test says so).
 */
describe("stopWorker (native gate) with ONNX Runtime running in the worker", () => {
  it("stops a worker in the middle of its inference loop 8 times, and the process lives", async () => {
    const child = spawnTsChild("lib/testing/native-gate-child.ts", ["gate", "8"], {});
    const { code } = await child.exited;
    expect(child.output()).toContain("round 8 stopped");
    expect(child.output()).toContain("survived");
    expect(code).toBe(0);
  }, 120_000);

  it("a bare terminate() in the same place aborts the process (exit 134 / SIGABRT)", async () => {
    const child = spawnTsChild("lib/testing/native-gate-child.ts", ["terminate", "8"], {});
    const { code, signal } = await child.exited;
    expect(child.output()).not.toContain("survived");
    expect(code === 134 || signal === "SIGABRT").toBe(true);
  }, 120_000);
});
