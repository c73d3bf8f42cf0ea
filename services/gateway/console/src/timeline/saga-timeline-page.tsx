import { useState } from 'react';
import type { ApiClient } from '../api/api-client.js';
import type { SagaTimeline } from '../api/admin-types.js';
import { Link } from '../shell/link.js';
import { problemText } from '../ui/problem-text.js';
import { StatusBadge } from '../ui/status-badge.js';
import { usePolling } from '../ui/use-polling.js';
import { SagaCommands } from './saga-commands.js';
import { SagaFacts } from './saga-facts.js';
import { SagaHistory } from './saga-history.js';
import { SagaRepairs } from './saga-repairs.js';
import { SagaSteps } from './saga-steps.js';

const POLL_MS = 2000;

export function SagaTimelinePage({ api, sagaId }: { api: ApiClient; sagaId: string }) {
  const polled = usePolling(() => api.get<SagaTimeline>(`/api/admin/sagas/${encodeURIComponent(sagaId)}`), POLL_MS, [api, sagaId]);
  // A repair answers with the timeline after it: shown at once, until the next poll brings a newer one.
  const [repaired, setRepaired] = useState<SagaTimeline | undefined>();
  const timeline = newest(polled.data, repaired);

  return (
    <>
      <p>
        <Link to="/">← Sagas</Link>
      </p>
      <div className="page-heading">
        <h1 className="id-heading">Saga {sagaId}</h1>
        {timeline && <StatusBadge status={timeline.saga.status} />}
      </div>
      {polled.error && (
        <p role="alert" className="error-text">
          {problemText(polled.error)}
        </p>
      )}
      {!timeline && !polled.error && <p className="muted">Loading…</p>}
      {timeline && (
        <>
          <SagaFacts timeline={timeline} />
          <SagaRepairs
            api={api}
            timeline={timeline}
            onRepaired={(after) => {
              setRepaired(after);
              polled.refresh();
            }}
          />
          <SagaSteps steps={timeline.steps} currentStep={timeline.saga.currentStep} />
          <SagaCommands commands={timeline.commands} />
          <SagaHistory history={timeline.history} />
        </>
      )}
    </>
  );
}

const newest = (polled: SagaTimeline | undefined, repaired: SagaTimeline | undefined): SagaTimeline | undefined => {
  if (!polled || !repaired) return polled ?? repaired;
  return repaired.history.length > polled.history.length ? repaired : polled;
};
