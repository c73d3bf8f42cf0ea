import { createTestDatabase } from '@ordering/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCustomerApp } from './support/use-customer-app.js';
import { connectCustomerDatabase } from '../src/db/customer-database.js';
import { ensureSigningKeys } from '../src/use-cases/ensure-signing-keys.js';
import { aRegistration } from './builders.js';
import {
  getMe,
  loginAs,
  migrateCustomerDatabase,
  register,
  silentLogger,
  startCustomerApp,
  verifyWithPublishedKeys,
} from './support/customer-test-app.js';

describe('token signing keys and GET /.well-known/jwks.json', () => {
  const registration = aRegistration();

  const service = useCustomerApp();

  beforeAll(async () => {
    await register(service.app, registration);
  });

  it('when the key set is fetched, then it holds only public EC members and may be cached for five minutes', async () => {
    const response = await service.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });

    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=300');
    const { keys } = response.json();
    expect(keys).toHaveLength(1);
    expect(Object.keys(keys[0]).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    expect(keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: service.tokenSigner.kid });
  });

  it('when a token is issued, then the published key set verifies it', async () => {
    const token = await loginAs(service.app, registration);

    const { payload, protectedHeader } = await verifyWithPublishedKeys(service.app, token);

    expect(protectedHeader.alg).toBe('ES256');
    expect(payload.role).toBe('customer');
  });

  it('when the service restarts on the same database, then it keeps its key and earlier tokens stay valid', async () => {
    const token = await loginAs(service.app, registration);

    const restarted = await startCustomerApp(service.databaseUrl);
    try {
      expect(restarted.tokenSigner.kid).toBe(service.tokenSigner.kid);
      expect((await getMe(restarted.app, token)).statusCode).toBe(200);
    } finally {
      await restarted.close();
    }
  });

  it('when several replicas start together on an empty database, then they all sign with the same single key', async () => {
    const empty = await createTestDatabase();
    try {
      const replicas = await Promise.all(Array.from({ length: 5 }, () => startCustomerApp(empty.url)));
      await Promise.all(replicas.map((replica) => replica.close()));

      expect(new Set(replicas.map((replica) => replica.tokenSigner.kid)).size).toBe(1);
    } finally {
      await empty.drop();
    }
  });

  it('when replicas generate the first key at the same moment, then exactly one key is stored and all of them read it', async () => {
    const empty = await createTestDatabase();
    const pools = Array.from({ length: 5 }, () => connectCustomerDatabase(empty.url, 2, silentLogger()));
    try {
      await migrateCustomerDatabase(pools[0]!);

      const keySets = await Promise.all(pools.map((database) => ensureSigningKeys(database)));

      expect(new Set(keySets.map(([current]) => current.kid)).size).toBe(1);
      const { rows } = await pools[0]!.pool.query('select kid from signing_keys');
      expect(rows).toEqual([{ kid: keySets[0]?.[0].kid }]);
    } finally {
      await Promise.all(pools.map((database) => database.close()));
      await empty.drop();
    }
  });
});
