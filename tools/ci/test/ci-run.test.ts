import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const script = readFileSync(path.join(repoRoot, '.ci/run'), 'utf8');
const lines = script.split('\n');

/** The line number of the first line holding `text`; fails the test when there is none. */
const lineOf = (text: string): number => {
  const index = lines.findIndex((line) => line.includes(text));
  expect(index, `.ci/run has a line with ${JSON.stringify(text)}`).toBeGreaterThanOrEqual(0);
  return index;
};

describe('.ci/run', () => {
  it("when it is read, then it installs Debian's chromium when missing, non-interactively, and checks it runs", () => {
    const check = lineOf('if [[ -x /usr/bin/chromium ]]');
    const install = lineOf('apt-get install -y -q chromium');
    expect(lines[install], 'no question may stop the install').toContain('DEBIAN_FRONTEND=noninteractive');
    expect(lines.slice(check, install).join('\n'), 'the package lists are refreshed first').toContain('apt-get update -q');
    expect(lineOf('/usr/bin/chromium --version')).toBeGreaterThan(install);
  });

  it('when it is read, then chromium is installed before either test pass runs (the console browser tests need it)', () => {
    const install = lineOf('apt-get install -y -q chromium');
    expect(install).toBeLessThan(lineOf('phase "tests: embedded PostgreSQL'));
    expect(install).toBeLessThan(lineOf('phase "tests: system PostgreSQL'));
  });
});
