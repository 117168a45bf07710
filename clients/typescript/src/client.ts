// ActivityBatchClient: the Activity Batch API on openapi-fetch, with the Python client's batching: any number of
// items per call, chunked by the server's limits, sent over a bounded number of concurrent requests, 429/503 answers
// and retryable items retried with capped backoff that honours Retry-After, an Idempotency-Key on every write (the
// same on a resend of the same request), atomic batches never resent in part, answers in request order.

import createClient, { type Client } from "openapi-fetch";

import {
  BatchResult,
  DEFAULT_LIMITS,
  type Item,
  type ItemError,
  type Limits,
  chunks,
  givenUp,
  toSendAgain,
} from "./batching.js";
import { DEFAULT_RETRY, type RetryPolicy, retryAfterMs, retryDelayMs, shouldRetry } from "./retry.js";
import type { components, paths } from "./schema.js";

type Schemas = components["schemas"];
export type PartialActivity = Schemas["PartialActivity"];
export type PartialChild = Schemas["PartialChild"];
export type Activity = Schemas["Activity"];
export type Child = Schemas["Child"];
export type Completion = Schemas["Completion"];
export type Deleted = Schemas["Deleted"];
export type ChildRecommendations = Schemas["ChildRecommendations"];
export type Problem = Schemas["Problem"];

type BatchPath =
  | "/api/v1/batch/get"
  | "/api/v1/batch/activities/recommendations"
  | "/api/v1/batch/create"
  | "/api/v1/batch/update"
  | "/api/v1/batch/delete";

interface Operation {
  path: BatchPath;
  field: "ids" | "child_ids" | "items";
  write: boolean;
  limit: (limits: Limits, atomic: boolean) => number;
}

const writeLimit = (limits: Limits, atomic: boolean): number => (atomic ? limits.atomicWriteItems : limits.writeItems);
const OPERATIONS = {
  get: { path: "/api/v1/batch/get", field: "ids", write: false, limit: (l) => l.getIds },
  recommend: {
    path: "/api/v1/batch/activities/recommendations",
    field: "child_ids",
    write: false,
    limit: (l) => l.recommendationChildIds,
  },
  create: { path: "/api/v1/batch/create", field: "items", write: true, limit: writeLimit },
  update: { path: "/api/v1/batch/update", field: "items", write: true, limit: writeLimit },
  delete: { path: "/api/v1/batch/delete", field: "ids", write: true, limit: writeLimit },
} satisfies Record<string, Operation>;

export const LIMITS_PATH = "/api/v1/batch/limits";

/** A whole request refused (400, 401, 403, 422, 500...), or still 429/503 after the retries of a non-batch call. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    const problem = body as Partial<Problem> & { message?: string };
    super(`${status} ${problem?.detail ?? problem?.title ?? problem?.message ?? ""}`.trim());
    this.name = "ApiError";
  }
}

export interface ClientOptions {
  baseUrl: string;
  /** an access token, or a function that returns a valid one (called for every request) */
  token: string | (() => string | Promise<string>);
  /** the server's limits; read from GET /api/v1/batch/limits on first use when not given */
  limits?: Limits;
  retry?: Partial<RetryPolicy>;
  /** requests in flight at once for one call (default 6, what browsers open per host) */
  maxConcurrency?: number;
  /** at most this many items per request (below the server's limit: 10-20 on a mobile network) */
  chunkSize?: number;
  /** a fetch of your own (tests inject faults with it) */
  fetch?: (input: Request) => Promise<Response>;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface RecommendOptions {
  max_recommendations?: number;
  activity_types?: Schemas["ActivityType"][];
  child_age_months?: number;
  weather?: Schemas["Weather"];
  group_size?: number;
  include_special_needs?: boolean;
}

export interface WriteOptions {
  atomic?: boolean;
}

interface Call {
  operation: Operation;
  base: Record<string, unknown>;
  items: unknown[];
  atomic: boolean;
  answers: (Item<unknown> | undefined)[];
}

export class ActivityBatchClient {
  readonly api: Client<paths>;
  private readonly retry: RetryPolicy;
  private readonly maxConcurrency: number;
  private readonly chunkSize: number | undefined;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private limitsPromise: Promise<Limits> | undefined;

