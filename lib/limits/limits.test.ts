import { describe, expect, it } from "vitest";
import { BoundedQueue, BusyError, ConcurrencyLimiter, RateLimiter, resolveClientAddress, trustedProxies } from ".";

describe("BoundedQueue", () => {
  it("runs at most `concurrency` at once, queues up to `maxWaiting`, and refuses the rest at once with BusyError", async () => {
    const queue = new BoundedQueue("decoding images", 2, 1);
    let running = 0;
    let peak = 0;
    const releases: Array<() => void> = [];
    const task = () =>
      queue.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running--;
      });
    const accepted = [task(), task(), task()];
    const refused = await task().then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(BusyError);
    expect(refused).toMatchObject({ status: 503, code: "busy", retryAfterSeconds: 1 });
    expect([queue.active, queue.queued]).toEqual([2, 1]);
    while (releases.length || running) {
      releases.shift()?.();
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(accepted);
    expect(peak).toBe(2);
    expect([queue.active, queue.queued]).toEqual([0, 0]);
  });
});

describe("RateLimiter", () => {
  it("allows a burst, then the refill rate, per key", () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 2, burst: 3 }, 100, () => now);
    expect([1, 2, 3].map(() => limiter.take("a").allowed)).toEqual([true, true, true]);
    expect(limiter.take("a")).toEqual({ allowed: false, retryAfterMs: 500 });
    expect(limiter.take("b").allowed).toBe(true);
    now += 500;
    expect(limiter.take("a").allowed).toBe(true);
    expect(limiter.take("a").allowed).toBe(false);
  });

  it("stays bounded under a flood of keys, dropping idle clients first", () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 1, burst: 2 }, 100, () => now);
    limiter.take("busy");
    limiter.take("busy");
    for (let i = 0; i < 1000; i++) limiter.take(`idle-${i}`);
    now += 1;
    // "busy" was evicted at worst, which only errs towards letting it through; memory stayed bounded.
    expect((limiter as unknown as { buckets: Map<string, unknown> }).buckets.size).toBeLessThanOrEqual(100);
  });
});

describe("ConcurrencyLimiter", () => {
  it("counts requests in flight per key and frees a slot once", () => {
    const limiter = new ConcurrencyLimiter(2);
    const a = limiter.acquire("x")!;
    const b = limiter.acquire("x")!;
    expect(limiter.acquire("x")).toBeNull();
    expect(limiter.acquire("y")).not.toBeNull();
    a();
    a();
    expect(limiter.acquire("x")).not.toBeNull();
    expect(limiter.acquire("x")).toBeNull();
    b();
  });
});

describe("client address", () => {
  it("believes X-Forwarded-For only from trusted proxies, and then its right-most untrusted hop", () => {
    const none = trustedProxies(null);
    expect(resolveClientAddress("::ffff:198.51.100.7", "203.0.113.1", none)).toBe("198.51.100.7");
    const proxies = trustedProxies("loopback, 10.0.0.0/8");
    expect(resolveClientAddress("127.0.0.1", "203.0.113.1, 198.51.100.9, 10.1.2.3", proxies)).toBe("198.51.100.9");
    // A client that forges the header from outside a proxy gets its own address.
    expect(resolveClientAddress("198.51.100.7", "127.0.0.1", proxies)).toBe("198.51.100.7");
    expect(() => trustedProxies("not-an-address")).toThrow(/not an IP address/);
  });
});
