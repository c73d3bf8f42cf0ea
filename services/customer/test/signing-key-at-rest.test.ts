import { spawn } from 'node:child_process';
import type { KeyObject } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@ordering/platform';
import { findFreePort, testMessageSecurityEnv, useTestDatabasePerTest } from '@ordering/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { connectCustomerDatabase, type CustomerDatabase } from '../src/db/customer-database.js';
import { decodeEncryptionKey, openSealedJwk, type SealedJwk } from '../src/security/signing-key-sealing.js';
import { ensureSigningKeys } from '../src/use-cases/ensure-signing-keys.js';
import { aRegistration, anEncodedEncryptionKey, anEncryptionKey } from './builders.js';
import {
  capturingLogger,
  getMe,
  loginAs,
  migrateCustomerDatabase,
  register,
  silentLogger,
  startCustomerApp,
  verifyWithPublishedKeys,
} from './support/customer-test-app.js';

interface SigningKeyRow {
  generation: number;
  kid: string;
  private_jwk: Record<string, unknown>;
  /** The whole row as PostgreSQL prints it, for searching it like a dump. */
  text: string;
}

/** Plain SQL, as anyone with a dump or a read replica would see the table. */
const readRows = async (database: CustomerDatabase): Promise<SigningKeyRow[]> =>
  (await database.pool.query<SigningKeyRow>('select generation, kid, private_jwk, s::text as text from signing_keys s order by generation'))
    .rows;

const openRow = (row: SigningKeyRow, encryptionKey: KeyObject) =>
  openSealedJwk(row.private_jwk as unknown as SealedJwk, encryptionKey, { generation: row.generation, kid: row.kid });

/** A database with the signing key and a customer's token from a start without an encryption key. */
const startedWithoutEncryption = async (url: string) => {
  const service = await startCustomerApp(url);
  try {
    const registration = aRegistration();
    await register(service.app, registration);
    const token = await loginAs(service.app, registration);
    return { kid: service.tokenSigner.kid, token, plainRows: await readRows(service.database) };
  } finally {
    await service.close();
  }
};

const SEALED_LOG = 'sealed the stored signing keys with SIGNING_KEY_ENCRYPTION_KEY';
const PLAIN_WARNING = 'the token signing key is stored unencrypted in the database: set SIGNING_KEY_ENCRYPTION_KEY for anything shared';
const KEY_MISSING = 'the signing key in the database is sealed, but SIGNING_KEY_ENCRYPTION_KEY is not set: set the key it was sealed with';
const KEY_REQUIRED =
  'SIGNING_KEY_ENCRYPTION_KEY is required but not set: 32 bytes as base64 (openssl rand -base64 32) that seal the token signing key in the database; only a developer machine may run without it, with UNSAFE_DEVELOPMENT_MODE=true';
const KEY_WRONG = 'the signing key in the database was sealed with another SIGNING_KEY_ENCRYPTION_KEY: set the key it was sealed with';

const messagesOf = (lines: string[]): string[] => lines.map((line) => String((JSON.parse(line) as { msg?: unknown }).msg));

