const VALID_ID = '00000000-0000-4000-8000-000000000001';
const VALID_TIME = '2026-01-01T00:00:00.000Z';

/** A cursor as the API would encode it, but holding whatever a client put in. */
export const cursorHolding = (createdAt: unknown, id: unknown = VALID_ID): string =>
  Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');

/**
 * Cursors of the right shape holding values PostgreSQL's timestamptz or uuid refuses: each must be a 400
 * VALIDATION_FAILED, never reach SQL as a 500. `[description, cursor]` pairs, for `it.each`.
 */
export const CRAFTED_CURSORS: readonly (readonly [string, string])[] = [
  ['February 30', cursorHolding('2026-02-30T00:00:00.000Z')],
  ['February 29 of a common year', cursorHolding('2026-02-29T00:00:00.000Z')],
  ['month 13', cursorHolding('2026-13-01T00:00:00.000Z')],
  ['month 0', cursorHolding('2026-00-10T00:00:00.000Z')],
  ['day 0', cursorHolding('2026-01-00T00:00:00.000Z')],
  ['year 0', cursorHolding('0000-01-01T00:00:00.000Z')],
  ['hour 24', cursorHolding('2026-01-01T24:00:00.000Z')],
  ['minute 60', cursorHolding('2026-01-01T00:60:00.000Z')],
  ['second 60', cursorHolding('2026-01-01T00:00:60.000Z')],
  ['a date without its time', cursorHolding('2026-01-01')],
  ['an offset instead of Z', cursorHolding('2026-01-01T00:00:00.000+09:00')],
  ['a number for the date', cursorHolding(1767225600000)],
  ['a urn:uuid id', cursorHolding(VALID_TIME, `urn:uuid:${VALID_ID}`)],
  ['a braced id', cursorHolding(VALID_TIME, `{${VALID_ID}}`)],
  ['an id without dashes', cursorHolding(VALID_TIME, VALID_ID.replaceAll('-', ''))],
];
