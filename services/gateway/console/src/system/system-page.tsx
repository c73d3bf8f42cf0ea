import { useMemo } from 'react';
import type { ApiClient } from '../api/api-client.js';
import { usePolling } from '../ui/use-polling.js';
import { totalRate } from './format-rate.js';
import { layoutGraph } from './graph-layout.js';
import { ReplicaCard } from './replica-card.js';
import { SystemGraph } from './system-graph.js';
import type { SystemSnapshot } from '../api/admin-types.js';
import './system.css';

const POLL_MS = 5_000;

const ratesOf = (snapshot: SystemSnapshot): Record<string, number | null> =>
  Object.fromEntries(snapshot.services.map((service) => [service.name, totalRate(service.replicas.map((r) => r.messagesPerSecond))]));

export function SystemPage({ api }: { api: ApiClient }) {
  const polling = usePolling(() => api.get<SystemSnapshot>('/api/admin/system'), POLL_MS, [api]);
  const snapshot = polling.data;
  const rates = useMemo(() => (snapshot ? ratesOf(snapshot) : {}), [snapshot]);
  const layout = useMemo(
    () =>
      snapshot
        ? layoutGraph(
            snapshot.services.map((service) => service.name),
            snapshot.flows,
            snapshot.routes,
            rates,
          )
        : undefined,
    [snapshot, rates],
  );

  return (
    <div className="page system-page">
      <h1>System</h1>
      {snapshot && <p className="muted">Sampled at {new Date(snapshot.sampledAt).toLocaleString()}</p>}
      {polling.error && (
        <p role="alert" className="error-text">
          Could not load the system: {polling.error.message}
        </p>
      )}
      {!snapshot && !polling.error && <p className="muted">Loading the system…</p>}
      {layout && <SystemGraph layout={layout} rates={rates} />}
      {snapshot && (
        <div className="service-cards">
          {snapshot.services.map((service) => (
            <ReplicaCard key={service.name} service={service} />
          ))}
        </div>
      )}
    </div>
  );
}
