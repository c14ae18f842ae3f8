import sharp from "sharp";
import { getDb, closeDatabase } from "@/lib/db";
import { objectStore } from "@/lib/storage";
import { latestVersion, loadSnapshot } from "@/lib/data";
import { getArtifact } from "@/lib/ml/artifact";
import { loadClassifier, argmax } from "@/lib/ml/classifier";
import { mlRuntime } from "@/lib/ml/backend";
import { preprocessImage } from "@/lib/ml/preprocess";
const db = await getDb(); const store = objectStore();
const holdout = await loadSnapshot(store, (await latestVersion(db, "kmnist-holdout"))!);
const rt = await mlRuntime();
const clf = await loadClassifier(rt, await getArtifact(store, "models/kmnist-cnn/3"));
let same = 0, correctRaw = 0, correctPre = 0; const n = 500;
for (let k = 0; k < n; k++) {
  const px = holdout.images.subarray(k * 784, (k + 1) * 784);
  const png = await sharp(Buffer.from(px), { raw: { width: 28, height: 28, channels: 1 } }).png().toBuffer();
  const big = await sharp(png).resize(280, 280, { kernel: "nearest" }).png().toBuffer();
  const pre = await preprocessImage(big, { maxPixels: 1e8 });
  const a = argmax(clf.predictProba(Float32Array.from(px, (v) => v / 255), 1));
  const b = argmax(clf.predictProba(Float32Array.from(pre, (v) => v / 255), 1));
  if (a === b) same++; if (a === holdout.labels[k]) correctRaw++; if (b === holdout.labels[k]) correctPre++;
}
console.log({ same: same / n, correctRaw: correctRaw / n, correctPre: correctPre / n });
await closeDatabase();
