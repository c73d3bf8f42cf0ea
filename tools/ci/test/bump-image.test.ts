import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { bumpImage } from '../src/image-pins.js';
import { renderKustomization, type Manifest } from '../src/kustomize.js';
import { findPolicyViolations } from '../src/manifest-policies.js';
import { validateManifests } from '../src/manifest-schemas.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const bumpImageCli = fileURLToPath(new URL('../src/bump-image.ts', import.meta.url));
const readOverlay = (name: string) => readFileSync(path.join(repoRoot, 'deploy/k8s/overlays', name, 'kustomization.yaml'), 'utf8');
const aDigest = (hexDigit: string) => `sha256:${hexDigit.repeat(64)}`;
const imageOf = (manifests: Manifest[], service: string): string => {
  const deployment = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === service) as {
    spec?: { template: { spec: { containers: { image: string }[] } } };
  };
  return deployment.spec!.template.spec.containers[0]!.image;
};
/** The lines that differ between two texts of the same length in lines. */
const changedLines = (before: string, after: string): string[] => {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b).toHaveLength(a.length);
  return b.filter((line, index) => line !== a[index]);
};

describe('bump-image', () => {
  it('when the prod overlay is bumped, then exactly the tag and digest lines of that one image change', () => {
    const before = readOverlay('prod');
    const after = bumpImage(before, { service: 'order', tag: '3f2c9e1', digest: aDigest('b') });
    expect(changedLines(before, after)).toEqual(['    newTag: 3f2c9e1', `    digest: ${aDigest('b')}`]);
    const entry = (parse(after) as { images: { name: string; newTag: string }[] }).images.find((image) => image.name.endsWith('/order'));
    expect(entry).toMatchObject({ newTag: '3f2c9e1', digest: aDigest('b') });
  });

  it('when the dev overlay is bumped, then only that tag changes, and comments and order survive', () => {
    const before = readOverlay('dev');
    const after = bumpImage(before, { service: 'account', tag: 'a1b2c3d' });
    expect(changedLines(before, after)).toEqual(['    newTag: a1b2c3d']);
    expect(after.match(/#/g)?.length).toBe(before.match(/#/g)?.length);
  });

  it('when a tag looks like a number, then it stays a string in the YAML', () => {
    const after = bumpImage(readOverlay('dev'), { service: 'order', tag: '1234567' });
    const entry = (parse(after) as { images: { name: string; newTag: unknown }[] }).images.find((image) => image.name.endsWith('/order'));
    expect(entry?.newTag).toBe('1234567');
  });

  it('when the service, the tag or the digest is wrong, or a pinned digest would go stale, then nothing is written and it says why', () => {
    const prod = readOverlay('prod');
    expect(() => bumpImage(prod, { service: 'billing', tag: 'abc', digest: aDigest('c') })).toThrow(
      "expected exactly one image for service 'billing'",
    );
    expect(() => bumpImage(prod, { service: 'order', tag: 'bad tag', digest: aDigest('c') })).toThrow('invalid tag');
    expect(() => bumpImage(prod, { service: 'order', tag: 'abc', digest: 'sha256:xyz' })).toThrow('invalid digest');
    expect(() => bumpImage(prod, { service: 'order', tag: 'abc' })).toThrow('pinned by digest');
    expect(() => bumpImage('resources: []\n', { service: 'order', tag: 'abc' })).toThrow('no images: list');
  });

  describe('on a copy of deploy/', () => {
    let scratch: string | undefined;
    afterEach(() => {
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    });

    it('when the command bumps one image in prod, then the tag reaches the rendered overlay, which still validates', () => {
      scratch = mkdtempSync(path.join(tmpdir(), 'bump-image-'));
      cpSync(path.join(repoRoot, 'deploy'), path.join(scratch, 'deploy'), { recursive: true });
      const before = renderKustomization(path.join(scratch, 'deploy/k8s/overlays/prod'));
      const output = execFileSync(
        process.execPath,
        [
          '--import',
          'tsx',
          bumpImageCli,
          '--root',
          scratch,
          '--overlay',
          'prod',
          '--service',
          'orchestrator',
          '--tag',
          '9d8c7b6',
          '--digest',
          aDigest('e'),
        ],
        { encoding: 'utf8' },
      );
      expect(output).toContain(`orchestrator -> 9d8c7b6@${aDigest('e')}`);
      const after = renderKustomization(path.join(scratch, 'deploy/k8s/overlays/prod'));
      expect(imageOf(after, 'orchestrator')).toBe(`registry.example.com/ordering/orchestrator:9d8c7b6@${aDigest('e')}`);
      for (const service of ['gateway', 'customer', 'order', 'account']) expect(imageOf(after, service)).toBe(imageOf(before, service));
      expect(validateManifests(after)).toEqual([]);
      expect(findPolicyViolations(after)).toEqual([]);
      // The dev overlay is another file: untouched.
      expect(readFileSync(path.join(scratch, 'deploy/k8s/overlays/dev/kustomization.yaml'), 'utf8')).toBe(readOverlay('dev'));
    }, 180_000);
  });
});
