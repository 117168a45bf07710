// The TypeScript client against the local stack (run by tests/e2e/test_clients_typescript.py, which starts the stack
// and passes API_URL, ADMIN_TOKEN and TEACHER_TOKEN): 1,000 ids in one call, complete and in order; a 429 and 503
// items injected on the way (a fetch wrapped around the real one) retried to success; an atomic batch's 424s not
// retried; a write whose answer was lost retried with its key and applied once; the guide's examples.
import assert from "node:assert/strict";
import { test } from "node:test";

import { ActivityBatchClient, type Activity, type ClientOptions } from "../src/index.js";
import { batchGetActivities, getCachedActivities, makeClient } from "../examples/guide.js";

const API_URL = process.env.API_URL ?? "";
const ADMIN_TOKEN = process.env.ADMIN_TOKEN ?? "";
const TEACHER_TOKEN = process.env.TEACHER_TOKEN ?? "";
const skip = API_URL ? false : "no local stack: API_URL is not set (tests/e2e/test_clients_typescript.py sets it)";
const MISSING = "ffffffff-ffff-4fff-8fff-ffffffffffff";
const retry = { baseDelayMs: 50, maxDelayMs: 1000 };

function client(extra: Partial<ClientOptions> = {}): ActivityBatchClient {
  return new ActivityBatchClient({ baseUrl: API_URL, token: ADMIN_TOKEN, retry, ...extra });
}

/** Every activity id the admin may read, from the listing, page by page. */
async function readableIds(api: ActivityBatchClient): Promise<string[]> {
  const found: string[] = [];
  let cursor: string | undefined;
  do {
    const { data, error } = await api.api.GET("/api/v1/activities", {
      params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } },
    });
    assert.ok(data, JSON.stringify(error));
    found.push(...data.items.map((activity) => activity.id));
    cursor = data.next_cursor ?? undefined;
  } while (cursor);
  return found;
}

/** The real fetch with faults on the batch requests: `answer` may answer instead of the server, `change` may change
 * its answer. */
function faulty(
  answer: (n: number, request: Request) => Response | undefined,
  change: (n: number, request: Request, response: Response) => Promise<Response> = async (_n, _r, response) => response,
) {
  const sent: { body: { ids?: string[]; items?: unknown[] }; key: string | null }[] = [];
  const fetcher = async (request: Request): Promise<Response> => {
    if (request.method !== "POST") return fetch(request); // the limits
    const n = sent.push({ body: await request.clone().json(), key: request.headers.get("idempotency-key") }) - 1;
    return answer(n, request) ?? change(n, request, await fetch(request));
  };
  return { fetcher, sent };
}

test("1,000 ids in one getMany come back complete and in order", { skip }, async () => {
  const api = client();
  const readable = await readableIds(api);
  const wanted = Array.from({ length: 1000 }, (_, index) => readable[index % readable.length]!);
  wanted[333] = MISSING;
  const found = await api.getMany("activities", wanted, ["id", "name"]);
  assert.deepEqual(found.results.map((item) => item.id), wanted);
  assert.ok(found.requests >= 10); // 10 of the server's 100, and more only if the gateway's throttling refused one
  assert.deepEqual(found.failed.map((item) => [item.id, item.status_code]), [[MISSING, 404]]);
  assert.ok(found.succeeded.every((item) => item.data?.id === item.id && typeof item.data?.name === "string"));
});

test("a 429 answer and 503 items injected on the way are retried until every item succeeds", { skip }, async () => {
  const readable = (await readableIds(client())).slice(0, 60);
  const { fetcher, sent } = faulty(
    (n) => (n === 0 ? Response.json({ title: "Too Many Requests", status: 429 }, { status: 429, headers: { "Retry-After": "1" } }) : undefined),
    async (n, _request, response) => {
      if (n !== 1) return response;
      const envelope = (await response.json()) as { results: { id: string }[] };
      envelope.results = envelope.results.map((item, index) =>
        index % 3 ? item : { id: item.id, status: "error", status_code: 503, error: "again", error_code: "unavailable", retryable: true },
      ) as typeof envelope.results;
      return Response.json(envelope);
    },
  );
  const found = await client({ fetch: fetcher }).getMany("activities", readable);
  assert.equal(found.ok, true);
  assert.deepEqual(found.results.map((item) => item.id), readable);
  assert.deepEqual(sent.map((request) => request.body.ids?.length), [60, 60, 20]);
  assert.deepEqual(sent[2]!.body.ids, readable.filter((_, index) => index % 3 === 0));
});

const drafts = (count: number, name: string) =>
  Array.from({ length: count }, (_, index) => ({
    name: `${name} ${index}`,
    description: "A TypeScript client test",
    activity_type: "creative",
    min_age_months: 24,
    max_age_months: 60,
  }));

test("an atomic batch's 424s are not retried", { skip }, async () => {
  const api = client();
  const made = (await api.create("activities", drafts(3, "TS atomic"))).data as Activity[];
  const { fetcher, sent } = faulty(() => undefined);
  const items = made.map((activity) => ({ id: activity.id, changes: { duration_minutes: 33 } as Record<string, unknown> }));
  items[2]!.changes = { activity_type: "juggling" };
  const found = await client({ fetch: fetcher }).update("activities", items, { atomic: true });
  assert.equal(sent.length, 1);
  assert.deepEqual(found.results.map((item) => [item.status_code, item.error_code]), [
    [424, "rolled_back"],
    [424, "rolled_back"],
    [422, "invalid_item"],
  ]);
});

test("a write whose answer was lost is retried with its key and applied once", { skip }, async () => {
  const api = client();
  const made = (await api.create("activities", drafts(2, "TS idempotent"))).data as Activity[];
  const { fetcher, sent } = faulty(
    () => undefined,
    async (n, _request, response) => {
      if (n === 0) throw new TypeError("fetch failed: the connection was reset");
      return response;
    },
  );
  const found = await client({ fetch: fetcher }).update(
    "activities",
    made.map((activity) => ({ id: activity.id, changes: { duration_minutes: 44 } })),
  );
  assert.equal(found.ok, true);
  assert.equal(sent.length, 2);
  assert.equal(sent[0]!.key, sent[1]!.key);
  assert.deepEqual(found.data.map((activity) => (activity as Activity).version), [2, 2]);
  assert.equal((await api.delete("activities", made.map((activity) => activity.id))).ok, true);
});

test("the guide's React/TypeScript examples run on the client", { skip }, async () => {
  const api = makeClient(API_URL, () => TEACHER_TOKEN);
  const wanted = ["123e4567-e89b-12d3-a456-426614174000", MISSING, "223e4567-e89b-12d3-a456-426614174001"];
  const activities = await batchGetActivities(api, wanted);
  assert.deepEqual(activities.map((activity) => activity.name), ["Block Tower Challenge", "Rhyme Time Circle"]);
  const cached = await getCachedActivities(api, [wanted[2]!, wanted[0]!, MISSING]);
  assert.deepEqual(cached.map((activity) => activity.id), [wanted[2], wanted[0]]);
  const recommended = await api.recommend(["c41d0000-0000-4000-8000-0000000000a1"], { max_recommendations: 2 });
  assert.equal(recommended.data[0]?.recommendations.length, 2);
});
