import { formatCount, formatRate } from './format-rate.js';
import { Sparkline } from './sparkline.js';
import type { ReplicaHealth, ServiceHealth } from '../api/admin-types.js';

/** One service and each of its replicas, as the gateway last sampled them. */
export function ReplicaCard({ service }: { service: ServiceHealth }) {
  return (
    <section className="card service-card" aria-labelledby={`service-${service.name}`}>
      <h2 id={`service-${service.name}`}>{service.name}</h2>
      {service.replicas.length === 0 && <p className="muted">No replicas.</p>}
      <ul className="replica-list">
        {service.replicas.map((replica) => (
          <Replica key={replica.url} replica={replica} />
        ))}
      </ul>
    </section>
  );
}

function Replica({ replica }: { replica: ReplicaHealth }) {
  return (
    <li className="replica">
      <div className="replica-head">
        <span className="replica-url">{replica.url}</span>
        <span className={`badge ${replica.ready ? 'badge-completed' : 'badge-aborted'}`}>{replica.ready ? 'ready' : 'not ready'}</span>
      </div>
      <dl className="replica-facts">
        <div>
          <dt>Outbox backlog</dt>
          <dd>{formatCount(replica.outboxBacklog)}</dd>
        </div>
        <div>
          <dt>Dead letters</dt>
          <dd>{formatCount(replica.deadLetters)}</dd>
        </div>
        <div>
          <dt>Messages/s</dt>
          <dd>{formatRate(replica.messagesPerSecond)}</dd>
        </div>
      </dl>
      <Sparkline samples={replica.throughput} label={`Throughput of ${replica.url}, last 5 minutes`} />
      {replica.error && <p className="error-text">{replica.error}</p>}
    </li>
  );
}
