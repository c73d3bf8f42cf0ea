/**
 * The checks every tool applies to a setting, whether it comes from the environment (the launcher) or from a
 * command-line flag (bench, dlq): each returns the value or the rule it broke, so a tool can collect one clear
 * line per bad value (the launcher) or stop at the first (a flag parser), with the same wording everywhere.
 */
export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly rule: string };

type Env = Readonly<Record<string, string | undefined>>;

const MAX_PORT = 65535;

/** `FOO=` in a compose file or shell usually means "not set", so empty counts as absent. */
export const readSetting = (env: Env, name: string): string | undefined => {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
};

/** Digits only (no sign, point, exponent or spaces), within [min, max]. */
export const checkInteger = (raw: string, min: number, max: number): Checked<number> => {
  const value = Number(raw);
  return /^\d+$/.test(raw) && value >= min && value <= max
    ? { ok: true, value }
    : { ok: false, rule: `must be an integer between ${min} and ${max}` };
};

export const checkPort = (raw: string): Checked<number> => {
  const checked = checkInteger(raw, 1, MAX_PORT);
  return checked.ok ? checked : { ok: false, rule: `must be an integer port between 1 and ${MAX_PORT}` };
};

export const checkOneOf = <T extends string>(raw: string, allowed: readonly T[]): Checked<T> =>
  (allowed as readonly string[]).includes(raw)
    ? { ok: true, value: raw as T }
    : { ok: false, rule: `must be one of ${allowed.join(', ')}` };

/** An absolute URL whose protocol is one of `protocols` (with the colon, e.g. `amqp:`). */
export const checkUrl = (raw: string, protocols: readonly string[]): Checked<string> => {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return { ok: false, rule: 'must be an absolute URL' };
  }
  return protocols.includes(parsed.protocol)
    ? { ok: true, value: raw }
    : { ok: false, rule: `must start with ${protocols.map((p) => `${p}//`).join(' or ')}` };
};

/** Never echo a password from a connection string into a terminal or CI log. */
export const redactUrl = (raw: string): string => raw.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');

/** The line an operator reads for a bad environment variable: its name, the value it had, and the rule. */
export const settingProblem = (name: string, shownValue: string, rule: string): string =>
  `${name}=${JSON.stringify(shownValue)} is invalid: ${rule}`;

/** The line for a bad command-line flag: `--limit must be an integer between 1 and 1000, got "0"`. */
export const flagProblem = (flag: string, raw: string, rule: string): string => `${flag} ${rule}, got ${JSON.stringify(raw)}`;

/**
 * Reads environment variables and collects one problem line per bad value instead of stopping at the first, so a
 * misconfigured start lists everything to fix at once; each bad value falls back to its default meanwhile.
 */
export class SettingProblems {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  port(name: string, fallback: number): number {
    return this.checked(name, checkPort, fallback);
  }

  integer(name: string, min: number, max: number, fallback: number): number {
    return this.checked(name, (raw) => checkInteger(raw, min, max), fallback);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    return this.checked(name, (raw) => checkOneOf(raw, allowed), fallback);
  }

  url(name: string, protocols: readonly string[]): string | undefined {
    const raw = readSetting(this.env, name);
    if (raw === undefined) return undefined;
    const checked = checkUrl(raw, protocols);
    if (checked.ok) return checked.value;
    this.problems.push(settingProblem(name, redactUrl(raw), checked.rule));
    return undefined;
  }

  private checked<T>(name: string, check: (raw: string) => Checked<T>, fallback: T): T {
    const raw = readSetting(this.env, name);
    if (raw === undefined) return fallback;
    const checked = check(raw);
    if (checked.ok) return checked.value;
    this.problems.push(settingProblem(name, raw, checked.rule));
    return fallback;
  }
}
