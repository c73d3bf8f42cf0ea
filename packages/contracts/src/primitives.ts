import { Type } from 'typebox';

export const Uuid = Type.String({ format: 'uuid' });
export const Yen = Type.Integer({ minimum: 0, maximum: 9_007_199_254_740_991 });
export const PositiveYen = Type.Integer({ minimum: 1, maximum: 9_007_199_254_740_991 });
/** A stable UPPER_SNAKE failure code such as INSUFFICIENT_FUNDS or UNKNOWN_MENU_ITEM. */
export const ReasonCode = Type.String({ pattern: '^[A-Z][A-Z0-9_]{0,63}$' });
export const Timestamp = Type.String({ format: 'date-time' });
