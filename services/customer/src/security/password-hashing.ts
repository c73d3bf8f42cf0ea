import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { promisify } from 'node:util';
import { createHashGate, type HashGateOptions } from './hash-gate.js';

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number, options: ScryptOptions) => Promise<Buffer>;

/** OWASP's minimum for scrypt (N=2^17, r=8, p=1). Stored hashes name their own parameters, so old ones still verify. */
export const DEFAULT_HASH_COST_LOG2 = 17;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 64;
// Refuse stored parameters that would need absurd memory or time (a corrupted or hostile row).
const MAX_N = 1 << 20;
const MAX_R = 32;
const MAX_P = 16;

interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

interface ParsedHash extends ScryptCost {
  salt: Buffer;
  hash: Buffer;
}

export interface PasswordHashingOptions extends HashGateOptions {
  /** log2 of scrypt's N for new hashes; config keeps it at 17 or more outside development. */
  costLog2: number;
}

export interface PasswordHasher {
  /** `scrypt$N$r$p$<salt b64>$<hash b64>`: self-describing, so the parameters can change later. */
  hash(password: string): Promise<string>;
  /** False for a wrong password and for a hash we cannot read; never throws on either (only when the gate is full). */
  verify(password: string, stored: string): Promise<boolean>;
  /** True when a readable stored hash is cheaper than the current cost: it should be replaced at the next login. */
  isOutdated(stored: string): boolean;
  /**
   * A hash of a random password, for checking logins of unknown emails: they pay the same scrypt cost as known ones,
   * so response time does not reveal which emails are registered.
   */
  decoyHash(): Promise<string>;
}

const derive = (password: string, salt: Buffer, keylen: number, { N, r, p }: ScryptCost): Promise<Buffer> =>
  // scrypt needs about 128·N·r bytes; leave headroom over Node's 32 MiB default for larger N.
  scrypt(password.normalize('NFC'), salt, keylen, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 });

const parse = (stored: string): ParsedHash | undefined => {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map((part) => (/^\d{1,8}$/.test(part) ? Number(part) : Number.NaN)) as [number, number, number];
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const hash = Buffer.from(parts[5] ?? '', 'base64');
  const sane = N >= 2 && N <= MAX_N && (N & (N - 1)) === 0 && r >= 1 && r <= MAX_R && p >= 1 && p <= MAX_P;
  if (!sane || salt.length === 0 || hash.length < 16) return undefined;
  return { N, r, p, salt, hash };
};

/** Every scrypt run of the process goes through one gate: at most `concurrency` at once, a bounded queue behind. */
export const createPasswordHasher = (options: PasswordHashingOptions): PasswordHasher => {
  const current: ScryptCost = { N: 2 ** options.costLog2, r: BLOCK_SIZE, p: PARALLELISM };
  const gate = createHashGate(options);
  let decoy: Promise<string> | undefined;

  const hash = async (password: string): Promise<string> => {
    const salt = randomBytes(SALT_BYTES);
    const derived = await gate.run(() => derive(password, salt, KEY_BYTES, current));
    return ['scrypt', current.N, current.r, current.p, salt.toString('base64'), derived.toString('base64')].join('$');
  };

  return {
    hash,
    async verify(password, stored) {
      const parsed = parse(stored);
      if (!parsed) return false;
      const candidate = await gate.run(() => derive(password, parsed.salt, parsed.hash.length, parsed));
      return timingSafeEqual(candidate, parsed.hash);
    },
    isOutdated(stored) {
      const parsed = parse(stored);
      return parsed !== undefined && (parsed.N < current.N || parsed.r < current.r || parsed.hash.length < KEY_BYTES);
    },
    decoyHash() {
      // A failed first attempt (a full gate) is not kept, so the next login tries again.
      decoy ??= hash(randomBytes(32).toString('base64')).catch((error: unknown) => {
        decoy = undefined;
        throw error;
      });
      return decoy;
    },
  };
};
