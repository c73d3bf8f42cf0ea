/** Expected business failures are values, not exceptions, so callers (HTTP, saga replies) must handle them. */
export type Outcome<T, F extends string> = { ok: true; value: T } | { ok: false; failure: F };

export const succeed = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const fail = <F extends string>(failure: F): { ok: false; failure: F } => ({ ok: false, failure });