  constructor(private readonly options: ClientOptions) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.maxConcurrency = Math.max(1, options.maxConcurrency ?? 6);
    this.chunkSize = options.chunkSize;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.limitsPromise = options.limits ? Promise.resolve(options.limits) : undefined;
    this.api = createClient<paths>({ baseUrl: options.baseUrl, ...(options.fetch ? { fetch: options.fetch } : {}) });
    const token = options.token;
    this.api.use({
      async onRequest({ request }) {
        request.headers.set("Authorization", `Bearer ${typeof token === "string" ? token : await token()}`);
        return request;
      },
    });
  }

  /** The server's limits (read once), or those given. */
  limits(): Promise<Limits> {
    this.limitsPromise ??= this.readLimits().catch((error: unknown) => {
      this.limitsPromise = undefined;
      throw error;
    });
    return this.limitsPromise;
  }

  getMany(
    resourceType: string,
    ids: Iterable<string>,
    fields?: string | string[],
  ): Promise<BatchResult<PartialActivity | PartialChild>> {
    const base: Record<string, unknown> = { resource_type: resourceType };
    if (fields !== undefined) base.fields = Array.isArray(fields) ? fields.join(",") : fields;
    return this.run(OPERATIONS.get, base, [...ids], false);
  }

  recommend(childIds: Iterable<string>, options: RecommendOptions = {}): Promise<BatchResult<ChildRecommendations>> {
    return this.run(OPERATIONS.recommend, { ...options }, [...childIds], false);
  }

  create(
    resourceType: string,
    items: Iterable<Record<string, unknown>>,
    { atomic = false }: WriteOptions = {},
  ): Promise<BatchResult<Activity | Child | Completion>> {
    return this.run(OPERATIONS.create, { resource_type: resourceType, atomic }, [...items], atomic);
  }

  update(
    resourceType: string,
    items: Iterable<{ id: string; changes: Record<string, unknown>; version?: number }>,
    { atomic = false }: WriteOptions = {},
  ): Promise<BatchResult<Activity | Child>> {
    return this.run(OPERATIONS.update, { resource_type: resourceType, atomic }, [...items], atomic);
  }

  delete(resourceType: string, ids: Iterable<string>, { atomic = false }: WriteOptions = {}): Promise<BatchResult<Deleted>> {
    return this.run(OPERATIONS.delete, { resource_type: resourceType, atomic }, [...ids], atomic);
  }

  /** Record that children did activities: `{child_id, activity_id, done_on?}` each. */
  complete(
    completions: Iterable<{ child_id: string; activity_id: string; done_on?: string }>,
  ): Promise<BatchResult<Completion>> {
    return this.run(OPERATIONS.create, { resource_type: "completions", atomic: false }, [...completions], false);
  }

  // --- the engine ------------------------------------------------------------------------------------------------

  private async run<T>(
    operation: Operation,
    base: Record<string, unknown>,
    items: unknown[],
    atomic: boolean,
  ): Promise<BatchResult<T>> {
    if (items.length === 0) return new BatchResult<T>([], 0);
    const limits = await this.limits();
    const call: Call = { operation, base, items, atomic, answers: new Array(items.length).fill(undefined) };
    let ranges: [number, number][];
    if (atomic) {
      const limit = operation.limit(limits, true);
      if (items.length > limit) {
        throw new RangeError(`an atomic batch holds at most ${limit} items (the server's limit), not ${items.length}`);
      }
      ranges = [[0, items.length]];
    } else {
      const size = Math.min(operation.limit(limits, false), this.chunkSize ?? Infinity);
      ranges = chunks(items, base, operation.field, size, limits.requestBytes);
    }
    let next = 0;
    let sent = 0;
    const worker = async (): Promise<void> => {
      while (next < ranges.length) {
        const [start, end] = ranges[next++]!;
        const requests = await this.runChunk(call, Array.from({ length: end - start }, (_, index) => start + index));
        sent += requests; // not `sent += await ...`: that reads `sent` before the await
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.maxConcurrency, ranges.length) }, worker));
    return new BatchResult<T>(call.answers as Item<T>[], sent);
  }

  private async runChunk(call: Call, positions: number[]): Promise<number> {
    let sent = 0;
    for (let attempt = 0; ; attempt++) {
      const items = positions.map((position) => call.items[position]);
      const key = call.operation.write ? crypto.randomUUID() : undefined;
      const { answers, requests, gaveUp } = await this.sendChunk(call, items, key);
      sent += requests;
      answers.forEach((answer, index) => (call.answers[positions[index]!] = answer));
      if (gaveUp) return sent;
      const again = toSendAgain(answers, call.atomic);
      const delay = again.length ? retryDelayMs(this.retry, attempt, undefined, this.random) : undefined;
      if (delay === undefined) return sent;
      positions = again.map((index) => positions[index]!);
      await this.sleep(delay);
    }
  }

  private async sendChunk(
    call: Call,
    items: unknown[],
    key: string | undefined,
  ): Promise<{ answers: Item<unknown>[]; requests: number; gaveUp: boolean }> {
    const body = { ...call.base, [call.operation.field]: items };
    const headers: Record<string, string> = key ? { "Idempotency-Key": key } : {};
    for (let retry = 0; ; retry++) {
      let response: Response;
      let data: unknown;
      let error: unknown;
      try {
        ({ data, error, response } = await this.api.POST(call.operation.path, { body: body as never, headers }));
      } catch (lost) {
        const delay = retryDelayMs(this.retry, retry, undefined, this.random);
        if (delay === undefined) return { answers: givenUp(items, 503, `no answer: ${lost}`), requests: retry + 1, gaveUp: true };
        await this.sleep(delay);
        continue;
      }
      if (response.status === 200) {
        const results = (data as { results?: unknown }).results;
        if (!Array.isArray(results) || results.length !== items.length) {
          throw new Error(`${call.operation.path}: ${Array.isArray(results) ? results.length : "no"} results for ${items.length} items`);
        }
        return { answers: results.map(readItem), requests: retry + 1, gaveUp: false };
      }
      if (!shouldRetry(response.status, response.headers)) throw new ApiError(response.status, error);
      const delay = retryDelayMs(this.retry, retry, retryAfterMs(response.headers), this.random);
      if (delay === undefined) {
        const reason = `${response.status} after ${retry + 1} attempts`;
        return { answers: givenUp(items, response.status, reason), requests: retry + 1, gaveUp: true };
      }
      await this.sleep(delay);
    }
  }

  private async readLimits(): Promise<Limits> {
    const response = await this.send("GET", LIMITS_PATH);
    return readLimits((await response.json()) as Schemas["Limits"]);
  }

  /** Any route, with the same retries of 429/503 answers; the 2xx response, else ApiError. */
  async send(method: string, path: string, body?: unknown, idempotencyKey?: string): Promise<Response> {
    const fetcher = this.options.fetch ?? ((request: Request) => fetch(request));
    const token = this.options.token;
    for (let retry = 0; ; retry++) {
      const headers = new Headers({ Authorization: `Bearer ${typeof token === "string" ? token : await token()}` });
      if (body !== undefined) headers.set("Content-Type", "application/json");
      if (idempotencyKey) headers.set("Idempotency-Key", idempotencyKey);
      const request = new Request(new URL(path, this.options.baseUrl), {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const response = await fetcher(request);
      if (response.ok) return response;
      const delay = shouldRetry(response.status, response.headers)
        ? retryDelayMs(this.retry, retry, retryAfterMs(response.headers), this.random)
        : undefined;
      if (delay === undefined) {
        throw new ApiError(response.status, await response.json().catch(() => undefined));
      }
      await response.body?.cancel();
      await this.sleep(delay);
    }
  }
}

function readItem(result: unknown): Item<unknown> {
  const item = result as Item<unknown> & Omit<Partial<ItemError>, "status">;
  return item.status === "success"
    ? { id: item.id, status: "success", status_code: item.status_code, data: item.data }
    : {
        id: item.id,
        status: "error",
        status_code: item.status_code,
        error: item.error,
        error_code: item.error_code,
        retryable: item.retryable ?? false,
        errors: item.errors ?? null,
        current_version: item.current_version ?? null,
      };
}

/** GET /api/v1/batch/limits's answer read into Limits. */
export function readLimits(answer: Schemas["Limits"]): Limits {
  const limits: Limits = {
    getIds: answer.batch_get.max_ids,
    recommendationChildIds: answer.recommendations.max_child_ids,
    writeItems: answer.batch_write.max_items,
    // one action per item at least (a child's delete takes two: the server refuses such a batch with a 422)
    atomicWriteItems: Math.min(answer.batch_write.max_items, answer.batch_write.atomic_max_actions),
    jobItems: answer.jobs.max_items,
    requestBytes: answer.request_body.synchronous_max_bytes,
  };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`${LIMITS_PATH}: ${name} is not a positive integer`);
  }
  return limits;
}

export { DEFAULT_LIMITS };
