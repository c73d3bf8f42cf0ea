import { generateKeyPairSync } from 'node:crypto';
import { TEST_OPERATOR_TOKEN, testPublicKeys, testSigningKeyOf } from '@ordering/testing';
import { describe, expect, it } from 'vitest';
import {
  createMessageSigner,
  createMessageVerifier,
  OPERATOR_SIGNATURE_HEADER,
  operatorSignatureOf,
  parsePublicKey,
  parseSigningKey,
  publicKeyOf,
  SENDER_HEADER,
  SIGNATURE_HEADER,
} from '../../src/index.js';
import { aDebitCommand } from '../builders.js';
import { testSignerOf } from '../messaging-harness.js';

const verifier = createMessageVerifier({ publicKeys: testPublicKeys(), operatorToken: TEST_OPERATOR_TOKEN });

/** The verifier reads headers through a function, as both transports give them. */
const verify = (headers: Record<string, string>, body: string, using = verifier) => using.verify((name) => headers[name], body);

const aBody = (): string => JSON.stringify(aDebitCommand());

describe('message signatures', () => {
  it("when a message is verified with the headers its sender's signer made, then it is the sender's", () => {
    const body = aBody();

    expect(verify(testSignerOf('orchestrator').headersFor(body), body)).toEqual({
      ok: true,
      value: { via: 'signature', sender: 'orchestrator' },
    });
    expect(verify(testSignerOf('orchestrator').headersFor(Buffer.from(body)), body)).toEqual({
      ok: true,
      value: { via: 'signature', sender: 'orchestrator' },
    });
  });

  it('when one byte of the body changes after signing, then the signature fails', () => {
    const body = aBody();
    const headers = testSignerOf('orchestrator').headersFor(body);

    expect(verify(headers, body.replace('1200', '9999'))).toEqual({ ok: false, failure: "the signature is not orchestrator's" });
    expect(verify(headers, `${body} `)).toMatchObject({ ok: false });
  });

  it("when the sender header names another service than the key that signed, then it fails: a service cannot sign in another's name", () => {
    const body = aBody();
    const signedByOrder = testSignerOf('order').headersFor(body);

    expect(verify({ ...signedByOrder, [SENDER_HEADER]: 'orchestrator' }, body)).toEqual({
      ok: false,
      failure: "the signature is not orchestrator's",
    });
  });

  it('when the sender has no configured public key, then it fails naming that sender', () => {
    const body = aBody();

    expect(verify(testSignerOf('impostor').headersFor(body), body)).toEqual({
      ok: false,
      failure: "no public key is configured for sender 'impostor'",
    });
    // Known to the test, but not to this receiver: only the configured senders count.
    const accountOnly = createMessageVerifier({ publicKeys: new Map([['account', testPublicKeys().get('account')!]]) });
    expect(verify(testSignerOf('orchestrator').headersFor(body), body, accountOnly)).toMatchObject({
      ok: false,
      failure: expect.stringMatching(/no public key .* 'orchestrator'/),
    });
  });

  it('when a header is missing or the signature is garbage, then it fails', () => {
    const body = aBody();
    const headers = testSignerOf('orchestrator').headersFor(body);

    expect(verify({ [SENDER_HEADER]: 'orchestrator' }, body)).toMatchObject({ ok: false, failure: expect.stringMatching(/needs both/) });
    expect(verify({ [SIGNATURE_HEADER]: headers[SIGNATURE_HEADER]! }, body)).toMatchObject({
      ok: false,
      failure: expect.stringMatching(/needs both/),
    });
    expect(verify({ ...headers, [SIGNATURE_HEADER]: 'not a signature' }, body)).toMatchObject({ ok: false });
    expect(verify({ ...headers, [SIGNATURE_HEADER]: '' }, body)).toMatchObject({ ok: false });
  });

  it('when a message is unsigned, then it is accepted only by a verifier told to accept unsigned messages (development mode)', () => {
    const body = aBody();

    expect(verify({}, body)).toEqual({ ok: false, failure: 'the message is not signed' });
    expect(verify({}, body, createMessageVerifier({ publicKeys: testPublicKeys(), acceptUnsigned: true }))).toEqual({
      ok: true,
      value: { via: 'unverified' },
    });
    // A bad signature is refused even there: the switch tolerates the absence of a signature, not a wrong one.
    const tolerant = createMessageVerifier({ publicKeys: testPublicKeys(), acceptUnsigned: true });
    expect(verify(testSignerOf('impostor').headersFor(body), body, tolerant)).toMatchObject({ ok: false });
  });

  it('when a signer has no key (development mode), then it adds no headers', () => {
    expect(createMessageSigner('orchestrator', undefined).headersFor('x')).toEqual({});
    expect(Object.keys(testSignerOf('orchestrator').headersFor('x')).sort()).toEqual([SENDER_HEADER, SIGNATURE_HEADER]);
  });
});

