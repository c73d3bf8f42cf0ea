import { describe, expect, it } from 'vitest';
import type { DeadLetterItem } from '../src/api/admin-types.js';
import { deadLetterKey, mergeNewestFirst } from '../src/dead-letters/merge-dead-letters.js';

const letter = (service: string, id: string, deadAt: string | null, transport: 'http' | 'rabbitmq' = 'http'): DeadLetterItem => ({
  id,
  transport,
  service,
  queue: service,
  messageId: null,
  messageType: null,
  error: 'failed',
  attempts: 1,
  deadAt,
  replayedAt: null,
  message: {},
});

describe('mergeNewestFirst', () => {
  it('when services have letters, then they are merged newest first, undated last', () => {
    const merged = mergeNewestFirst([
      [letter('order', 'o1', '2026-12-04T10:00:00Z'), letter('order', 'o2', null)],
      [letter('account', 'a1', '2026-12-04T11:00:00Z'), letter('account', 'a2', '2026-12-04T09:00:00Z')],
    ]);
    expect(merged.map((item) => item.id)).toEqual(['a1', 'o1', 'a2', 'o2']);
  });

  it('when the same letter comes twice (a polled page and a loaded page), then it is listed once', () => {
    const same = letter('order', 'o1', '2026-12-04T10:00:00Z');
    expect(mergeNewestFirst([[same], [{ ...same }]])).toHaveLength(1);
  });

  it('when the same id is on both transports, then both are listed', () => {
    const merged = mergeNewestFirst([[letter('order', 'x', null, 'http'), letter('order', 'x', null, 'rabbitmq')]]);
    expect(merged.map(deadLetterKey)).toEqual(['order/http/x', 'order/rabbitmq/x']);
  });
});
