import { checkMessage } from '../inbox/message-validation.js';
import type { MessageConsumer } from '../inbox/message-consumer.js';
import type { DeadLetterItem, DeadLetterReplayResult, DeadLetterTransport } from './dead-letter-admin-schemas.js';
import { itemOfQueued, itemOfRow, newestFirst } from './dead-letter-items.js';
import { BROKER_DEAD_LETTERS, HTTP_DEAD_LETTERS } from './dead-letter-metrics.js';
import type { DeadLetterStore, PageOf } from './dead-letter-store.js';
import { refusedRepair, type QueuedDeadLetters } from './queued-dead-letters.js';
import { replayDeadLetter } from './replay-dead-letter.js';

export interface AdminDeadLettersDeps {
  service: string;
  consumer: MessageConsumer;
  deadLetters: DeadLetterStore;
  /** Set when the service runs on RabbitMQ: its DLQs are listed, shown and replayed too. */
  queued?: QueuedDeadLetters | undefined;
}

export interface DeadLetterListing {
  limit: number;
  cursor?: string | undefined;
  transport?: DeadLetterTransport | undefined;
  includeReplayed: boolean;
}

const emptyPage: PageOf<DeadLetterItem> = { items: [], nextCursor: null };

const listTable = async (deps: AdminDeadLettersDeps, listing: DeadLetterListing): Promise<PageOf<DeadLetterItem>> => {
  if (listing.transport === BROKER_DEAD_LETTERS) return emptyPage;
  const page = await deps.deadLetters.list({
    limit: listing.limit,
    includeReplayed: listing.includeReplayed,
    ...(listing.cursor ? { cursor: listing.cursor } : {}),
  });
  return { items: page.items.map((letter) => itemOfRow(deps.service, letter)), nextCursor: page.nextCursor };
};

/** The DLQs cannot be paged without consuming them: they are peeked on the first page only. */
const listQueues = async (deps: AdminDeadLettersDeps, listing: DeadLetterListing): Promise<DeadLetterItem[]> => {
  if (!deps.queued || listing.cursor || listing.transport === HTTP_DEAD_LETTERS) return [];
  return (await deps.queued.list(listing.limit)).map(itemOfQueued);
};

/** The table's page and, on the first page, what the DLQs hold, newest first; the cursor pages the table only. */
export const listDeadLetterItems = async (deps: AdminDeadLettersDeps, listing: DeadLetterListing): Promise<PageOf<DeadLetterItem>> => {
  const [table, queued] = await Promise.all([listTable(deps, listing), listQueues(deps, listing)]);
  return { items: [...table.items, ...queued].sort(newestFirst), nextCursor: table.nextCursor };
};

export const findDeadLetterItem = async (
  deps: AdminDeadLettersDeps,
  transport: DeadLetterTransport,
  id: string,
): Promise<DeadLetterItem | undefined> => {
  if (transport === HTTP_DEAD_LETTERS) {
    const letter = await deps.deadLetters.find(id);
    return letter ? itemOfRow(deps.service, letter) : undefined;
  }
  const letter = await deps.queued?.find(id);
  return letter ? itemOfQueued(letter) : undefined;
};

/**
 * Replays a dead letter, as it was or as a repaired envelope. The repair is checked first, exactly as its consumer
 * will check it, so a repair that cannot succeed is refused (400) before anything is touched. A table row is
 * consumed again here (and marked replayed once processed); a DLQ message goes back to its consumer queue.
 */
export const replayDeadLetterItem = async (
  deps: AdminDeadLettersDeps,
  transport: DeadLetterTransport,
  id: string,
  repaired: unknown,
): Promise<DeadLetterReplayResult | undefined> => {
  if (repaired !== undefined) {
    const check = checkMessage(repaired, deps.service);
    if (!check.valid) throw refusedRepair(check.error);
  }
  if (transport === HTTP_DEAD_LETTERS) {
    const result = await replayDeadLetter(deps, id, repaired);
    if (!result) return undefined;
    return {
      deadLetterId: result.deadLetterId,
      outcome: result.outcome,
      ...(result.messageId ? { messageId: result.messageId } : {}),
      ...(result.type ? { type: result.type } : {}),
      ...(result.error ? { error: result.error } : {}),
    };
  }
  const replayed = await deps.queued?.replay(id, repaired);
  if (!replayed) return undefined;
  return { deadLetterId: replayed.id, outcome: 'republished', ...(replayed.messageId ? { messageId: replayed.messageId } : {}) };
};
