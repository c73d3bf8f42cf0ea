import { BACKEND_SERVICES, type BackendService } from '@ordering/contracts';

/** The services the gateway routes to (the system map's backend services). Each is one or more replicas behind a round-robin pool. */
export const UPSTREAM_NAMES = BACKEND_SERVICES;

export type UpstreamName = BackendService;
