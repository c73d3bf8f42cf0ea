import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { internalTokenEnv, parseConfig } from '../src/index.js';

const Schema = Type.Object({ ...internalTokenEnv });

const parseToken = (value: string) => () => parseConfig(Schema, { INTERNAL_TOKEN: value }).INTERNAL_TOKEN;

describe('INTERNAL_TOKEN', () => {
  it('when it is unset or empty, then the config has none', () => {
    expect(parseConfig(Schema, {}).INTERNAL_TOKEN).toBeUndefined();
    expect(parseToken('')()).toBeUndefined();
  });

  it('when it has 32 characters or more and no whitespace, then it is taken as it is', () => {
    const token = 'Kx9_-'.repeat(7);

    expect(parseToken(token)()).toBe(token);
  });

  it('when it is too short, holds whitespace, or both, then there is one problem line that never shows the value', () => {
    for (const bad of ['s3cret-but-short', `${'a'.repeat(20)} ${'b'.repeat(20)}`, 'short with spaces', `${'a'.repeat(40)}\n`]) {
      expect(parseToken(bad), JSON.stringify(bad)).toThrow(/^invalid configuration:\n {2}- INTERNAL_TOKEN=\(value hidden\) is invalid: [^\n]+$/);
      expect(parseToken(bad)).not.toThrow(bad.trim());
    }
  });
});