describe('operator signatures', () => {
  it("when a repaired message carries the operator signature made with the token, then it is accepted as the operator's", () => {
    const body = aBody();

    expect(verify({ [OPERATOR_SIGNATURE_HEADER]: operatorSignatureOf(TEST_OPERATOR_TOKEN, body) }, body)).toEqual({
      ok: true,
      value: { via: 'operator' },
    });
  });

  it('when the operator signature was made with another token, or over another body, or the receiver has no token, then it fails', () => {
    const body = aBody();
    const wrongToken = operatorSignatureOf(`${TEST_OPERATOR_TOKEN}x`, body);

    expect(verify({ [OPERATOR_SIGNATURE_HEADER]: wrongToken }, body)).toEqual({
      ok: false,
      failure: 'the operator signature does not match the message',
    });
    expect(verify({ [OPERATOR_SIGNATURE_HEADER]: operatorSignatureOf(TEST_OPERATOR_TOKEN, aBody()) }, body)).toMatchObject({ ok: false });
    const noToken = createMessageVerifier({ publicKeys: testPublicKeys() });
    expect(verify({ [OPERATOR_SIGNATURE_HEADER]: operatorSignatureOf(TEST_OPERATOR_TOKEN, body) }, body, noToken)).toMatchObject({
      ok: false,
      failure: expect.stringMatching(/operator replays are not accepted/),
    });
  });

  it("when an operator signature comes with a sender's valid signature, then the operator signature decides: a wrong one is not rescued", () => {
    const body = aBody();
    const headers = {
      ...testSignerOf('orchestrator').headersFor(body),
      [OPERATOR_SIGNATURE_HEADER]: operatorSignatureOf('another token, another operator', body),
    };

    expect(verify(headers, body)).toMatchObject({ ok: false });
  });
});

describe('message key parsing', () => {
  const der = (key: { export(options: { format: 'der'; type: 'pkcs8' | 'spki' }): Buffer }, type: 'pkcs8' | 'spki') =>
    key.export({ format: 'der', type }).toString('base64');

  it('when an Ed25519 key is given as base64 (or base64url) DER, then it is parsed, and its public half is what peers configure', () => {
    const signing = testSigningKeyOf('orchestrator');
    const encoded = der(signing, 'pkcs8');

    expect(parseSigningKey(encoded)?.equals(signing)).toBe(true);
    expect(parseSigningKey(Buffer.from(encoded, 'base64').toString('base64url'))?.equals(signing)).toBe(true);
    expect(parsePublicKey(publicKeyOf(signing))?.equals(testPublicKeys().get('orchestrator')!)).toBe(true);
  });

  it('when the key is RSA or EC, then it is refused: only Ed25519 signs messages', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });

    expect(parseSigningKey(der(rsa.privateKey, 'pkcs8'))).toBeUndefined();
    expect(parseSigningKey(der(ec.privateKey, 'pkcs8'))).toBeUndefined();
    expect(parsePublicKey(der(rsa.publicKey, 'spki'))).toBeUndefined();
    expect(parsePublicKey(der(ec.publicKey, 'spki'))).toBeUndefined();
  });

  it('when the text is garbage, not base64, or the wrong half of a key pair, then it is refused without throwing', () => {
    const publicDer = publicKeyOf(testSigningKeyOf('order'));
    const privateDer = der(testSigningKeyOf('order'), 'pkcs8');

    for (const garbage of ['', 'not base64 at all!', 'aGVsbG8gd29ybGQ=', '-----BEGIN PRIVATE KEY-----']) {
      expect(parseSigningKey(garbage), garbage).toBeUndefined();
      expect(parsePublicKey(garbage), garbage).toBeUndefined();
    }
    expect(parseSigningKey(publicDer)).toBeUndefined();
    expect(parsePublicKey(privateDer)).toBeUndefined();
  });
});
