/**
 * A business error code a service declares, with its title (the problem's `title`, fixed per code). Platform keeps
 * only the generic codes; each service declares the ones it raises, in its domain, so the code is data, not logic.
 */
export interface DeclaredErrorCode<C extends string = string> {
  readonly code: C;
  readonly title: string;
}

/**
 * A service's own codes, by name: `const CustomerErrors = declareErrorCodes({ EMAIL_TAKEN: 'Email already registered' })`,
 * then `new AppError(CustomerErrors.EMAIL_TAKEN, 409)`. A code that is not declared does not compile.
 */
export const declareErrorCodes = <C extends string>(titles: Readonly<Record<C, string>>): { readonly [K in C]: DeclaredErrorCode<K> } =>
  Object.freeze(Object.fromEntries(Object.entries<string>(titles).map(([code, title]) => [code, Object.freeze({ code, title })]))) as {
    readonly [K in C]: DeclaredErrorCode<K>;
  };
