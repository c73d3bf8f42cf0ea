import { createHmac, randomUUID, type KeyObject } from 'node:crypto';
import { KEPT_SECRETS, readKeptSecret } from '@ordering/launcher';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeEncryptionKey,
  isSealedJwk,
  openSealedJwk,
  type SealedJwk,
} from '../../services/customer/src/security/signing-key-sealing.js';
import { ApiClient } from './support/api-client.js';
import { aCustomer } from './support/builders.js';
import { describeResponse, expectProblem, expectStatus } from './support/expectations.js';
import { decodeJwt } from './support/jwt.js';
import type { RunningSystem } from './support/system.js';
import { useSystemPerSuite } from './support/system-per-suite.js';

/**
 * Forged, expired and otherwise invalid tokens are refused with 401 at the gateway and again by every service called
 * directly (the services verify tokens themselves). The truly expired token is signed with the system's real key, read
 * from the customer service's own database and opened with the key-encryption key the launcher keeps in DATA_DIR, so
 * only its expiry makes it invalid.
 *
 * The orchestrator has no authenticated route yet, so it is not called directly here.
 */

const b64url = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

interface RealKey {
  kid: string;
  alg: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

/** The key-encryption key `npm start` generated for the customer service (the suite never sets one). */
const encryptionKeyOf = (system: RunningSystem): KeyObject => {
  const key = decodeEncryptionKey(readKeptSecret(system.dataDir, KEPT_SECRETS.signingKeyEncryptionKey) ?? '');
  if (!key) throw new Error(`the launcher keeps no signing key encryption key in ${system.dataDir}`);
  return key;
};

/** The current signing key (highest generation), straight from the customer service's database, where it rests sealed. */
const readSigningKey = async (databaseUrl: string, encryptionKey: KeyObject): Promise<RealKey> => {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const result = await client.query<{ generation: number; kid: string; alg: string; private_jwk: JWK | SealedJwk; public_jwk: JWK }>(
      'SELECT generation, kid, alg, private_jwk, public_jwk FROM signing_keys ORDER BY generation DESC LIMIT 1',
    );
    const row = result.rows[0];
    if (!row) throw new Error('signing_keys is empty');
    if (!isSealedJwk(row.private_jwk))
      throw new Error('the signing key is stored unencrypted, though npm start gives the customer service an encryption key');
    return { kid: row.kid, alg: row.alg, privateJwk: openSealedJwk(row.private_jwk, encryptionKey, row), publicJwk: row.public_jwk };
  } finally {
    await client.end().catch(() => undefined);
  }
};

