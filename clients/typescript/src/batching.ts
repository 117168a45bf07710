// The batching without I/O: items cut into chunks (count and bytes), an answer's items, and which to send again.

import type { components } from "./schema.js";

export type ItemError = components["schemas"]["ItemError"];

export interface Limits {
  getIds: number;
  recommendationChildIds: number;
  writeItems: number;
  atomicWriteItems: number;
  jobItems: number;
  requestBytes: number;
}

/** The contract's published figures (DESIGN 3.6). */
export const DEFAULT_LIMITS: Limits = {
  getIds: 100,
  recommendationChildIds: 50,
  writeItems: 100,
  atomicWriteItems: 100,
  jobItems: 10000,
  requestBytes: 1024 * 1024,
};

/** One item's answer: `data` on a success; `error`, `error_code`, `retryable` on an error. */
export interface Item<T> {
  id: string;
  status: "success" | "error";
  status_code: number;
  data?: T;
  error?: string;
  error_code?: string;
  retryable?: boolean;
  errors?: { [key: string]: string }[] | null;
  current_version?: number | null;
}

/** The answers of one call, in request order. */
export class BatchResult<T> {
  constructor(
    readonly results: Item<T>[],
    readonly requests: number,
  ) {}
  get succeeded(): Item<T>[] {
    return this.results.filter((item) => item.status === "success");
  }
  get failed(): Item<T>[] {
    return this.results.filter((item) => item.status === "error");
  }
  get ok(): boolean {
    return this.results.every((item) => item.status === "success");
  }
  /** Each id's answer (an id given twice: the first). */
  get byId(): Map<string, Item<T>> {
    const found = new Map<string, Item<T>>();
    for (const item of this.results) if (!found.has(item.id)) found.set(item.id, item);
    return found;
  }
  /** The successes' data, in request order. */
  get data(): T[] {
    return this.succeeded.flatMap((item) => (item.data === undefined ? [] : [item.data]));
  }
}

const encoder = new TextEncoder();
const bytes = (value: unknown): number => encoder.encode(JSON.stringify(value)).length;

/** Consecutive [start, end) ranges of at most maxItems items and, as `{...base, [field]: items}`, maxBytes. */
export function chunks(
  items: unknown[],
  base: Record<string, unknown>,
  field: string,
  maxItems: number,
  maxBytes: number,
): [number, number][] {
  const empty = bytes({ ...base, [field]: [] });
  const found: [number, number][] = [];
  let start = 0;
  let size = empty;
  items.forEach((item, index) => {
    let itemSize = bytes(item) + (index > start ? 1 : 0);
    if (index > start && (index - start >= maxItems || size + itemSize > maxBytes)) {
      found.push([start, index]);
      start = index;
      size = empty;
      itemSize -= 1;
    }
    size += itemSize;
  });
  if (start < items.length) found.push([start, items.length]);
  return found;
}

/** Positions worth a new request: retryable errors; for an atomic batch, all of it or nothing (never a part). */
export function toSendAgain(answers: Item<unknown>[], atomic: boolean): number[] {
  const failed = answers.filter((answer) => answer.status === "error");
  if (!atomic) {
    return answers.flatMap((answer, position) => (answer.status === "error" && answer.retryable ? [position] : []));
  }
  const transient =
    failed.some((answer) => answer.retryable) &&
    failed.every((answer) => answer.retryable || answer.error_code === "rolled_back");
  return transient ? answers.map((_, position) => position) : [];
}

export function itemId(item: unknown): string {
  if (item !== null && typeof item === "object" && "id" in item) return String((item as { id?: unknown }).id ?? "");
  return String(item);
}

export function givenUp<T>(items: unknown[], status: number, reason: string): Item<T>[] {
  const code = status === 429 ? "rate_limited" : "unavailable";
  return items.map((item) => ({
    id: itemId(item),
    status: "error",
    status_code: status,
    error: reason,
    error_code: code,
    retryable: true,
  }));
}
