import type { Logger } from '@ordering/platform';
import { request, type Dispatcher } from 'undici';
import { mergeOpenApiDocuments, type OpenApiDocument, type ServiceDocument } from '../domain/merge-openapi-documents.js';
import type { UpstreamPool } from './upstream-pool.js';

const FETCH_TIMEOUT_MS = 3000;

const API_INFO: OpenApiDocument['info'] = {
  title: 'Ordering API',
  description: "The public API of the ordering backend, served by the gateway. Generated from every service's own document.",
  version: '0.1.0',
};

export interface OpenApiDocuments {
  /** The merged document: cached once every service contributed, rebuilt on each call until then. */
  get(): Promise<OpenApiDocument>;
}

const fetchJson = async (client: Dispatcher, url: string): Promise<unknown> => {
  const { statusCode, body } = await request(url, {
    dispatcher: client,
    headersTimeout: FETCH_TIMEOUT_MS,
    bodyTimeout: FETCH_TIMEOUT_MS,
    headers: { accept: 'application/json' },
  });
  if (statusCode !== 200) {
    await body.dump();
    throw new Error(`answered ${statusCode}`);
  }
  return body.json();
};

export const createOpenApiDocuments = (pools: readonly UpstreamPool[], client: Dispatcher, logger: Logger): OpenApiDocuments => {
  let complete: OpenApiDocument | undefined;
  let inFlight: Promise<OpenApiDocument> | undefined;

  /** Any one replica's document will do: replicas run the same code. */
  const fetchServiceDocument = async (pool: UpstreamPool): Promise<ServiceDocument | undefined> => {
    for (const { origin } of pool.nextRound()) {
      try {
        return { service: pool.name, document: await fetchJson(client, `${origin}/docs/json`) };
      } catch (error) {
        logger.warn({ upstream: pool.name, replica: origin, err: error }, 'could not fetch the OpenAPI document');
      }
    }
    return undefined;
  };

  const build = async (): Promise<OpenApiDocument> => {
    const fetched = await Promise.all(pools.map(fetchServiceDocument));
    const available = fetched.filter((document): document is ServiceDocument => document !== undefined);
    const merged = mergeOpenApiDocuments(available, API_INFO);
    // A partial document is served but not kept, so a service that was down appears once it is back.
    if (available.length === pools.length) complete = merged;
    return merged;
  };

  return {
    get() {
      if (complete) return Promise.resolve(complete);
      // Concurrent first requests share one round of fetches.
      inFlight ??= build().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
  };
};
