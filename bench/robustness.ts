/**
 * How the champion reads inputs as people send them, through the real API (`next start`):
 * the holdout's images as raw pixels, as PNGs, as phone photos with 0-30 % light gradients,
 * rotated, with thicker and thinner strokes, and drawn with the predict page's pen at 25-100 %
 * of the canvas (sent as the page sends them, strokes, and as a PNG of the canvas); plus 500
 * things that are not characters (dots, ticks, scribbles, blobs, noise). Per variant:
 * accuracy with n and its Wilson interval, refused (422 not_a_character) and unsure shares.
 * Uses the configured database's champion (BENCH_MODEL for another) and needs a build.
 * `npm run bench -- robustness` (BENCH_IMAGES, default 2000: the whole holdout; BENCH_ONLY, a
 * regular expression, runs only the inputs whose names match it, plus the raw pixels)
 */
import { config } from "@/lib/config";
import { latestVersion, loadSnapshot } from "@/lib/data";
import { closeDatabase, getDb } from "@/lib/db";
import { IMAGE_PIXELS } from "@/lib/kmnist";
import { wilsonInterval } from "@/lib/metrics";
import { resolveModelRef } from "@/lib/registry";
import { objectStore } from "@/lib/storage";
import {
  NON_CHARACTER_KINDS,
  nonCharacter,
  nonCharacterStrokes,
  penStrokes,
  renderVariant,
  variantName,
  type NonCharacterKind,
  type Variant,
} from "@/lib/testing/handwriting-variants";
import { printTable, startNextServer, writeResults } from "./lib";

const PORT = Number(process.env.BENCH_PORT ?? 3310);
const IMAGES = Number(process.env.BENCH_IMAGES ?? 2000);
const NON_CHARACTERS_PER_KIND = 100;
const CLIENTS = 8;
const MODEL_REF = process.env.BENCH_MODEL ?? "champion";

const db = await getDb();
const champion = await resolveModelRef(db, MODEL_REF);
const holdoutVersion = await latestVersion(db, "kmnist-holdout");
if (!holdoutVersion) throw new Error("kmnist-holdout has no version; run `npm run setup` first");
const holdout = await loadSnapshot(objectStore(), holdoutVersion);
await closeDatabase();
const count = Math.min(IMAGES, holdout.count);
const pixelsOf = (i: number) => holdout.images.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS);

type Body = { contentType: string; body: Buffer | string };
const json = (value: unknown): Body => ({ contentType: "application/json", body: JSON.stringify(value) });
const image = (bytes: Buffer, type = "image/png"): Body => ({ contentType: type, body: bytes });

interface Case {
  name: string;
  /** The label it should get, or null for a non-character (it should be refused or flagged). */
  label: number | null;
  make(): Promise<Body>;
}

const IMAGE_VARIANTS: Variant[] = [
  { kind: "png", side: 280 },
  ...[0, 0.1, 0.18, 0.3].map((gradient): Variant => ({ kind: "photo", gradient })),
  { kind: "rotated", degrees: 10 },
  { kind: "rotated", degrees: -10 },
  { kind: "stroke", radius: 2 },
  { kind: "stroke", radius: -1 },
];
const PEN_FRACTIONS = [1, 0.76, 0.5, 0.35, 0.25];

const groups: Array<{ name: string; cases: Case[] }> = [];
const indices = Array.from({ length: count }, (_, i) => i);
groups.push({
  name: "raw pixels (JSON)",
  cases: indices.map((i) => ({ name: "raw", label: holdout.labels[i], make: async () => json({ pixels: Array.from(pixelsOf(i)) }) })),
});
for (const v of IMAGE_VARIANTS) {
  groups.push({
    name: variantName(v),
    cases: indices.map((i) => ({
      name: variantName(v),
      label: holdout.labels[i],
      make: async () => image(await renderVariant(pixelsOf(i), v, i + 1), v.kind === "photo" ? "image/jpeg" : "image/png"),
    })),
  });
}
for (const fraction of PEN_FRACTIONS) {
  groups.push({
    name: `page's pen at ${Math.round(fraction * 100)} % of the canvas, sent as strokes`,
    cases: indices.map((i) => ({
      name: "pen strokes",
      label: holdout.labels[i],
      make: async () => json({ strokes: await penStrokes(pixelsOf(i), fraction, i + 1) }),
    })),
  });
  groups.push({
    name: `page's pen at ${Math.round(fraction * 100)} % of the canvas, sent as a PNG`,
    cases: indices.map((i) => ({
      name: "pen png",
      label: holdout.labels[i],
      make: async () => image(await renderVariant(pixelsOf(i), { kind: "pen", fraction }, i + 1)),
    })),
  });
}
const seeds = Array.from({ length: NON_CHARACTERS_PER_KIND }, (_, k) => k + 1);
const nonCharacterCases = (kind: NonCharacterKind, asStrokes: boolean): Case[] =>
  seeds.map((seed) => ({
    name: kind,
    label: null,
    make: async () =>
      asStrokes ? json({ strokes: nonCharacterStrokes(kind, seed) }) : image(await nonCharacter(kind, seed), kind === "noise" ? "image/jpeg" : "image/png"),
  }));
