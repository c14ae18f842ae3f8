import autocannon from "autocannon";
const [url, method = "GET", body] = process.argv.slice(2);
const r = await autocannon({ url, method, connections: 1, duration: 4, headers: { "content-type": "application/json" }, body: body ? (await import("node:fs")).readFileSync(body, "utf8") : undefined });
console.log(url, method, "req/s", r.requests.average, "p50", r.latency.p50, "non2xx", r.non2xx);
