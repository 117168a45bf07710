// Unit tests of the TypeScript client against a fake fetch: chunks by the limits, order, bounded concurrency,
// retryable items sent again with a new key, 429 with Retry-After waited for, atomic batches never resent in part.
import assert from "node:assert/strict";
import { test } from "node:test";

import { ActivityBatchClient, chunks, DEFAULT_LIMITS, readLimits, retryAfterMs, retryDelayMs, DEFAULT_RETRY } from "../src/index.js";

type Body = { ids?: string[]; items?: { id: string }[]; atomic?: boolean };
type Fault = (number: number, body: Body) => Response | Record<string, object> | undefined;

const ok = (id: string) => ({ id, status: "success", status_code: 200, data: { id } });
const failure = (id: string, status_code: number, error_code: string, retryable: boolean) => ({
  id,
  status: "error",
  status_code,
  error: error_code,
  error_code,
  retryable,
});

function fakeApi(fault?: Fault) {
  const seen: { body: Body; key: string | null }[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const fetch = async (request: Request): Promise<Response> => {
    const body = (await request.json()) as Body;
    const number = seen.push({ body, key: request.headers.get("idempotency-key") }) - 1;
    inFlight++;
    mostInFlight = Math.max(mostInFlight, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 1));
    inFlight--;
    const changed = fault?.(number, body);
    if (changed instanceof Response) return changed;
    const ids = body.ids ?? body.items?.map((item) => item.id) ?? [];
    const results = ids.map((id) => changed?.[id] ?? ok(id));
    return Response.json({ results, total_requested: ids.length, total_succeeded: 0, total_failed: 0 });
  };
  return { fetch, seen, most: () => mostInFlight };
}

const ids = (count: number) => Array.from({ length: count }, (_, index) => `id-${String(index).padStart(5, "0")}`);
const slept: number[] = [];
const options = {
  baseUrl: "http://api.test",
  token: "t",
  limits: { ...DEFAULT_LIMITS, writeItems: 10 },
  sleep: async (ms: number) => void slept.push(ms),
  retry: { baseDelayMs: 1 },
};

test("chunks hold at most the limit of items and bytes, in order", () => {
  assert.deepEqual(chunks(ids(250), { resource_type: "activities" }, "ids", 100, 1e6), [[0, 100], [100, 200], [200, 250]]);
  const items = [...Array(10).fill({ name: "x".repeat(300) }), { name: "y".repeat(5000) }];
  assert.deepEqual(chunks(items, {}, "items", 100, 1000).map(([a, b]) => b - a), [3, 3, 3, 1, 1]);
});

test("getMany answers any number of ids in request order over at most maxConcurrency requests", async () => {
  const api = fakeApi();
  const client = new ActivityBatchClient({ ...options, fetch: api.fetch, maxConcurrency: 2, chunkSize: 10 });
  const found = await client.getMany("activities", ids(95));
  assert.deepEqual(found.results.map((item) => item.id), ids(95));
  assert.equal(found.requests, 10);
  assert.ok(api.most() <= 2);
  assert.equal(api.seen.every((sent) => sent.key === null), true);
});

test("retryable items are sent again alone, with a new key for a write", async () => {
  const api = fakeApi((number) => (number === 0 ? { b: failure("b", 503, "unavailable", true), c: failure("c", 404, "not_found", false) } : undefined));
  const client = new ActivityBatchClient({ ...options, fetch: api.fetch });
  const found = await client.delete("activities", ["a", "b", "c"]);
  assert.deepEqual(api.seen.map((sent) => sent.body.ids), [["a", "b", "c"], ["b"]]);
  assert.notEqual(api.seen[0]!.key, api.seen[1]!.key);
  assert.deepEqual(found.failed.map((item) => item.id), ["c"]);
  assert.equal(found.byId.get("b")?.status, "success");
});

