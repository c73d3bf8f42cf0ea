import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bumpImage } from './image-pins.js';

/** Where an overlay's kustomization lives under a manifests checkout (this repository, or a separate one). */
export const overlayKustomizationPath = (root: string, overlay: string): string => {
  if (!/^[a-z0-9-]+$/.test(overlay)) throw new Error(`invalid overlay name '${overlay}'`);
  return path.join(root, 'deploy', 'k8s', 'overlays', overlay, 'kustomization.yaml');
};

const usage = 'usage: bump-image --service S --tag T --overlay O [--digest sha256:...] [--root DIR]';

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1]);
if (isMain) {
  const { values } = parseArgs({
    options: {
      service: { type: 'string' },
      tag: { type: 'string' },
      overlay: { type: 'string' },
      digest: { type: 'string' },
      root: { type: 'string', default: '.' },
    },
  });
  if (!values.service || !values.tag || !values.overlay) {
    console.error(usage);
    process.exit(2);
  }
  try {
    const file = overlayKustomizationPath(values.root, values.overlay);
    writeFileSync(file, bumpImage(readFileSync(file, 'utf8'), { service: values.service, tag: values.tag, digest: values.digest }));
    console.log(`${path.relative(process.cwd(), file)}: ${values.service} -> ${values.tag}${values.digest ? `@${values.digest}` : ''}`);
  } catch (error) {
    console.error(`bump-image: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
