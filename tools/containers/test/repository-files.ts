import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export const readRepositoryFile = (path: string): string => readFileSync(`${REPO_ROOT}${path}`, 'utf8');
