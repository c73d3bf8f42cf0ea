import { DEFAULT_PORTS, peerUrlVariable, type BackendService } from '@ordering/contracts';
import { Type } from 'typebox';
import { ConfigError } from './load-config.js';

/**
 * The peers a service may call are the system map's backend services. Each peer is a comma-separated list of replica
 * base URLs; every entry is checked below, for a clear message.
 */
export const peerEnv = (...peers: BackendService[]) =>
  Object.fromEntries(
    peers.map((peer) => [peerUrlVariable(peer), Type.String({ minLength: 1, default: `http://127.0.0.1:${DEFAULT_PORTS[peer]}` })]),
  );

/** Returns the replica origins, or the reason the list is unusable. */
const parseReplicaList = (raw: string): string[] | string => {
  const entries = raw.split(',').map((entry) => entry.trim());
  if (entries.some((entry) => entry === '')) return 'must be a comma-separated list of URLs without empty entries';
  const origins: string[] = [];
  for (const entry of entries) {
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      return `${JSON.stringify(entry)} is not a URL`;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${JSON.stringify(entry)} must use http or https`;
    // Paths are appended to the origin as they are, so a base path would silently be dropped: refuse it.
    if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
      return `${JSON.stringify(entry)} must be a bare origin such as http://127.0.0.1:${DEFAULT_PORTS.customer}`;
    }
    origins.push(url.origin);
  }
  return origins;
};

/** The replica origins of each peer, from values parsed with `peerEnv`; throws one ConfigError listing every bad list. */
export const readPeerUrls = <P extends BackendService>(
  values: Record<string, unknown>,
  peers: readonly P[],
): Readonly<Record<P, string[]>> => {
  const problems: string[] = [];
  const urls = {} as Record<P, string[]>;
  for (const peer of peers) {
    const variable = peerUrlVariable(peer);
    const raw = String(values[variable] ?? '');
    const replicas = parseReplicaList(raw);
    if (typeof replicas === 'string') problems.push(`${variable}=${JSON.stringify(raw)} is invalid: ${replicas}`);
    else urls[peer] = Object.freeze(replicas) as string[];
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(urls);
};
