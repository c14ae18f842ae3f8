/**
 * Server response time of the dashboard list pages on a large registry: 1,000 model
 * versions and 20,000 benchmarks generated in a throwaway PostgreSQL database, served by
 * `next start` (build first: `npm run build`). Prints p50/p95 per page over BENCH_REQUESTS
 * sequential requests after a warm-up. `npm run bench -- dashboards`
 */
import { sql } from "drizzle-orm";
import { createPostgresTestDatabase } from "@/lib/testing/database";
import { median, printTable, startNextServer, writeResults } from "./lib";

const PORT = Number(process.env.BENCH_PORT ?? 3301);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 40);
const MODELS = 50;
const VERSIONS_PER_MODEL = 20;
const DATASET_VERSIONS = 20;

const database = await createPostgresTestDatabase();
const { db } = database;
console.log("generating 1,000 model versions and 20,000 benchmarks ...");
// Bulk SQL (four algorithms, seven authors, three tags): the rows have the shape the registry and the engine write (headline metrics,
// statuses, aliases, explanations); the bench measures the queries, not the engine.
await db.execute(sql`insert into models (name) select 'model-' || lpad(m::text, 3, '0') from generate_series(1, ${MODELS}) m`);
await db.execute(sql`
  insert into model_versions (model_id, version, algorithm, author, dataset_tag, hyperparameters, manifest, artifact_key, weights_sha256, created_at)
  select m.id, v, (array['cnn','logreg','tree','mlp'])[1 + (m.id + v) % 4], 'author-' || (m.id % 7), 'tag-' || (m.id % 3),
         '{}'::jsonb, '{}'::jsonb, 'models/' || m.name || '/' || v, repeat('0', 64), now() - ((${MODELS * VERSIONS_PER_MODEL} - (m.id * ${VERSIONS_PER_MODEL} + v)) || ' minutes')::interval
  from models m, generate_series(1, ${VERSIONS_PER_MODEL}) v`);
await db.execute(sql`insert into dataset_tags (name, query) select 'tag-' || t, '{"sources":["kmnist"]}'::jsonb from generate_series(0, 2) t`);
await db.execute(sql`
  insert into dataset_versions (tag_id, content_hash, protocol, record_count, class_counts, snapshot_key, created_at)
  select t.id, md5(t.id::text || '-' || d) || md5(d::text), 'offline', 2000, '[]'::jsonb, 'snapshots/' || t.id || '-' || d, now() - ((${DATASET_VERSIONS} - d) || ' days')::interval
  from dataset_tags t, generate_series(1, ${DATASET_VERSIONS}) d`);
await db.execute(sql`
  insert into benchmarks (model_version_id, dataset_version_id, status, trigger, attempts, runs, accuracy, balanced_accuracy, macro_f1, log_loss, macro_auc, ece, sample_count, wall_ms, throughput, created_at, finished_at)
  select mv.id, dv.id, case when random() < 0.97 then 'done' when random() < 0.5 then 'failed' else 'pending' end, 'dataset_version', 1, 1,
         0.5 + random() * 0.5, 0.5 + random() * 0.5, 0.5 + random() * 0.5, random(), 0.8 + random() * 0.2, random() * 0.1, 2000,
         50 + random() * 2000, 1000 + random() * 100000, dv.created_at + interval '1 minute', dv.created_at + interval '2 minutes'
  from model_versions mv
  join models m on m.id = mv.model_id
  join dataset_versions dv on dv.tag_id = (select id from dataset_tags where name = mv.dataset_tag)`);
// Stored intervals, as the benchmark worker writes them (the list pages read them with every row).
await db.execute(sql`
  update benchmarks set intervals = jsonb_build_object(
    'n', sample_count,
    'accuracy', jsonb_build_object('low', accuracy - 0.01, 'high', accuracy + 0.01, 'method', 'wilson'),
    'top3Accuracy', jsonb_build_object('low', 0.98, 'high', 0.99, 'method', 'wilson'),
    'balancedAccuracy', jsonb_build_object('low', balanced_accuracy - 0.01, 'high', balanced_accuracy + 0.01, 'method', 'bootstrap'),
    'macroF1', jsonb_build_object('low', macro_f1 - 0.01, 'high', macro_f1 + 0.01, 'method', 'bootstrap'),
    'logLoss', jsonb_build_object('low', log_loss - 0.02, 'high', log_loss + 0.02, 'method', 'bootstrap'),
    'macroAuc', jsonb_build_object('low', macro_auc - 0.005, 'high', macro_auc + 0.005, 'method', 'bootstrap'),
    'bootstrap', jsonb_build_object('seed', 20261203, 'resamples', 1000))
  where status = 'done'`);
await db.execute(sql`
  insert into model_explanations (model_version_id, benchmark_id, status)
  select distinct on (b.model_version_id) b.model_version_id, b.id, 'done' from benchmarks b order by b.model_version_id, b.id`);
await db.execute(sql`insert into model_aliases (alias, model_version_id) select 'champion', id from model_versions order by id desc limit 1`);
await db.execute(sql`analyze`);
const [{ count }] = (await db.execute(sql`select count(*)::int as count from benchmarks`)) as unknown as Array<{ count: number }>;
console.log(`${count} benchmarks`);

const server = await startNextServer(PORT, { DATABASE_URL: database.url!, JOB_ENGINE: "inngest" });
const base = server.base;

const PAGES = [
  "/models",
  "/models?sort=accuracy&order=desc",
  "/models?q=model-04&algorithm=cnn",
  "/models?page=30",
  "/benchmarks",
  "/benchmarks?sort=accuracy&order=desc",
  "/benchmarks?status=failed&q=tag-1",
  "/benchmarks?page=700",
  "/leaderboard",
  "/leaderboard?tag=tag-2",
  "/overview",
  "/datasets",
  "/api/benchmarks?sort=macro_auc&pageSize=100",
];
const rows = [];
for (const page of PAGES) {
  const times: number[] = [];
  for (let i = 0; i < REQUESTS + 3; i++) {
    const start = performance.now();
    const response = await fetch(`${base}${page}`);
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${page} answered ${response.status}`);
    if (i >= 3) times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  rows.push({
    page,
    "p50 ms": median(times),
    "p95 ms": times[Math.ceil(0.95 * times.length) - 1],
    "max ms": times[times.length - 1],
    "≤ 200 ms p95": times[Math.ceil(0.95 * times.length) - 1] <= 200 ? "yes" : "no",
  });
}
await server.stop();
printTable(rows);
console.log(`\n${count} benchmarks, 1,000 model versions; ${REQUESTS} sequential requests per page after 3 warm-ups; next start on PostgreSQL.`);
console.log(`results: ${writeResults("dashboards", { requests: REQUESTS, benchmarks: count, pages: rows })}`);
await database.cleanup();
