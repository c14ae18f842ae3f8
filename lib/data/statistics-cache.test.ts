import { describe, expect, it } from "vitest";
import { createTempStore } from "@/lib/testing/database";
import { encodeSnapshot } from "./snapshot";
import { perVersionCache } from "./statistics-cache";

describe("per-version caches", () => {
  it("compute once per version, and share one snapshot load between caches", async () => {
    const store = await createTempStore();
    try {
      await store.put("snapshots/a.ksnp", encodeSnapshot({ count: 2, labels: Uint8Array.from([1, 2]), images: new Uint8Array(2 * 784).fill(9) }));
      let reads = 0;
      const counting = Object.create(store) as typeof store;
      counting.get = (key) => (reads++, store.get(key));
      const counts = perVersionCache((s) => s.count);
      const labels = perVersionCache((s) => Array.from(s.labels));
      const version = { snapshotKey: "snapshots/a.ksnp" };
      expect(await Promise.all([counts(counting, version), labels(counting, version), counts(counting, version)])).toEqual([2, [1, 2], 2]);
      expect(reads).toBe(1);
      await expect(counts(counting, { snapshotKey: "snapshots/missing.ksnp" })).rejects.toThrow(/not found/i);
    } finally {
      await store.cleanup();
    }
  });
});
