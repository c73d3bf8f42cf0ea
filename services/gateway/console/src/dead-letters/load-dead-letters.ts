import type { ApiClient } from '../api/api-client.js';
import type { DeadLetterItem, Page, ReplayResult, ServiceName } from '../api/admin-types.js';

/** One service's share of the page: its letters, where its next page starts, or why it could not be read. */
export interface ServiceLetters {
  service: ServiceName;
  items: DeadLetterItem[];
  nextCursor: string | null;
  error: string | null;
}

export const PAGE_SIZE = 20;

const messageOf = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause));

export const loadServicePage = (api: ApiClient, service: ServiceName, includeReplayed: boolean, cursor?: string) =>
  api.get<Page<DeadLetterItem>>(`/api/admin/${service}/dead-letters`, {
    limit: PAGE_SIZE,
    cursor,
    includeReplayed: includeReplayed ? 'true' : undefined,
  });

/** First pages of all the given services at once; a service that fails is reported as such, the others still show. */
export const loadFirstPages = async (
  api: ApiClient,
  services: readonly ServiceName[],
  includeReplayed: boolean,
): Promise<ServiceLetters[]> => {
  const settled = await Promise.allSettled(services.map((service) => loadServicePage(api, service, includeReplayed)));
  return settled.map((result, index) => {
    const service = services[index] as ServiceName;
    return result.status === 'fulfilled'
      ? { service, items: result.value.items, nextCursor: result.value.nextCursor, error: null }
      : { service, items: [], nextCursor: null, error: messageOf(result.reason) };
  });
};

export const replayDeadLetter = (api: ApiClient, item: DeadLetterItem, repaired?: Record<string, unknown>): Promise<ReplayResult> =>
  api.post<ReplayResult>(
    `/api/admin/${item.service}/dead-letters/${item.transport}/${encodeURIComponent(item.id)}/replay`,
    repaired === undefined ? undefined : { message: repaired },
  );
