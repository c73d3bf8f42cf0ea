import { CRAFTED_CURSORS, cursorHolding } from '@ordering/test-data';
import { describe, expect, it } from 'vitest';
import { AppError, decodeCursor, encodeCursor, toPage } from '../src/index.js';

const row = (n: number) => ({ id: `00000000-0000-4000-8000-00000000000${n}`, createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)) });

describe('cursor pagination', () => {
  it('when a cursor is encoded, then it decodes to the same position', () => {
    const position = { createdAt: '2026-01-01T00:00:05.123Z', id: row(5).id };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it.each([
    'garbage',
    'e30',
    Buffer.from('["x","y"]').toString('base64url'),
    Buffer.from('["2026-01-01T00:00:00Z","1\' or \'1\'=\'1"]').toString('base64url'),
  ])('when the cursor is %s, then it is a 400 validation error', (cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(AppError);
    try {
      decodeCursor(cursor);
    } catch (error) {
      expect((error as AppError).status).toBe(400);
    }
  });

  it.each(CRAFTED_CURSORS)('when the cursor holds %s, then it is a 400 VALIDATION_FAILED', (_case, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(expect.objectContaining({ status: 400, code: 'VALIDATION_FAILED' }));
  });

  it.each(['0001-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '2024-02-29T12:00:00.000Z'])(
    'when the cursor holds the real instant %s, then it decodes',
    (createdAt) => {
      expect(decodeCursor(cursorHolding(createdAt, row(1).id))).toEqual({ createdAt, id: row(1).id });
    },
  );

  it('when more rows than the limit were fetched, then the page points past its last item', () => {
    const page = toPage([row(3), row(2), row(1)], 2, (r) => r.id);
    expect(page.items).toEqual([row(3).id, row(2).id]);
    expect(decodeCursor(page.nextCursor ?? '')).toEqual({ id: row(2).id, createdAt: row(2).createdAt.toISOString() });
  });

  it('when the rows fit in the limit, then there is no next page', () => {
    expect(toPage([row(1)], 2, (r) => r.id).nextCursor).toBeNull();
  });
});