describe('the token signing key at rest', () => {
  const testDatabase = useTestDatabasePerTest();

  it('when the service starts with an encryption key, then its row holds no private scalar in plain and its tokens verify against the JWKS', async () => {
    const encryptionKey = anEncryptionKey();
    const service = await startCustomerApp(testDatabase.url, { signingKeyEncryptionKey: encryptionKey });
    try {
      const registration = aRegistration();
      await register(service.app, registration);
      const token = await loginAs(service.app, registration);

      const [row, ...others] = await readRows(service.database);
      expect(others).toEqual([]);
      expect(Object.keys(row!.private_jwk).sort()).toEqual(['ciphertext', 'iv', 'sealed', 'tag']);
      expect(row!.text).not.toContain('"d"');
      expect(row!.text).not.toContain(String(openRow(row!, encryptionKey).d));
      expect((await verifyWithPublishedKeys(service.app, token)).protectedHeader.kid).toBe(row!.kid);
    } finally {
      await service.close();
    }
  });

  it('when a database holds a plain key from before, then the first start with an encryption key seals it and the same kid keeps signing', async () => {
    const before = await startedWithoutEncryption(testDatabase.url);
    const encryptionKey = anEncryptionKey();

    const service = await startCustomerApp(testDatabase.url, { signingKeyEncryptionKey: encryptionKey });
    try {
      const [row] = await readRows(service.database);
      expect(row!.private_jwk).toMatchObject({ sealed: 'A256GCM' });
      expect(openRow(row!, encryptionKey)).toEqual(before.plainRows[0]?.private_jwk);
      expect(service.tokenSigner.kid).toBe(before.kid);
      expect((await getMe(service.app, before.token)).statusCode).toBe(200);
      expect((await verifyWithPublishedKeys(service.app, before.token)).protectedHeader.kid).toBe(before.kid);
    } finally {
      await service.close();
    }
  });

  it('when several replicas start with the encryption key on a plain key at once, then exactly one seals it and all sign with it', async () => {
    const before = await startedWithoutEncryption(testDatabase.url);
    const encryptionKey = anEncryptionKey();
    const { logger, lines } = capturingLogger();
    const replicas = Array.from({ length: 5 }, () => connectCustomerDatabase(testDatabase.url, 2, silentLogger()));
    try {
      const keySets = await Promise.all(replicas.map((database) => ensureSigningKeys(database, { encryptionKey, logger })));

      expect(keySets.map(([current]) => current.kid)).toEqual(Array.from({ length: 5 }, () => before.kid));
      expect(messagesOf(lines).filter((message) => message === SEALED_LOG)).toHaveLength(1);
      const [row] = await readRows(replicas[0]!);
      expect(openRow(row!, encryptionKey)).toEqual(before.plainRows[0]?.private_jwk);
    } finally {
      await Promise.all(replicas.map((database) => database.close()));
    }
  });

  it('when replicas with an encryption key generate the first key at the same moment, then one sealed key is stored and all of them open it', async () => {
    const encryptionKey = anEncryptionKey();
    const replicas = Array.from({ length: 5 }, () => connectCustomerDatabase(testDatabase.url, 2, silentLogger()));
    try {
      await migrateCustomerDatabase(replicas[0]!);

      const keySets = await Promise.all(replicas.map((database) => ensureSigningKeys(database, { encryptionKey })));

      const rows = await readRows(replicas[0]!);
      expect(rows).toHaveLength(1);
      expect(keySets.map(([current]) => current.privateJwk)).toEqual(Array.from({ length: 5 }, () => openRow(rows[0]!, encryptionKey)));
    } finally {
      await Promise.all(replicas.map((database) => database.close()));
    }
  });

  it('when the service starts without an encryption key, then it warns once that the key is stored unencrypted and works as before', async () => {
    const { logger, lines } = capturingLogger();
    const service = await startCustomerApp(testDatabase.url, { logger });
    try {
      const registration = aRegistration();
      await register(service.app, registration);

      expect(messagesOf(lines).filter((message) => message === PLAIN_WARNING)).toHaveLength(1);
      expect((await readRows(service.database))[0]?.private_jwk).toHaveProperty('d');
      expect((await getMe(service.app, await loginAs(service.app, registration))).statusCode).toBe(200);
    } finally {
      await service.close();
    }
  });

  it.each([
    ['another encryption key', anEncryptionKey(), KEY_WRONG],
    ['no encryption key', undefined, KEY_MISSING],
  ])('when a sealed key meets %s, then loading it fails with the one configuration problem', async (_, encryptionKey, problem) => {
    const database = connectCustomerDatabase(testDatabase.url, 2, silentLogger());
    try {
      await migrateCustomerDatabase(database);
      await ensureSigningKeys(database, { encryptionKey: anEncryptionKey() });

      const failure = await ensureSigningKeys(database, { encryptionKey }).catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(ConfigError);
      expect((failure as ConfigError).problems).toEqual([problem]);
    } finally {
      await database.close();
    }
  });
});

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The real process, `services/customer/src/main.ts`, until it exits by itself (killed after a minute). */
const runCustomerProcess = async (env: Record<string, string>): Promise<{ code: number | null; stderr: string }> => {
  const port = String(await findFreePort());
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', 'services/customer/src/main.ts'], {
    cwd: repoRoot,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOST: '127.0.0.1',
      PORT: port,
      LOG_LEVEL: 'silent',
      ...testMessageSecurityEnv('customer'),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stderr });
    });
  });
};

describe('the customer process with a sealed signing key', () => {
  const testDatabase = useTestDatabasePerTest();
  const sealedWith = anEncodedEncryptionKey();

  beforeEach(async () => {
    const database = connectCustomerDatabase(testDatabase.url, 2, silentLogger());
    try {
      await migrateCustomerDatabase(database);
      await ensureSigningKeys(database, { encryptionKey: decodeEncryptionKey(sealedWith) });
    } finally {
      await database.close();
    }
  });

  it.each([
    ['another SIGNING_KEY_ENCRYPTION_KEY', { SIGNING_KEY_ENCRYPTION_KEY: anEncodedEncryptionKey() }, KEY_WRONG],
    // Only development mode may start without the key at all; even there, a sealed key it cannot open stops it.
    ['no SIGNING_KEY_ENCRYPTION_KEY in development mode', { UNSAFE_DEVELOPMENT_MODE: 'true' }, KEY_MISSING],
    ['no SIGNING_KEY_ENCRYPTION_KEY outside development mode', {}, KEY_REQUIRED],
  ])(
    'when it starts with %s, then it stops before listening with exit 78 and the one line',
    async (_, env: Record<string, string>, problem) => {
      const { code, stderr } = await runCustomerProcess({ DATABASE_URL: testDatabase.url, ...env });

      expect(code).toBe(78);
      expect(stderr).toBe(`customer: config error: ${problem}\n`);
      expect(stderr).not.toContain(sealedWith);
    },
    90_000,
  );
});
