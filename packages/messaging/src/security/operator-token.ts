import { createHash, timingSafeEqual } from 'node:crypto';

/** The header an operator, or an operator's tool, sends to the `/internal/*` operator routes. */
export const operatorAuthorization = (token: string): string => `Bearer ${token}`;

const BEARER = /^Bearer (\S+)$/i;

const digestOf = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * A check of an `Authorization` header against the operator token. Both sides are hashed first, so the
 * constant-time comparison gets equal lengths and its duration reveals nothing, not even the token's length.
 */
export const createOperatorTokenCheck = (token: string): ((authorization: string | undefined) => boolean) => {
  const expected = digestOf(token);
  return (authorization) => timingSafeEqual(digestOf(BEARER.exec(authorization ?? '')?.[1] ?? ''), expected);
};
