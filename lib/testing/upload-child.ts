/**
 * A separate process that registers an uploaded model the way POST /api/admin/models does,
 * for crash tests. With `kill-during-put=N` it SIGKILLs itself while the Nth object is being
 * written (its temporary file exists, not yet renamed); with `kill-after-put=N` right after
 * the Nth object is stored (before the row commits). Otherwise it completes and prints the
 * registered version as JSON.
 */
import fs from "node:fs";
import path from "node:path";
import { closeDatabase, getDb } from "@/lib/db";
import { artifactToZip } from "@/lib/ml";
import { registerUploadedModel } from "@/lib/registry";
import { LocalObjectStore, objectStore } from "@/lib/storage";
import { ONE_LEAF_TREE, treeArtifact } from "./artifacts";

const [mode, nth] = (process.argv[2] ?? "complete=0").split("=");

const real = objectStore() as LocalObjectStore;
const tmpDir = path.join(real.root, "tmp");
let puts = 0;
const store = Object.create(real) as LocalObjectStore;
store.put = async (key, data, options) => {
  puts++;
  if (mode === "kill-during-put" && puts === Number(nth)) {
    const before = new Set(fs.existsSync(tmpDir) ? fs.readdirSync(tmpDir) : []);
    const writing = real.put(key, data, options);
    for (;;) {
      if (fs.existsSync(tmpDir) && fs.readdirSync(tmpDir).some((name) => !before.has(name))) process.kill(process.pid, "SIGKILL");
      await new Promise((resolve) => setImmediate(resolve));
      if (await Promise.race([writing.then(() => true), Promise.resolve(false)]))
        throw new Error("the write finished before the kill: make the weights bigger");
    }
  }
  const info = await real.put(key, data, options);
  if (mode === "kill-after-put" && puts === Number(nth)) process.kill(process.pid, "SIGKILL");
  return info;
};

// 32 MB of weights: the write takes long enough to be caught half-way.
const zip = artifactToZip(treeArtifact("crash-upload", { tree: ONE_LEAF_TREE, paddingBytes: 32 * 1024 * 1024, manifest: { author: "crash-test" } }));
const version = await registerUploadedModel(await getDb(), store, { bytes: zip, fileName: "crash-upload.zip" }, {}, "crash-test");
console.log(JSON.stringify({ id: version.id, version: version.version, artifactKey: version.artifactKey }));
await closeDatabase();
process.exit(0);
