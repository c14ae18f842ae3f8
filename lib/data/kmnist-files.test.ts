import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/config";
import { KMNIST_TEST_DIR } from "@/lib/testing/database";
import { downloadKmnistFile, KMNIST_FILES, KmnistChecksumError, KmnistUnavailableError, locateKmnistFiles } from "./kmnist-files";

/** A real HTTP server on loopback standing in for the official download site. */
let server: http.Server;
let baseUrl: string;
let requests: string[] = [];
let corruptNext = false;

beforeAll(async () => {
  server = http.createServer(async (req, res) => {
    const name = path.basename(req.url ?? "");
    requests.push(name);
    const file = path.join(KMNIST_TEST_DIR, name);
    const data = await fs.readFile(file).catch(() => null);
    if (!data) return res.writeHead(404).end("not found");
    if (corruptNext) data[100] ^= 0xff;
    res.writeHead(200, { "content-length": data.length }).end(data);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/kmnist/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "kana-download-"));
  requests = [];
  corruptNext = false;
});

function kmnistConfig(overrides: Record<string, string>) {
  return loadConfig({ DATA_DIR: dir, KMNIST_DIR: path.join(dir, "empty"), KMNIST_BASE_URL: baseUrl, ...overrides }).kmnist;
}

describe("KMNIST files", () => {
  it("downloads missing files with progress, verifies them, and falls back to the offline protocol without train images", async () => {
    const found = await locateKmnistFiles(kmnistConfig({}));
    expect(found.testImages).toBe(path.join(dir, "kmnist", KMNIST_FILES.testImages.name));
    expect(found.testLabels).toBe(path.join(dir, "kmnist", KMNIST_FILES.testLabels.name));
    expect(found.trainImages).toBeUndefined();
    expect(found.trainLabels).toBeUndefined();
    expect(requests).toEqual([KMNIST_FILES.testImages.name, KMNIST_FILES.testLabels.name, KMNIST_FILES.trainImages.name]);

    // A second look finds them on disk and downloads nothing.
    requests = [];
    await locateKmnistFiles(kmnistConfig({ KMNIST_DOWNLOAD: "never" }));
    expect(requests).toEqual([]);
  });

  it("reports progress while downloading", async () => {
    const seen: number[] = [];
    await downloadKmnistFile("testLabels", dir, { baseUrl, timeoutMs: 5000, onProgress: (_f, received) => seen.push(received) });
    expect(seen.at(-1)).toBe((await fs.stat(path.join(KMNIST_TEST_DIR, KMNIST_FILES.testLabels.name))).size);
  });

  it("refuses a download with the wrong md5 and leaves no file behind", async () => {
    corruptNext = true;
    await expect(downloadKmnistFile("testImages", dir, { baseUrl, timeoutMs: 5000 })).rejects.toBeInstanceOf(KmnistChecksumError);
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it("explains clearly when the machine is offline", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const attempt = locateKmnistFiles(kmnistConfig({ KMNIST_BASE_URL: `http://127.0.0.1:${port}/` }));
    await expect(attempt).rejects.toBeInstanceOf(KmnistUnavailableError);
    await expect(attempt).rejects.toThrow(
      /t10k-images-idx3-ubyte\.gz and t10k-labels-idx1-ubyte\.gz\) are not in .* could not be downloaded: Could not download .*ECONNREFUSED.*KMNIST_DIR/,
    );
  });

  it("says so when downloads are turned off and files are missing", async () => {
    await expect(locateKmnistFiles(kmnistConfig({ KMNIST_DOWNLOAD: "never" }))).rejects.toThrow(/KMNIST_DOWNLOAD=never/);
    expect(requests).toEqual([]);
  });

  it("uses files already in KMNIST_DIR", async () => {
    const found = await locateKmnistFiles(kmnistConfig({ KMNIST_DIR: KMNIST_TEST_DIR, KMNIST_DOWNLOAD: "never" }));
    expect(found.testImages).toBe(path.join(KMNIST_TEST_DIR, KMNIST_FILES.testImages.name));
  });
});
