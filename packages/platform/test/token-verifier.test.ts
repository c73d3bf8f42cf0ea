import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK, type JWTVerifyGetKey } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AppError,
  createTokenVerifier,
  TOKEN_AUDIENCE,
  TOKEN_CACHE_MAX_AGE_MS,
  TOKEN_ISSUER,
  type TokenCacheOptions,
} from '../src/index.js';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

let keys: KeyPair;
let publicJwk: JWK;

beforeAll(async () => {
  keys = await generateKeyPair('ES256', { extractable: true });
  publicJwk = { ...(await exportJWK(keys.publicKey)), kid: 'key-1', alg: 'ES256', use: 'sig' };
});

/** A token whose expiry is given in milliseconds since the epoch (rounded down to whole seconds, as JWTs are). */
const aToken = (expiresAtMs: number, customerId = randomUUID()): Promise<string> =>
  new SignJWT({ role: 'customer' })
    .setProtectedHeader({ alg: 'ES256', kid: 'key-1' })
    .setSubject(customerId)
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setExpirationTime(Math.floor(expiresAtMs / 1000))
    .sign(keys.privateKey);

/**
 * A key set that can be changed while the verifier runs (as a JWKS endpoint is during a rotation), and that counts its
 * lookups: jose looks the key up once per signature it checks, so lookups are signature verifications.
 */
const aKeySet = () => {
  const state = { keys: [publicJwk], lookups: 0 };
  const getKey: JWTVerifyGetKey = (header, token) => {
    state.lookups += 1;
    return createLocalJWKSet({ keys: state.keys })(header, token);
  };
  return { state, getKey };
};

/** A clock the test moves by hand, starting now. */
const aClock = () => {
  const clock = { ms: Date.now(), now: () => clock.ms };
  return clock;
};

const refusalOf = async (promise: Promise<unknown>): Promise<AppError> => {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
};

const aVerifier = (getKey: JWTVerifyGetKey, cache: TokenCacheOptions | false) => createTokenVerifier(getKey, { cache });

describe('verified token cache', () => {
  it('when the same token is presented twice, then the signature is verified once and both give the same principal', async () => {
    const { state, getKey } = aKeySet();
    const verifier = aVerifier(getKey, {});
    const customerId = randomUUID();
    const token = await aToken(Date.now() + 600_000, customerId);

    const first = await verifier.verify(token);
    const second = await verifier.verify(token);

    expect(first).toEqual({ customerId, role: 'customer' });
    expect(second).toEqual(first);
    expect(state.lookups).toBe(1);
  });

  it('when a cached token expires, then it is refused with 401 although it was accepted before', async () => {
    const clock = aClock();
    const { state, getKey } = aKeySet();
    const verifier = aVerifier(getKey, { now: clock.now });
    const expiresAtMs = Math.floor((clock.ms + 5_000) / 1000) * 1000;
    const token = await aToken(expiresAtMs);

    await verifier.verify(token);
    clock.ms = expiresAtMs - 1;
    await verifier.verify(token);
    expect(state.lookups).toBe(1);

    clock.ms = expiresAtMs;
    const refusal = await refusalOf(verifier.verify(token));
    expect(refusal.status).toBe(401);
  });

  it('when a token lives longer than the cache keeps entries, then its signature is verified again after that age', async () => {
    const clock = aClock();
    const { state, getKey } = aKeySet();
    const verifier = aVerifier(getKey, { now: clock.now });
    const token = await aToken(clock.ms + 3_600_000);

    await verifier.verify(token);
    clock.ms += TOKEN_CACHE_MAX_AGE_MS - 1;
    await verifier.verify(token);
    expect(state.lookups).toBe(1);

    clock.ms += 1;
    await verifier.verify(token);
    expect(state.lookups).toBe(2);
  });

  it('when the signing key is withdrawn from the key set, then a cached token stops being accepted once its entry is 60 s old', async () => {
    const clock = aClock();
    const { state, getKey } = aKeySet();
    const verifier = aVerifier(getKey, { now: clock.now });
    const token = await aToken(clock.ms + 3_600_000);
    await verifier.verify(token);

    state.keys = [];
    clock.ms += TOKEN_CACHE_MAX_AGE_MS;

    const refusal = await refusalOf(verifier.verify(token));
    expect(refusal.status).toBe(401);
  });

  it('when a token is refused, then it is not remembered and each presentation is checked again', async () => {
    const { state, getKey } = aKeySet();
    const verifier = aVerifier(getKey, {});
    const expired = await aToken(Date.now() - 60_000);

    expect((await refusalOf(verifier.verify(expired))).status).toBe(401);
    expect((await refusalOf(verifier.verify(expired))).status).toBe(401);
    expect(state.lookups).toBe(2);
  });

  it('when a cached token is presented with one byte of its payload or signature changed, then the copy is refused', async () => {
    const { getKey } = aKeySet();
    const verifier = aVerifier(getKey, {});
    const token = await aToken(Date.now() + 600_000);
    await verifier.verify(token);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const flip = (text: string) => `${text.slice(0, -2)}${text.at(-2) === 'A' ? 'B' : 'A'}${text.at(-1)}`;

    for (const copy of [`${header}.${flip(payload)}.${signature}`, `${header}.${payload}.${flip(signature)}`]) {
      expect((await refusalOf(verifier.verify(copy))).status).toBe(401);
    }
  });

  it('when more tokens are presented than the cache holds, then the least recently used one is verified again and the others are not', async () => {
    const { state, getKey } = aKeySet();
    const verifier = aVerifier(getKey, { maxEntries: 2 });
    const expiresAtMs = Date.now() + 600_000;
    const [first, second, third] = await Promise.all([aToken(expiresAtMs), aToken(expiresAtMs), aToken(expiresAtMs)]);

    await verifier.verify(first);
    await verifier.verify(second);
    await verifier.verify(first);
    await verifier.verify(third);
    expect(state.lookups).toBe(3);

    await verifier.verify(first);
    await verifier.verify(third);
    expect(state.lookups).toBe(3);
    await verifier.verify(second);
    expect(state.lookups).toBe(4);
  });

  it('when the cache is turned off, then every presentation verifies the signature', async () => {
    const { state, getKey } = aKeySet();
    const verifier = aVerifier(getKey, false);
    const token = await aToken(Date.now() + 600_000);

    await verifier.verify(token);
    await verifier.verify(token);

    expect(state.lookups).toBe(2);
  });
});
