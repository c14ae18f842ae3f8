import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { zipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import { KMNIST_TEST_DIR } from "@/lib/testing/database";
import { kmnistPng } from "@/lib/testing/images";
import { BatchRejectedError, DEFAULT_BATCH_LIMITS, encodeIdx, KMNIST_FILES, parseIdx, parseLabel, readIdxPair, readLabelledZip, splitOf } from ".";

/** Real KMNIST holdout images, as a person would send them: 280x280 PNGs in a zip with labels.csv. */
let images: Uint8Array;
let labels: Uint8Array;
const image = (k: number) => images.subarray(k * 784, (k + 1) * 784);
const text = (s: string) => Buffer.from(s, "utf8");

beforeAll(() => {
  images = parseIdx(fs.readFileSync(path.join(KMNIST_TEST_DIR, KMNIST_FILES.testImages.name))).data;
  labels = parseIdx(fs.readFileSync(path.join(KMNIST_TEST_DIR, KMNIST_FILES.testLabels.name))).data;
});

async function rejection(promise: Promise<unknown> | (() => unknown)) {
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (error) {
    if (error instanceof BatchRejectedError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected the batch to be refused");
}

describe("labels and the split", () => {
  it("reads a label as 0-9 or its hiragana, nothing else", () => {
    expect(["0", " 9 ", "お", "を", "\u305b".normalize()].map(parseLabel)).toEqual([0, 9, 0, 9, null]);
    expect(["10", "-1", "=1+1", "", "o", "1.0"].map(parseLabel)).toEqual([null, null, null, null, null, null]);
  });

  it("splits by a hash of the identity: stable, about 80/20, independent of order", () => {
    const keys = Array.from({ length: 5000 }, (_, i) => `key-${i}`);
    const splits = keys.map((k) => splitOf("style", k));
    expect(keys.map((k) => splitOf("style", k))).toEqual(splits);
    const holdout = splits.filter((s) => s === "holdout").length / keys.length;
    expect(holdout).toBeGreaterThan(0.18);
    expect(holdout).toBeLessThan(0.22);
    // Another source splits the same keys differently (its own hash).
    expect(keys.map((k) => splitOf("other", k))).not.toEqual(splits);
  });
});

describe("readLabelledZip", () => {
  it("preprocesses every listed image as a prediction would, and reports each refusal with its reason", async () => {
    const files: Record<string, Uint8Array> = {};
    const rows = ["file,label"];
    for (let k = 0; k < 12; k++) {
      files[`batch/img-${k}.png`] = await kmnistPng(image(k), 280);
      // Half the labels as digits, half as hiragana.
      rows.push(`img-${k}.png,${k % 2 ? labels[k] : "おきすつなはまやれを"[labels[k]]}`);
    }
    files["batch/copy.png"] = files["batch/img-0.png"];
    rows.push("copy.png,0");
    files["batch/broken.png"] = text("not an image at all");
    rows.push("broken.png,1");
    files["batch/blank.png"] = await kmnistPng(new Uint8Array(784), 28);
    rows.push("blank.png,2");
    rows.push("absent.png,3", "img-0.png,く", '"=HYPERLINK(""http://x"")",4', "img-1.png,+1");
    files["batch/stray.png"] = files["batch/img-2.png"];
    files["batch/labels.csv"] = text(rows.join("\r\n") + "\r\n");

    const progress: number[] = [];
    const batch = await readLabelledZip(zipSync(files), DEFAULT_BATCH_LIMITS, (done) => progress.push(done));
    expect(batch.count).toBe(12);
    expect(Array.from(batch.labels)).toEqual(Array.from(labels.subarray(0, 12)));
    expect(batch.items).toEqual(Array.from({ length: 12 }, (_, k) => `img-${k}.png`));
    expect(batch.images).toHaveLength(12 * 784);
    expect(new Set(batch.contentHashes).size).toBe(12);
    expect(batch.refused.map((r) => [r.item, r.reason])).toEqual([
      ["copy.png", "duplicate"],
      ["broken.png", "undecodable"],
      ["blank.png", "no_ink"],
      ["absent.png", "missing_image"],
      ["img-0.png", "unknown_label"],
      ['=HYPERLINK("http://x")', "formula"],
      ["img-1.png", "formula"],
      ["stray.png", "not_labelled"],
    ]);
    expect(batch.refused[0].detail).toBe("the same image as img-0.png");
    expect(progress.at(-1)).toBe(rows.length - 1);
  });

  it("refuses unsafe and hostile archives as a whole, with a named error", async () => {
    const png = await kmnistPng(image(0), 28);
    const csv = text("a.png,0\n");
    const limits = { ...DEFAULT_BATCH_LIMITS, maxEntries: 1000, maxInflatedBytes: 4 * 1024 * 1024 };
    const cases: Array<[string, Uint8Array, string, RegExp]> = [
      ["zip-slip", zipSync({ "labels.csv": text("../evil.png,0\n"), "../evil.png": png }), "unsafe_path", /unsafe path/],
      ["absolute path", zipSync({ "labels.csv": csv, "/etc/a.png": png }), "unsafe_path", /unsafe path/],
      ["backslash", zipSync({ "labels.csv": csv, "..\\a.png": png }), "unsafe_path", /unsafe path/],
      [
        "too many entries",
        zipSync(Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`f${i}.png`, new Uint8Array(0)]))),
        "too_many_entries",
        /more than 1000 entries/,
      ],
      ["zip bomb", zipSync({ "labels.csv": csv, "a.png": new Uint8Array(64 * 1024 * 1024) }), "too_large", /inflates to more than/],
      ["not a zip", text("PK\u0003\u0004 but nothing after"), "invalid_archive", /zip/],
      ["empty bytes", new Uint8Array(0), "invalid_archive", /not a zip file/],
      ["no labels.csv", zipSync({ "a.png": png }), "invalid_labels", /no labels\.csv/],
      ["NUL in the CSV", zipSync({ "labels.csv": text("a.png,0\n\u0000\n"), "a.png": png }), "invalid_labels", /NUL/],
      ["a huge line", zipSync({ "labels.csv": text(`a.png,${"0".repeat(5000)}\n`), "a.png": png }), "invalid_labels", /line 1 is longer than 1024/],
      ["three cells", zipSync({ "labels.csv": text("a.png,0,extra\n"), "a.png": png }), "invalid_labels", /3 cells/],
      ["an open quote", zipSync({ "labels.csv": text('"a.png,0\n'), "a.png": png }), "invalid_labels", /unterminated quote/],
      ["not UTF-8", zipSync({ "labels.csv": Uint8Array.from([0x61, 0xff, 0xfe, 0x2c, 0x30]), "a.png": png }), "invalid_labels", /not UTF-8/],
      ["only a header", zipSync({ "labels.csv": text("file,label\n"), "a.png": png }), "invalid_labels", /lists no file/],
    ];
    for (const [name, zip, code, message] of cases) {
      const refused = await rejection(readLabelledZip(zip, limits));
      expect([name, refused.code], refused.message).toEqual([name, code]);
      expect(refused.message, name).toMatch(message);
    }
  });

  it("stops a 100,000-entry zip at the entry limit", async () => {
    const entries = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`e/${i}.png`, new Uint8Array(0)]));
    const started = performance.now();
    expect(await rejection(readLabelledZip(zipSync(entries, { level: 0 })))).toMatchObject({ code: "too_many_entries" });
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});

