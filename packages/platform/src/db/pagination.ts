import { Type, type Static, type TSchema } from 'typebox';
import { validationFailed } from '../errors/app-error.js';
import { isUuid } from './uuid.js';

export const PageQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
});
export type PageQuery = Static<typeof PageQuery>;

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });

/** The position after which the next page starts: items are ordered newest first, ties broken by id. */
export interface CursorPosition {
  createdAt: string;
  id: string;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Only the exact form `toISOString()` writes, of a real instant PostgreSQL's timestamptz can read: the shape alone
 * lets through 2026-02-30, month 13, hour 24 or year 0, which PostgreSQL rejects (a 500 instead of a 400).
 * Date rolls impossible dates over, so the string must come back unchanged; year 0 round-trips but PostgreSQL
 * has no year 0.
 */
const isCursorTimestamp = (value: unknown): value is string => {
  if (typeof value !== 'string' || !ISO.test(value)) return false;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return false;
  const year = date.getUTCFullYear();
  return year >= 1 && year <= 9999 && date.toISOString() === value;
};

export const encodeCursor = (position: CursorPosition): string =>
  Buffer.from(JSON.stringify([position.createdAt, position.id])).toString('base64url');

/** Cursors are opaque to clients but untrusted input to us: anything malformed is a 400, never a 500. */
export const decodeCursor = (cursor: string): CursorPosition => {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(decoded) && decoded.length === 2) {
      const [createdAt, id] = decoded as unknown[];
      if (isCursorTimestamp(createdAt) && isUuid(id)) {
        return { createdAt, id };
      }
    }
  } catch {
    // fall through to the validation error below
  }
  throw validationFailed('The cursor is invalid', [{ path: 'querystring.cursor', message: 'is not a cursor this API issued' }]);
};

/** Fetch `limit + 1` rows; the extra one only tells whether another page exists. */
export const toPage = <Row extends { createdAt: Date; id: string }, Item>(
  rows: Row[],
  limit: number,
  present: (row: Row) => Item,
): { items: Item[]; nextCursor: string | null } => {
  const pageRows = rows.slice(0, limit);
  const last = pageRows.at(-1);
  return {
    items: pageRows.map(present),
    nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt.toISOString(), id: last.id }) : null,
  };
};