test("a 429 with Retry-After is waited for and resent with the same key", async () => {
  slept.length = 0;
  const refused = () => new Response(JSON.stringify({ title: "Too Many Requests", status: 429 }), { status: 429, headers: { "Retry-After": "2" } });
  const api = fakeApi((number) => (number === 0 ? refused() : undefined));
  const client = new ActivityBatchClient({ ...options, fetch: api.fetch, random: () => 0 });
  const found = await client.update("activities", [{ id: "a", changes: {} }]);
  assert.equal(found.ok, true);
  assert.deepEqual(slept, [2000]);
  assert.equal(api.seen[0]!.key, api.seen[1]!.key);
});

test("an atomic batch with an item failed for good is sent once; over the limit it is refused before sending", async () => {
  const api = fakeApi((_, body) =>
    Object.fromEntries((body.items ?? []).map((item) => [item.id, item.id === "b" ? failure("b", 422, "invalid_item", false) : failure(item.id, 424, "rolled_back", false)])),
  );
  const client = new ActivityBatchClient({ ...options, fetch: api.fetch });
  const found = await client.update("activities", ["a", "b", "c"].map((id) => ({ id, changes: {} })), { atomic: true });
  assert.equal(api.seen.length, 1);
  assert.deepEqual(found.results.map((item) => item.status_code), [424, 422, 424]);
  await assert.rejects(client.delete("activities", ids(101), { atomic: true }), RangeError);
  assert.equal(api.seen.length, 1);
});

test("Retry-After, RateLimit and backoff are read and capped", () => {
  assert.equal(retryAfterMs(new Headers({ "retry-after": "3" })), 3000);
  assert.equal(retryAfterMs(new Headers({ ratelimit: '"read";r=0;t=12' })), 12000);
  assert.equal(retryAfterMs(new Headers({ ratelimit: '"read";r=4;t=12' })), undefined);
  assert.ok((retryAfterMs(new Headers({ "retry-after": new Date(Date.now() + 60000).toUTCString() })) ?? 0) > 55000);
  const many = { ...DEFAULT_RETRY, attempts: 20 };
  const ceilings = Array.from({ length: 12 }, (_, retry) => retryDelayMs(many, retry, undefined, () => 1));
  assert.deepEqual(ceilings.slice(0, 6), [200, 400, 800, 1600, 3200, 5000]);
  assert.ok(ceilings.every((delay) => delay !== undefined && delay <= many.maxDelayMs));
  assert.equal(retryDelayMs(DEFAULT_RETRY, 4, undefined), undefined);
  assert.equal(retryDelayMs(DEFAULT_RETRY, 0, 3_600_000), undefined);
});

test("a client without limits reads the server's once and chunks by them", async () => {
  const api = fakeApi();
  let asked = 0;
  const limits = {
    batch_get: { max_ids: 40 },
    recommendations: { max_child_ids: 50 },
    batch_write: { max_items: 100, atomic_max_actions: 80, atomic_max_bytes: 4194304 },
    jobs: { max_items: 10000, max_active: 3 },
    request_body: { max_bytes: 10485760, synchronous_max_bytes: 1048576 },
    integration_timeout_ms: 30000,
    response_body: { max_bytes: 6291456, items_max_bytes: 4521984 },
    quotas: [],
  };
  const route = (request: Request): Promise<Response> => {
    if (new URL(request.url).pathname !== "/api/v1/batch/limits") return api.fetch(request);
    asked++;
    return Promise.resolve(Response.json(limits));
  };
  const client = new ActivityBatchClient({ baseUrl: "http://api.test", token: "t", fetch: route });
  await client.getMany("activities", ids(100));
  await client.getMany("activities", ["x"]);
  assert.equal(asked, 1);
  assert.deepEqual(api.seen.map((sent) => sent.body.ids?.length).sort(), [1, 20, 40, 40]);
  assert.equal(readLimits(limits).atomicWriteItems, 80);
});
