import { readInternalToken } from '@ordering/launcher';
import type { RunningSystem } from './system.js';

/**
 * The token a system's services require on their `/internal/*` routes: the one its launcher generated and keeps in
 * `<dataDir>/internal-token` (the suite starts it without INTERNAL_TOKEN).
 */
export const internalTokenOf = (system: Pick<RunningSystem, 'dataDir'>): string => {
  const token = readInternalToken(system.dataDir);
  if (token === undefined) throw new Error(`the launcher keeps no internal token in ${system.dataDir}`);
  return token;
};
