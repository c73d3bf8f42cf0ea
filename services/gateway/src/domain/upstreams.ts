/** The services the gateway routes to. Each is one or more replicas behind a round-robin pool. */
export const UPSTREAM_NAMES = ['customer', 'order', 'account', 'orchestrator'] as const;

export type UpstreamName = (typeof UPSTREAM_NAMES)[number];
