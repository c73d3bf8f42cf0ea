import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number, options: ScryptOptions) => Promise<Buffer>;

/** Current cost. Stored hashes name their own parameters, so raising these later does not break old hashes. */
const CURRENT = { N: 16_384, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 64;
// Refuse stored parameters that would need absurd memory or time (a corrupted or hostile row).
const MAX_N = 1 << 20;
const MAX_R = 32;
const MAX_P = 16;

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

const derive = (password: string, salt: Buffer, keylen: number, { N, r, p }: { N: number; r: number; p: number }): Promise<Buffer> =>
  // scrypt needs about 128·N·r bytes; leave headroom over Node's 32 MiB default for larger future N.
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

/** `scrypt$N$r$p$<salt b64>$<hash b64>`: self-describing, so the parameters can change later. */
export const hashPassword = async (password: string): Promise<string> => {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, KEY_BYTES, CURRENT);
  return ['scrypt', CURRENT.N, CURRENT.r, CURRENT.p, salt.toString('base64'), hash.toString('base64')].join('$');
};

/** False for a wrong password and for a hash we cannot read; never throws on either. */
export const verifyPassword = async (password: string, stored: string): Promise<boolean> => {
  const parsed = parse(stored);
  if (!parsed) return false;
  const candidate = await derive(password, parsed.salt, parsed.hash.length, parsed);
  return timingSafeEqual(candidate, parsed.hash);
};

let decoy: Promise<string> | undefined;

/**
 * A hash of a random password, for checking logins of unknown emails: they pay the same scrypt cost as known ones,
 * so response time does not reveal which emails are registered.
 */
export const decoyPasswordHash = (): Promise<string> => (decoy ??= hashPassword(randomBytes(32).toString('base64')));
