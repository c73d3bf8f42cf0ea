import { readFile } from 'node:fs/promises';

/**
 * Where a service spent its CPU, from a V8 `.cpuprofile`: self time per function and per area (an npm package, a
 * workspace of this repo, Node's internals, GC, idle), so the report says what to fix without opening DevTools.
 */

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly hitCount?: number;
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples?: readonly number[];
}

export interface SelfTime {
  readonly name: string;
  readonly ms: number;
  readonly percent: number;
}

export interface ProfileSummary {
  readonly process: string;
  readonly file: string;
  /** Wall time covered by the profile. */
  readonly seconds: number;
  /** Time not idle: what the process spent on the CPU (sampled). */
  readonly busySeconds: number;
  readonly byArea: readonly SelfTime[];
  readonly topFunctions: readonly SelfTime[];
}

const IDLE = '(idle)';

/** `…/node_modules/@fastify/ajv-compiler/…` -> `@fastify/ajv-compiler`; `…/packages/messaging/src/…` -> `packages/messaging`. */
export const areaOf = (frame: CallFrame): string => {
  if (frame.url === '') return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  if (frame.url.startsWith('node:')) return 'node internals';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame.url);
  if (modules?.[1]) return modules[1];
  const workspace = /\/((?:packages|services|tools)\/[^/]+)\//.exec(frame.url);
  return workspace?.[1] ?? frame.url;
};

const shortUrl = (url: string): string =>
  url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*?\/((?:packages|services|tools)\/)/, '$1');

const top = (totals: Map<string, number>, busyMs: number, count: number): SelfTime[] =>
  [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, ms]) => ({ name, ms: Math.round(ms), percent: Math.round((ms / busyMs) * 1000) / 10 }));

export const summarizeProfile = async (processName: string, file: string, topCount = 25): Promise<ProfileSummary> => {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const samples = profile.samples?.length ?? profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
  const msPerSample = samples === 0 ? 0 : totalMs / samples;
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let idleMs = 0;
  for (const node of profile.nodes) {
    const ms = (node.hitCount ?? 0) * msPerSample;
    if (ms === 0) continue;
    const area = areaOf(node.callFrame);
    if (area === IDLE) {
      idleMs += ms;
      continue;
    }
    byArea.set(area, (byArea.get(area) ?? 0) + ms);
    const name = `${node.callFrame.functionName || '(anonymous)'} ${shortUrl(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
  }
  const busyMs = Math.max(1, totalMs - idleMs);
  return {
    process: processName,
    file,
    seconds: Math.round(totalMs / 100) / 10,
    busySeconds: Math.round(busyMs / 100) / 10,
    byArea: top(byArea, busyMs, 15),
    topFunctions: top(byFunction, busyMs, topCount),
  };
};
