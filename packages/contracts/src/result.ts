/**
 * An expected failure as a value, not an exception: a caller must look at `ok` before it can reach the value, so
 * it cannot forget the failure. The failure field is named `failure` everywhere (not `code` or `reason`): it holds a
 * code, a reason or a record with more, and one name lets every caller read every result the same way.
 */
export type Result<T, F> = Ok<T> | Fail<F>;

export interface Ok<T> {
  readonly ok: true;
  readonly value: T;
}

export interface Fail<F> {
  readonly ok: false;
  readonly failure: F;
}

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });

/** `const`: a literal code stays its literal type, so a function's declared failure union checks it. */
export const fail = <const F>(failure: F): Fail<F> => ({ ok: false, failure });
