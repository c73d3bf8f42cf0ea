export interface BackoffSettings {
  /** The first retry waits about this long. */
  baseMs: number;
  /** No retry waits longer than this. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffSettings = { baseMs: 200, maxMs: 30_000 };

/**
 * Exponential backoff with full jitter (a uniformly random wait up to the exponential ceiling), so senders that
 * failed together do not retry together. The floor of `baseMs` keeps a run of unlucky draws from retrying hot.
 */
export const retryDelayMs = (failures: number, settings: BackoffSettings = DEFAULT_BACKOFF, random: () => number = Math.random): number => {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  const ceiling = Math.min(settings.maxMs, settings.baseMs * 2 ** exponent);
  const floor = Math.min(settings.baseMs, ceiling);
  return Math.round(floor + random() * (ceiling - floor));
};
