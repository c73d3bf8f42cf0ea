import { hash } from 'node:crypto';
import type { Principal } from './principal.js';

/** How long and how many verified tokens are remembered. */
export interface TokenCacheOptions {
  /**
   * An entry is dropped this long after its token was verified, even if the token itself lives longer: a key withdrawn
   * from the key set (rotation after a leak) stops being accepted within this time plus the key set's own refresh.
   */
  maxAgeMs?: number;
  /** Least recently used entries go first once this many are held. */
  maxEntries?: number;
  /** Milliseconds since the epoch; injectable so tests can move time. */
  now?: () => number;
}

export const TOKEN_CACHE_MAX_AGE_MS = 60_000;
export const TOKEN_CACHE_MAX_ENTRIES = 10_000;

interface CachedToken {
  readonly principal: Principal;
  /** The earlier of the token's own expiry and the entry's maximum age. */
  readonly validUntilMs: number;
}

export interface VerifiedTokenCache {
  /** The principal of a token verified before and still valid now, else undefined. */
  find(token: string): Principal | undefined;
  remember(token: string, principal: Principal, tokenExpiresAtMs: number): void;
  readonly size: number;
}

/**
 * Keyed by a SHA-256 of the whole token, never the token itself: a heap dump or a debugger then holds no bearer token
 * that could be replayed. Any changed byte (a tampered payload or signature) is another key, so it is verified afresh.
 */
const keyOf = (token: string): string => hash('sha256', token, 'base64');

/**
 * Verified tokens with their principal, so a client presenting the same token on every request pays one signature
 * check per token, not one per request. Only successes are kept: a refused token is checked again each time.
 * A Map keeps insertion order, so re-inserting on every hit makes its first key the least recently used.
 */
export const createVerifiedTokenCache = (options: TokenCacheOptions = {}): VerifiedTokenCache => {
  const maxAgeMs = options.maxAgeMs ?? TOKEN_CACHE_MAX_AGE_MS;
  const maxEntries = options.maxEntries ?? TOKEN_CACHE_MAX_ENTRIES;
  const now = options.now ?? Date.now;
  const entries = new Map<string, CachedToken>();

  const evictLeastRecentlyUsed = (): void => {
    const oldest = entries.keys().next();
    if (!oldest.done) entries.delete(oldest.value);
  };

  return {
    find(token) {
      const key = keyOf(token);
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      // Checked on every hit: an expired token is never served from here, whatever its entry's age.
      if (now() >= entry.validUntilMs) return undefined;
      entries.set(key, entry);
      return entry.principal;
    },
    remember(token, principal, tokenExpiresAtMs) {
      const validUntilMs = Math.min(tokenExpiresAtMs, now() + maxAgeMs);
      if (maxEntries <= 0 || validUntilMs <= now()) return;
      const key = keyOf(token);
      entries.delete(key);
      while (entries.size >= maxEntries) evictLeastRecentlyUsed();
      entries.set(key, { principal: Object.freeze({ ...principal }), validUntilMs });
    },
    get size() {
      return entries.size;
    },
  };
};
