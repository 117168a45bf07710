// When to send a request again and how long to wait first: capped exponential backoff with full jitter, or the
// server's Retry-After (seconds or an HTTP date), or the reset of an exhausted RateLimit header.

export interface RetryPolicy {
  /** sends in all, the first one included */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** a longer Retry-After is not waited for: the request is given up */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 200, maxDelayMs: 5000, maxRetryAfterMs: 60000 };

/** 429, 502, 503, 504; and a 409 with Retry-After (the same Idempotency-Key while its first request runs). */
export function shouldRetry(status: number, headers: Headers): boolean {
  return [429, 502, 503, 504].includes(status) || (status === 409 && headers.has("retry-after"));
}

/** How long the server asked to wait, in ms, or undefined. */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number | undefined {
  const value = headers.get("retry-after")?.trim();
  if (value) {
    if (/^\d+$/.test(value)) return Number(value) * 1000;
    const when = Date.parse(value);
    if (!Number.isNaN(when)) return Math.max(0, when - now);
  }
  const ratelimit = headers.get("ratelimit");
  if (ratelimit && /(?:^|[;,\s])r=0(?:$|[;,\s])/.test(ratelimit)) {
    const reset = /(?:^|[;,\s])t=(\d+)/.exec(ratelimit);
    if (reset?.[1]) return Number(reset[1]) * 1000;
  }
  return undefined;
}

/** The wait before retry number `retry` (0-based), or undefined when it should not be made. */
export function retryDelayMs(
  policy: RetryPolicy,
  retry: number,
  retryAfter: number | undefined,
  random: () => number = Math.random,
): number | undefined {
  if (retry + 1 >= policy.attempts) return undefined;
  if (retryAfter === undefined) {
    return random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(retry, 52));
  }
  if (retryAfter > policy.maxRetryAfterMs) return undefined;
  return retryAfter + random() * policy.baseDelayMs;
}