describe('token verification at the gateway and at every service', () => {
  const { running, api } = useSystemPerSuite();
  let customerId: string;
  let realToken: string;
  let otherCustomerId: string;
  let key: RealKey;
  /** Built once the real token and key are known: name -> Authorization header value. */
  const forged = new Map<string, string>();
  /** The issuer and audience the system puts into its tokens, taken from a real one. */
  let claimsTemplate: { iss: string; aud: string | string[] };

  const now = (): number => Math.floor(Date.now() / 1000);

  const signWithRealKey = async (claims: JWTPayload, header: Record<string, unknown> = {}): Promise<string> => {
    const privateKey = await importJWK(key.privateJwk, key.alg);
    return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header }).sign(privateKey);
  };

  const validClaims = (overrides: JWTPayload = {}): JWTPayload => ({
    sub: customerId,
    role: 'customer',
    iss: claimsTemplate.iss,
    aud: claimsTemplate.aud,
    iat: now(),
    exp: now() + 600,
    ...overrides,
  });

  beforeAll(async () => {
    const signedUp = await api.signUp(aCustomer());
    customerId = signedUp.customer.id;
    realToken = signedUp.token;
    otherCustomerId = (await api.signUp(aCustomer())).customer.id;
    key = await readSigningKey(running().databaseUrl('customer'), encryptionKeyOf(running()));
    const { header, claims } = decodeJwt(realToken);
    expect(header['kid'], 'the stored key is the one that signs tokens').toBe(key.kid);
    claimsTemplate = { iss: String(claims['iss']), aud: claims['aud'] as string | string[] };

    const [realHeader, realPayload, realSignature] = realToken.split('.') as [string, string, string];
    const realClaims = claims;

    forged.set(
      'expired (real key, exp an hour ago)',
      `Bearer ${await signWithRealKey(validClaims({ iat: now() - 7200, exp: now() - 3600 }))}`,
    );
    forged.set('expired a minute ago (real key)', `Bearer ${await signWithRealKey(validClaims({ iat: now() - 660, exp: now() - 60 }))}`);
    forged.set('not valid yet (real key, nbf in an hour)', `Bearer ${await signWithRealKey(validClaims({ nbf: now() + 3600 }))}`);
    forged.set('without exp (real key)', `Bearer ${await signWithRealKey(validClaims({ exp: undefined }))}`);
    forged.set('from another issuer (real key)', `Bearer ${await signWithRealKey(validClaims({ iss: 'someone/else' }))}`);
    forged.set('for another audience (real key)', `Bearer ${await signWithRealKey(validClaims({ aud: 'someone/else' }))}`);
    forged.set('with an unknown role (real key)', `Bearer ${await signWithRealKey(validClaims({ role: 'superuser' }))}`);
    forged.set('with a subject that is not a customer id (real key)', `Bearer ${await signWithRealKey(validClaims({ sub: 'admin' }))}`);

    forged.set(
      'tampered: role raised to admin, signature kept',
      `Bearer ${realHeader}.${b64url({ ...realClaims, role: 'admin' })}.${realSignature}`,
    );
    forged.set(
      'tampered: another customer as subject, signature kept',
      `Bearer ${realHeader}.${b64url({ ...realClaims, sub: otherCustomerId })}.${realSignature}`,
    );
    forged.set(
      'tampered: expiry extended, signature kept',
      `Bearer ${realHeader}.${b64url({ ...realClaims, exp: now() + 86_400 * 365 })}.${realSignature}`,
    );
    const flipped = `${realSignature.slice(0, -2)}${realSignature.endsWith('AA') ? 'BB' : 'AA'}`;
    forged.set('tampered: signature altered', `Bearer ${realHeader}.${realPayload}.${flipped}`);
    forged.set('tampered: signature removed', `Bearer ${realHeader}.${realPayload}.`);

    forged.set('alg none, claims kept', `Bearer ${b64url({ alg: 'none', typ: 'JWT' })}.${realPayload}.`);
    forged.set(
      'alg none with the real kid, role admin',
      `Bearer ${b64url({ alg: 'none', typ: 'JWT', kid: key.kid })}.${b64url({ ...realClaims, role: 'admin' })}.`,
    );
    forged.set('alg None (capitalised), claims kept', `Bearer ${b64url({ alg: 'None', typ: 'JWT' })}.${realPayload}.`);

    const hmacHeader = b64url({ alg: 'HS256', typ: 'JWT', kid: key.kid });
    const hmacPayload = b64url(validClaims());
    const hmacSignature = createHmac('sha256', JSON.stringify(key.publicJwk)).update(`${hmacHeader}.${hmacPayload}`).digest('base64url');
    forged.set('HS256 keyed with the public key (algorithm confusion)', `Bearer ${hmacHeader}.${hmacPayload}.${hmacSignature}`);

    const foreign = await generateKeyPair('ES256', { extractable: true });
    const signForeign = (claims: JWTPayload, kid: string): Promise<string> =>
      new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' }).sign(foreign.privateKey);
    forged.set('signed by a foreign key under the real kid', `Bearer ${await signForeign(validClaims(), key.kid)}`);
    forged.set('signed by a foreign key under its own kid', `Bearer ${await signForeign(validClaims(), 'attacker-key')}`);
    forged.set('signed by a foreign key, expired', `Bearer ${await signForeign(validClaims({ exp: now() - 3600 }), 'attacker-key')}`);
    const embedded = b64url({ alg: 'ES256', typ: 'JWT', jwk: await exportJWK(foreign.publicKey) });
    const embeddedPayload = b64url(validClaims({ role: 'admin' }));
    const embeddedToken = await signForeign(validClaims({ role: 'admin' }), 'attacker-key');
    forged.set(
      'signed by a foreign key that the header embeds (jwk)',
      `Bearer ${embedded}.${embeddedPayload}.${embeddedToken.split('.')[2] ?? ''}`,
    );

    forged.set('garbage', 'Bearer not-a-jwt');
    forged.set('four segments', `Bearer ${realToken}.extra`);
    forged.set('empty bearer', 'Bearer');
    forged.set('another scheme', `Basic ${Buffer.from('someone:secret').toString('base64')}`);
    forged.set('the real token without a scheme', realToken);
    forged.set('the real token under the wrong scheme', `Token ${realToken}`);
  });

  /** Where a token is checked: the gateway's authenticated routes, and each service's own routes called directly. */
  const targets = (): Array<{ where: string; client: ApiClient; method: 'GET' | 'POST'; path: string; validTokenStatus?: number }> => {
    const { serviceUrls } = running();
    const direct = (service: 'customer' | 'order' | 'account'): ApiClient => new ApiClient(serviceUrls[service]);
    return [
      { where: 'gateway', client: api, method: 'GET', path: '/api/customers/me', validTokenStatus: 200 },
      { where: 'gateway', client: api, method: 'GET', path: '/api/orders', validTokenStatus: 200 },
      { where: 'gateway', client: api, method: 'GET', path: `/api/orders/${randomUUID()}`, validTokenStatus: 404 },
      { where: 'gateway', client: api, method: 'GET', path: '/api/accounts/me', validTokenStatus: 200 },
      { where: 'gateway', client: api, method: 'GET', path: '/api/accounts/me/entries', validTokenStatus: 200 },
      { where: 'gateway', client: api, method: 'POST', path: '/api/accounts/me/deposits' },
      { where: 'gateway', client: api, method: 'GET', path: '/api/admin/sagas', validTokenStatus: 403 },
      { where: 'customer service', client: direct('customer'), method: 'GET', path: '/api/customers/me', validTokenStatus: 200 },
      { where: 'order service', client: direct('order'), method: 'GET', path: '/api/orders', validTokenStatus: 200 },
      { where: 'account service', client: direct('account'), method: 'GET', path: '/api/accounts/me', validTokenStatus: 200 },
      { where: 'account service', client: direct('account'), method: 'POST', path: '/api/accounts/me/deposits' },
    ];
  };

  const call = (target: ReturnType<typeof targets>[number], authorization: string | undefined) =>
    target.client.request(target.method, target.path, {
      ...(target.method === 'POST' ? { json: { amount: 1000 } } : {}),
      headers: authorization === undefined ? {} : { authorization },
    });

  it('when a token is signed with the stored key and valid claims, then every target accepts it (the forgeries below differ only in what they break)', async () => {
    const control = `Bearer ${await signWithRealKey(validClaims())}`;
    for (const target of targets()) {
      // POSTs would deposit; the last check of this file wants the account untouched.
      if (target.validTokenStatus === undefined) continue;
      const response = await call(target, control);
      expect(response.status, `${target.where}: ${describeResponse(response)}`).toBe(target.validTokenStatus);
    }
    const me = await api.me(await signWithRealKey(validClaims()));
    expect(me.body.id).toBe(customerId);
  });

  it('when no token is sent, then every target answers 401', async () => {
    for (const target of targets()) expectProblem(await call(target, undefined), 401, 'UNAUTHENTICATED');
  });

  it('when forged, expired or malformed tokens are sent, then every target answers 401 UNAUTHENTICATED', async () => {
    expect(forged.size).toBeGreaterThan(25);
    const accepted: string[] = [];
    for (const [name, authorization] of forged) {
      for (const target of targets()) {
        const response = await call(target, authorization);
        const problem = response.body as { code?: string } | undefined;
        if (response.status !== 401 || problem?.code !== 'UNAUTHENTICATED')
          accepted.push(`${name} @ ${target.where}: ${describeResponse(response)}`);
        else expectProblem(response, 401, 'UNAUTHENTICATED');
      }
    }
    expect(accepted, accepted.join('\n')).toEqual([]);
  });

  it('when a customer token with the role tampered to admin lists the sagas, then the answer is 401, not 403 or 200', async () => {
    const tampered = forged.get('tampered: role raised to admin, signature kept') ?? '';
    expectProblem(await api.get('/api/admin/sagas', { headers: { authorization: tampered } }), 401, 'UNAUTHENTICATED');
  });

  it('when every forgery was refused, then nothing was deposited and the real token still works', async () => {
    const account = await api.account(realToken);
    expectStatus(account, 200);
    expect(account.body.balance).toBe(0);
    expect((await api.entries(realToken)).body.items).toEqual([]);
    const me = await api.me(realToken);
    expect(me.body.id).toBe(customerId);
  });

  it('when the file is done, then no process was restarted', () => {
    const restarted = running()
      .state()
      .processes.filter((entry) => entry.restarts !== 0);
    expect(restarted, restarted.map((entry) => running().crashReport(entry.name)).join('\n')).toEqual([]);
  });
});
