import { Type } from 'typebox';

/**
 * A UUID exactly as PostgreSQL's uuid type reads it back: 8-4-4-4-12 hex digits. JSON Schema's `format: 'uuid'`
 * (ajv-formats) also accepts `urn:uuid:…`, which PostgreSQL rejects, so a value that passed validation could still
 * fail at the database (a 500, or a message that fails on every delivery). The format stays for the API docs.
 */
export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
export const Uuid = Type.String({ format: 'uuid', pattern: UUID_PATTERN });
export const Yen = Type.Integer({ minimum: 0, maximum: 9_007_199_254_740_991 });
export const PositiveYen = Type.Integer({ minimum: 1, maximum: 9_007_199_254_740_991 });
/** A stable UPPER_SNAKE failure code such as INSUFFICIENT_FUNDS or UNKNOWN_MENU_ITEM. */
export const ReasonCode = Type.String({ pattern: '^[A-Z][A-Z0-9_]{0,63}$' });
export const Timestamp = Type.String({ format: 'date-time' });
