import type { KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { configProblemsOf } from './config-problems.js';
import { TEST_OPERATOR_TOKEN, testMessageSecurityEnv, testSigningKeyOf } from './test-message-keys.js';

/** A messaging service's config reader, by the shape these cases read (messaging's MessageSecurity and the JWKS URL). */
export interface MessageSecurityConfigSubject {
  service: string;
  /** Everything it needs but the message secrets (e.g. DATABASE_URL). */
  env: Record<string, string>;
  /** Whose public keys it must be given, as the problem line lists them (the catalog's `sendersTo`), e.g. 'account, order'. */
  senders: string;
  readConfig(env: Record<string, string | undefined>): {
    security: { signingKey: KeyObject | undefined; operatorToken: string | undefined; unsafeDevelopmentMode: boolean };
    jwksUrl: string;
  };
}

/**
 * The rules every messaging service's config keeps, checked against its own readConfig: no message secret may be
 * missing outside development mode, no problem line shows a secret, and a remote JWKS comes over https or the mesh.
 */
export const describeMessageSecurityConfig = ({ service, env, senders, readConfig }: MessageSecurityConfigSubject): void => {
  describe(`${service} message security configuration`, () => {
    const secrets = testMessageSecurityEnv(service);
    const base = { ...env, ...secrets };

    it('when the message secrets are set, then the service signs with its own key and knows the operator token', () => {
      const { security } = readConfig(base);

      expect(security.signingKey?.equals(testSigningKeyOf(service))).toBe(true);
      expect(security).toMatchObject({ operatorToken: TEST_OPERATOR_TOKEN, unsafeDevelopmentMode: false });
    });

    it('when the signing key, the public keys and the operator token are missing, then there is one line for each, naming its variable', () => {
      expect(configProblemsOf(() => readConfig(env))).toEqual([
        expect.stringMatching(/^MESSAGE_SIGNING_KEY is required but not set: .*UNSAFE_DEVELOPMENT_MODE=true/),
        expect.stringMatching(new RegExp(`^MESSAGE_PUBLIC_KEYS lacks the public key of ${senders}: `)),
        expect.stringMatching(/^OPERATOR_TOKEN is required but not set: /),
      ]);
    });

    it('when the signing key or the operator token is invalid, then one line says so and never shows the value', () => {
      const truncatedKey = secrets.MESSAGE_SIGNING_KEY.slice(0, -8);
      const shortToken = TEST_OPERATOR_TOKEN.slice(0, 20);

      const problems = configProblemsOf(() => readConfig({ ...base, MESSAGE_SIGNING_KEY: truncatedKey, OPERATOR_TOKEN: shortToken }));

      expect(problems).toEqual([expect.stringMatching(/^OPERATOR_TOKEN=\(value hidden\) is invalid/)]);
      const keyProblems = configProblemsOf(() => readConfig({ ...base, MESSAGE_SIGNING_KEY: truncatedKey }));
      expect(keyProblems).toEqual([expect.stringMatching(/^MESSAGE_SIGNING_KEY is invalid: .*\(value not shown\)$/)]);
      const lines = [...problems, ...keyProblems].join('\n');
      expect(lines).not.toContain(truncatedKey.slice(0, 24));
      expect(lines).not.toContain(shortToken);
    });

    it('when UNSAFE_DEVELOPMENT_MODE=true, then it starts without any message secret', () => {
      expect(readConfig({ ...env, UNSAFE_DEVELOPMENT_MODE: 'true' }).security).toEqual({
        signingKey: undefined,
        publicKeys: new Map(),
        operatorToken: undefined,
        unsafeDevelopmentMode: true,
      });
    });

    it('when JWKS_URL is plain http to another host, then it is refused unless JWKS_OVER_PRIVATE_NETWORK=true or development mode vouches for the channel', () => {
      const JWKS_URL = 'http://customer:8081/.well-known/jwks.json';

      expect(configProblemsOf(() => readConfig({ ...base, JWKS_URL }))).toEqual([
        expect.stringMatching(/^JWKS_URL="http:\/\/customer:8081\/.well-known\/jwks.json" is invalid: must be https/),
      ]);
      expect(readConfig({ ...base, JWKS_URL, JWKS_OVER_PRIVATE_NETWORK: 'true' }).jwksUrl).toBe(JWKS_URL);
      expect(readConfig({ ...base, JWKS_URL, UNSAFE_DEVELOPMENT_MODE: 'true' }).jwksUrl).toBe(JWKS_URL);
    });
  });
};
