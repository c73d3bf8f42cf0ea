import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureInternalToken, internalTokenPath, readInternalToken } from '../src/internal-token-file.js';

const aDataDir = (): string => mkdtempSync(path.join(tmpdir(), 'launcher-token-'));
const modeOf = (file: string): number => statSync(file).mode & 0o777;

describe('the internal token kept in DATA_DIR', () => {
  it('when the launcher starts on a fresh DATA_DIR without INTERNAL_TOKEN, then it creates a random base64url token readable by its owner only', () => {
    const dataDir = aDataDir();
    const said: string[] = [];

    const token = ensureInternalToken(dataDir, undefined, (message) => said.push(message));

    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(readFileSync(internalTokenPath(dataDir), 'utf8')).toBe(`${token}\n`);
    expect(modeOf(internalTokenPath(dataDir))).toBe(0o600);
    expect(said.join('\n')).toContain(internalTokenPath(dataDir));
    expect(said.join('\n')).not.toContain(token);
  });

  it('when it starts again on the same DATA_DIR, then it reuses that token and makes the file owner-only again', () => {
    const dataDir = aDataDir();
    const first = ensureInternalToken(dataDir, undefined, () => {});
    chmodSync(internalTokenPath(dataDir), 0o644);

    const second = ensureInternalToken(dataDir, undefined, () => {});

    expect(second).toBe(first);
    expect(readInternalToken(dataDir)).toBe(first);
    expect(modeOf(internalTokenPath(dataDir))).toBe(0o600);
  });

  it('when INTERNAL_TOKEN is configured, then that one is used and nothing is written', () => {
    const dataDir = aDataDir();
    const configured = 'Kx9_-'.repeat(7);

    expect(ensureInternalToken(dataDir, configured, () => {})).toBe(configured);
    expect(readInternalToken(dataDir)).toBeUndefined();
  });

  it('when the kept file does not hold a usable token, then the start fails with a line naming the file and the fix, not the value', () => {
    const dataDir = aDataDir();
    writeFileSync(internalTokenPath(dataDir), 'hunter2\n');

    expect(() => ensureInternalToken(dataDir, undefined, () => {})).toThrow(/internal-token does not hold a usable internal token .*delete it/);
    expect(() => ensureInternalToken(dataDir, undefined, () => {})).not.toThrow(/hunter2/);
  });

  it('when no launcher ever ran in the directory, then there is no token to read', () => {
    expect(readInternalToken(aDataDir())).toBeUndefined();
  });
});