for (const kind of NON_CHARACTER_KINDS) groups.push({ name: `not a character: ${kind} (image)`, cases: nonCharacterCases(kind, false) });
for (const kind of NON_CHARACTER_KINDS.filter((k) => nonCharacterStrokes(k, 1)))
  groups.push({ name: `not a character: ${kind} (strokes)`, cases: nonCharacterCases(kind, true) });

const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : null;
if (only) groups.splice(0, groups.length, ...groups.filter((g, k) => k === 0 || only.test(g.name)));

const server = await startNextServer(PORT, { ML_INFERENCE: "auto", MONITORING_SCHEDULE: "off" });
const url = `http://127.0.0.1:${PORT}/api/predict?record=false&model=${encodeURIComponent(MODEL_REF)}`;

interface Outcome {
  correct: number;
  refused: number;
  unsure: number;
  answered: number;
  errors: Record<string, number>;
}

async function run(cases: Case[]): Promise<Outcome> {
  const outcome: Outcome = { correct: 0, refused: 0, unsure: 0, answered: 0, errors: {} };
  let next = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < cases.length) {
        const c = cases[next++];
        const { contentType, body } = await c.make();
        const response = await fetch(url, {
          method: "POST",
          headers: { "content-type": contentType },
          body: typeof body === "string" ? body : new Uint8Array(body),
        });
        const answer = (await response.json()) as { label?: number; unsure?: boolean; error?: { code: string } };
        if (response.ok) {
          outcome.answered++;
          if (answer.unsure) outcome.unsure++;
          if (c.label !== null && answer.label === c.label) outcome.correct++;
        } else if (answer.error?.code === "not_a_character") outcome.refused++;
        else outcome.errors[answer.error?.code ?? String(response.status)] = (outcome.errors[answer.error?.code ?? String(response.status)] ?? 0) + 1;
      }
    }),
  );
  return outcome;
}

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
const rows: Array<Record<string, string | number>> = [];
const results: Array<Record<string, unknown>> = [];
let raw = 0;
try {
  for (const group of groups) {
    const started = performance.now();
    const o = await run(group.cases);
    const n = group.cases.length;
    const characters = group.cases[0].label !== null;
    const accuracy = o.correct / n;
    if (group.name.startsWith("raw")) raw = accuracy;
    const interval = wilsonInterval(o.correct, n);
    rows.push({
      input: group.name,
      n,
      accuracy: characters ? `${pct(accuracy)} [${pct(interval.low)}, ${pct(interval.high)}]` : "",
      "vs raw": characters ? `${((accuracy - raw) * 100).toFixed(1)} pts` : "",
      refused: pct(o.refused / n),
      unsure: pct(o.unsure / n),
      "refused or unsure": characters ? "" : pct((o.refused + o.unsure) / n),
      other: Object.entries(o.errors)
        .map(([code, k]) => `${code} ${k}`)
        .join(", "),
      s: ((performance.now() - started) / 1000).toFixed(1),
    });
    results.push({ input: group.name, n, ...o, accuracy: characters ? accuracy : null, interval: characters ? interval : null });
    console.log(`${group.name}: ${characters ? pct(accuracy) : `${pct((o.refused + o.unsure) / n)} refused or unsure`}`);
  }
} finally {
  await server.stop();
}
console.log("");
printTable(rows);
const nonCharacters = results.filter((r) => r.accuracy === null) as unknown as Array<Outcome & { n: number }>;
const caught = nonCharacters.reduce((a, r) => a + r.refused + r.unsure, 0) / nonCharacters.reduce((a, r) => a + r.n, 0);
const rawRow = results[0] as unknown as Outcome & { n: number };
console.log(
  `\nmodel ${champion.name}@${champion.version} (${champion.algorithm}); ${count} holdout images; ${config().ml.inference} inference.` +
    `\nnot characters: ${pct(caught)} refused or unsure (goal ≥ 95 %); holdout flagged unsure: ${pct(rawRow.unsure / rawRow.n)}, refused ${pct(rawRow.refused / rawRow.n)} (goal ≤ 1 %)`,
);
console.log(`results: ${writeResults("robustness", { model: `${champion.name}@${champion.version}`, images: count, results, nonCharactersCaught: caught })}`);
