// The users' guide's React/TypeScript examples ("React/TypeScript Frontend", "Caching"), as calls of this client.
// README "Clients" shows this file's code; dist/test/stack.test.js runs it against the local stack.
import { ActivityBatchClient, type PartialActivity } from "../src/index.js";

type Activity = PartialActivity;

export function makeClient(baseUrl: string, token: () => string): ActivityBatchClient {
  return new ActivityBatchClient({ baseUrl, token, chunkSize: 20 }); // 20 items per request on a mobile network
}

export async function batchGetActivities(api: ActivityBatchClient, activityIds: string[]): Promise<Activity[]> {
  const found = await api.getMany("activities", activityIds, "id,name,description,activity_type");
  for (const failed of found.failed) console.warn(`activity ${failed.id}: ${failed.status_code} ${failed.error_code}`);
  return found.data; // the successes, in request order (any number of ids: chunked, concurrent, retried)
}

const activityCache = new Map<string, Activity>();

export async function getCachedActivities(api: ActivityBatchClient, ids: string[]): Promise<Activity[]> {
  const uncached = ids.filter((id) => !activityCache.has(id));
  if (uncached.length > 0) {
    for (const activity of await batchGetActivities(api, uncached)) activityCache.set(activity.id, activity);
  }
  return ids.flatMap((id) => activityCache.get(id) ?? []); // missing or not visible: left out, never undefined
}