describe("readIdxPair", () => {
  it("takes 28x28 images as they are, gzipped or not, refusing blank images and unknown labels", () => {
    const some = images.slice(0, 5 * 784);
    some.fill(0, 3 * 784, 4 * 784);
    const someLabels = Uint8Array.from([...labels.subarray(0, 4), 12]);
    const batch = readIdxPair(gzipSync(encodeIdx([5, 28, 28], some)), encodeIdx([5], someLabels));
    expect(batch.count).toBe(3);
    expect(batch.items).toEqual(["#0", "#1", "#2"]);
    expect(batch.refused.map((r) => [r.item, r.reason])).toEqual([
      ["#3", "no_ink"],
      ["#4", "unknown_label"],
    ]);
  });

  it("refuses files that are not a matching idx pair, and gzip bombs", async () => {
    const five = encodeIdx([5, 28, 28], images.slice(0, 5 * 784));
    expect(await rejection(() => readIdxPair(five, encodeIdx([4], labels.slice(0, 4))))).toMatchObject({
      code: "invalid_idx",
      message: /4 labels for 5 images/,
    });
    expect(await rejection(() => readIdxPair(encodeIdx([5, 32, 32], images.slice(0, 5 * 32 * 32)), encodeIdx([5], labels.slice(0, 5))))).toMatchObject({
      code: "invalid_idx",
      message: /5x32x32, not n x 28 x 28/,
    });
    expect(await rejection(() => readIdxPair(text("hello"), text("world")))).toMatchObject({ code: "invalid_idx" });
    const bomb = gzipSync(new Uint8Array(64 * 1024 * 1024));
    expect(await rejection(() => readIdxPair(bomb, encodeIdx([5], labels.slice(0, 5)), { maxInflatedBytes: 1024 * 1024 }))).toMatchObject({
      code: "too_large",
    });
  });
});
