import { createHash, createHmac, createPrivateKey, createPublicKey, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { fail, ok, type Result } from '@ordering/contracts';

/** The service that signed the message (whose public key checks the signature). */
export const SENDER_HEADER = 'x-message-sender';
/** Ed25519 over the exact bytes of the body, base64url. */
export const SIGNATURE_HEADER = 'x-message-signature';
/** HMAC-SHA256 with the operator token over the body, base64url: a repaired dead letter an operator replays. */
export const OPERATOR_SIGNATURE_HEADER = 'x-operator-signature';

// Domain separation: a signature over a message can never pass for one over anything else signed with the same key.
const MESSAGE_CONTEXT = Buffer.from('ordering-message-v1\n');
const OPERATOR_CONTEXT = Buffer.from('ordering-operator-replay-v1\n');

const toBuffer = (body: Buffer | string): Buffer => (typeof body === 'string' ? Buffer.from(body, 'utf8') : body);

/** `base64` or `base64url` of DER bytes, as `openssl ... -outform DER | base64 -w0` prints them. */
const decodeDer = (encoded: string): Buffer | undefined =>
  /^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded.trim()) ? Buffer.from(encoded.trim(), 'base64') : undefined;

/** An Ed25519 key read by `create` from base64 DER, or undefined when the text is not one. */
const parseEd25519 = (encoded: string, create: (der: Buffer) => KeyObject): KeyObject | undefined => {
  const der = decodeDer(encoded);
  if (!der) return undefined;
  try {
    const key = create(der);
    return key.asymmetricKeyType === 'ed25519' ? key : undefined;
  } catch {
    return undefined;
  }
};

/** An Ed25519 private key from base64 PKCS#8 DER, or undefined when the text is not one. */
export const parseSigningKey = (encoded: string): KeyObject | undefined =>
  parseEd25519(encoded, (der) => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));

/** An Ed25519 public key from base64 SPKI DER, or undefined when the text is not one. */
export const parsePublicKey = (encoded: string): KeyObject | undefined =>
  parseEd25519(encoded, (der) => createPublicKey({ key: der, format: 'der', type: 'spki' }));

/** The base64 SPKI DER of a private key's public half: what peers put into their MESSAGE_PUBLIC_KEYS. */
export const publicKeyOf = (signingKey: KeyObject): string =>
  createPublicKey(signingKey).export({ format: 'der', type: 'spki' }).toString('base64');

export interface MessageSigner {
  /** The headers that travel with this exact body; none when the service has no key (development mode only). */
  headersFor(body: Buffer | string): Record<string, string>;
}

export const createMessageSigner = (service: string, signingKey: KeyObject | undefined): MessageSigner => ({
  headersFor(body): Record<string, string> {
    if (!signingKey) return {};
    const signature = sign(null, Buffer.concat([MESSAGE_CONTEXT, toBuffer(body)]), signingKey).toString('base64url');
    return { [SENDER_HEADER]: service, [SIGNATURE_HEADER]: signature };
  },
});

const operatorMac = (operatorToken: string, body: Buffer): Buffer =>
  createHmac('sha256', operatorToken).update(OPERATOR_CONTEXT).update(body).digest();

/** The header a dead-letter tool adds to a repaired message it replays through the broker. */
export const operatorSignatureOf = (operatorToken: string, body: Buffer | string): string =>
  operatorMac(operatorToken, toBuffer(body)).toString('base64url');

/**
 * - `sender`: the signature proves the message comes from this service.
 * - `operator`: an operator replayed it (a repaired dead letter); the envelope's own source stands, under the same rules.
 * - `unverified`: no signature, accepted only in development mode.
 */
export type Authenticated = { via: 'signature'; sender: string } | { via: 'operator' | 'unverified' };

/** Authenticated, or why not. */
export type MessageAuthentication = Result<Authenticated, string>;

/** What the consumer is told of the sender: only a signature names one. */
export const consumeOptionsOf = (authenticated: Authenticated): { sender?: string } =>
  authenticated.via === 'signature' ? { sender: authenticated.sender } : {};

export interface MessageVerifierOptions {
  /** The senders this service accepts messages from, by name. */
  publicKeys: ReadonlyMap<string, KeyObject>;
  /** Set: a message carrying a valid operator signature is accepted (the broker path of a dead-letter replay). */
  operatorToken?: string | undefined;
  /** Development mode only: a message without any signature is accepted as its envelope says. */
  acceptUnsigned?: boolean;
}

export interface MessageVerifier {
  /** `header(name)` reads one of the transport's headers (lower-case names). Never throws. */
  verify(header: (name: string) => string | undefined, body: Buffer | string): MessageAuthentication;
}

const sameDigest = (a: Buffer, b: Buffer): boolean =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

export const createMessageVerifier = (options: MessageVerifierOptions): MessageVerifier => ({
  verify(header, rawBody) {
    const body = toBuffer(rawBody);
    const operatorSignature = header(OPERATOR_SIGNATURE_HEADER);
    if (operatorSignature !== undefined) {
      if (!options.operatorToken) return fail('operator replays are not accepted here (no OPERATOR_TOKEN)');
      return sameDigest(Buffer.from(operatorSignature, 'base64url'), operatorMac(options.operatorToken, body))
        ? ok({ via: 'operator' })
        : fail('the operator signature does not match the message');
    }
    const sender = header(SENDER_HEADER);
    const signature = header(SIGNATURE_HEADER);
    if (sender === undefined && signature === undefined) {
      return options.acceptUnsigned ? ok({ via: 'unverified' }) : fail('the message is not signed');
    }
    if (sender === undefined || signature === undefined) return fail(`the message needs both ${SENDER_HEADER} and ${SIGNATURE_HEADER}`);
    const key = options.publicKeys.get(sender);
    if (!key) return fail(`no public key is configured for sender '${sender.slice(0, 40)}'`);
    let valid = false;
    try {
      valid = verify(null, Buffer.concat([MESSAGE_CONTEXT, body]), key, Buffer.from(signature, 'base64url'));
    } catch {
      valid = false;
    }
    return valid ? ok({ via: 'signature', sender }) : fail(`the signature is not ${sender}'s`);
  },
});
