/** Paths of the operator-side configuration this workspace generates and checks. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const OBSERVABILITY_DIR = path.join(REPO_ROOT, 'deploy/observability');
