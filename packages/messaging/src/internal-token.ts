import { createHash, timingSafeEqual } from 'node:crypto';

/** The header a caller of the `/internal/*` routes sends: peers pushing messages, operators and their tools. */
export const internalAuthorization = (token: string): string => `Bearer ${token}`;

const BEARER = /^Bearer (\S+)$/i;

const digestOf = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * A check of an `Authorization` header against the shared internal token. Both sides are hashed first, so the
 * constant-time comparison gets equal lengths and its duration reveals nothing, not even the token's length.
 */
export const createInternalTokenCheck = (token: string): ((authorization: string | undefined) => boolean) => {
  const expected = digestOf(token);
  return (authorization) => timingSafeEqual(digestOf(BEARER.exec(authorization ?? '')?.[1] ?? ''), expected);
};
