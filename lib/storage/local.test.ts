import fs from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTempStore } from "@/lib/testing/database";
import { InvalidObjectKeyError, ObjectNotFoundError, sha256Hex } from ".";

let store: Awaited<ReturnType<typeof createTempStore>>;

beforeEach(async () => {
  store = await createTempStore();
});
afterEach(async () => {
  await store.cleanup();
});

describe("LocalObjectStore", () => {
  it("stores, reads, describes and deletes objects with their sha256", async () => {
    const data = Buffer.from("hello kana");
    const info = await store.put("models/a/1/weights.bin", data, { contentType: "application/x-test" });
    expect(info).toEqual({
      key: "models/a/1/weights.bin",
      bytes: 10,
      sha256: sha256Hex(data),
      contentType: "application/x-test",
      modifiedAt: expect.any(Date),
    });
    expect(await store.get("models/a/1/weights.bin")).toEqual(data);
    expect(await store.head("models/a/1/weights.bin")).toEqual(info);
    await store.delete("models/a/1/weights.bin");
    expect(await store.head("models/a/1/weights.bin")).toBeNull();
    await expect(store.get("models/a/1/weights.bin")).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it("lists by prefix in key order", async () => {
    for (const key of ["b/2", "a/1", "a/sub/3", "ab/4"]) await store.put(key, Buffer.from(key));
    expect((await store.list("a")).map((o) => o.key)).toEqual(["a/1", "a/sub/3"]);
    expect((await store.list("")).map((o) => o.key)).toEqual(["a/1", "a/sub/3", "ab/4", "b/2"]);
    expect(await store.list("missing")).toEqual([]);
  });

  it("overwrites atomically and leaves no temporary files", async () => {
    await store.put("x", Buffer.alloc(1000, 1));
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.put("x", Buffer.alloc(1000 + i, i))));
    const final = await store.get("x");
    // Whichever write won, the object is whole and its sidecar matches it.
    expect(final.every((b) => b === final[0])).toBe(true);
    expect(final.length).toBe(1000 + final[0]);
    expect((await store.head("x"))?.sha256).toBe(sha256Hex(final));
    expect(await fs.readdir(path.join(store.root, "tmp"))).toEqual([]);
  });

  it("rebuilds a missing or stale sidecar from the data", async () => {
    await store.put("k", Buffer.from("abc"));
    await fs.rm(path.join(store.root, "meta", "k.json"));
    expect((await store.head("k"))?.sha256).toBe(sha256Hex(Buffer.from("abc")));
    await fs.writeFile(path.join(store.root, "objects", "k"), "abcd");
    expect((await store.head("k"))?.sha256).toBe(sha256Hex(Buffer.from("abcd")));
  });

  it.each(["../escape", "/abs", "a/../../b", "a//b", "", "a/./b", "sp ace", "x\u0000y", "a\\b"])("refuses the key %j", async (key) => {
    await expect(store.put(key, Buffer.from("x"))).rejects.toBeInstanceOf(InvalidObjectKeyError);
    await expect(store.get(key)).rejects.toBeInstanceOf(InvalidObjectKeyError);
  });

  it("answers ping when writable", async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });
});
