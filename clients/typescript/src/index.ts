// The TypeScript client of the Activity Batch API (DESIGN 10).
export {
  ActivityBatchClient,
  ApiError,
  DEFAULT_LIMITS,
  LIMITS_PATH,
  readLimits,
  type Activity,
  type Child,
  type ChildRecommendations,
  type ClientOptions,
  type Completion,
  type Deleted,
  type PartialActivity,
  type PartialChild,
  type Problem,
  type RecommendOptions,
  type WriteOptions,
} from "./client.js";
export { BatchResult, chunks, toSendAgain, type Item, type Limits } from "./batching.js";
export { DEFAULT_RETRY, retryAfterMs, retryDelayMs, shouldRetry, type RetryPolicy } from "./retry.js";
export type { components, paths } from "./schema.js";
