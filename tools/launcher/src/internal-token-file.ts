import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { internalTokenProblem } from './launcher-config.js';

/** Next to launcher-state.json, where `npm run dlq` and the e2e suite look for it. */
export const internalTokenPath = (dataDir: string): string => path.join(dataDir, 'internal-token');

const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException)?.code === 'ENOENT';

/** The file's token, trimmed; undefined only when there is no file. */
const readTokenFile = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
};

/** The token a launcher keeps in `dataDir`, or undefined when it keeps none there. */
export const readInternalToken = (dataDir: string): string | undefined => readTokenFile(internalTokenPath(dataDir)) || undefined;

/**
 * The token every service gets: INTERNAL_TOKEN when the launcher was given one (it is never written to disk);
 * otherwise the one kept in `DATA_DIR/internal-token`, created on the first start (32 random bytes, base64url,
 * owner-only) and reused afterwards, so the operators and tools of a running system can find it.
 */
export const ensureInternalToken = (dataDir: string, configured: string | undefined, log: (message: string) => void): string => {
  if (configured !== undefined) return configured;
  const file = internalTokenPath(dataDir);
  const kept = readTokenFile(file);
  if (kept === undefined) {
    const token = randomBytes(32).toString('base64url');
    // `wx`: never overwrite a token someone else just wrote; the mode is set before a byte of it is on disk.
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
    log(`generated the services' internal token in ${file} (set INTERNAL_TOKEN to choose it)`);
    return token;
  }
  const problem = internalTokenProblem(kept);
  if (problem) throw new Error(`${file} does not hold a usable internal token (${problem}): delete it to have a new one generated`);
  // A copied or restored file may have come back readable by others.
  chmodSync(file, 0o600);
  return kept;
};
