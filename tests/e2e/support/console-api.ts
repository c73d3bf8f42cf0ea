import { PUBLIC_ROUTES } from '@ordering/contracts';
import type { ApiClient, Page, Saga } from './api-client.js';
import { describeResponse } from './expectations.js';

/**
 * The console's admin API (issue 13) as the browser tests read it: the shapes of the shared contract and a few calls,
 * so a test can learn through the API what it then expects to see on the page.
 */

export type SagaRepairAction = 'retry-now' | 'force-compensation' | 'mark-compensated';

export type AdminSaga = Saga & { customerId: string };

export interface SagaTimeline {
  saga: AdminSaga & { currentStep: number; stepAttempt: number; deadlineAt: string | null; finishedAt: string | null };
  steps: Array<{
    index: number;
    name: string;
    kind: 'compensatable' | 'pivot' | 'retriable';
    status: string;
    attempts: number;
    compensationAttempts: number;
    updatedAt: string;
  }>;
  commands: Array<{
    messageId: string;
    stepIndex: number;
    stepName: string;
    direction: 'FORWARD' | 'COMPENSATION';
    attempt: number;
    sentAt: string;
    traceId: string | null;
  }>;
  history: Array<{
    id: string;
    at: string;
    event: 'started' | 'reply' | 'deadline' | 'repair';
    stepIndex: number | null;
    stepName: string | null;
    direction: 'FORWARD' | 'COMPENSATION' | null;
    outcome: string | null;
    messageId: string | null;
    reason: string | null;
    actor: string | null;
    statusBefore: string;
    statusAfter: string;
    note: string | null;
  }>;
  traceId: string | null;
  traceUrl: string | null;
  legalRepairs: SagaRepairAction[];
}

export type DeadLetterTransport = 'http' | 'rabbitmq';

export interface DeadLetterItem {
  id: string;
  transport: DeadLetterTransport;
  service: string;
  queue: string;
  messageId: string | null;
  messageType: string | null;
  error: string;
  attempts: number;
  deadAt: string | null;
  replayedAt: string | null;
  message: unknown;
}

/** `GET /api/admin/sagas/:sagaId`; throws with the answer unless it is a 200. */
export const sagaTimeline = async (api: ApiClient, token: string, sagaId: string): Promise<SagaTimeline> => {
  const response = await api.get<SagaTimeline>(`/api/admin/sagas/${sagaId}`, { token });
  if (response.status !== 200) throw new Error(describeResponse(response));
  return response.body;
};

/** The first page of a service's dead letters (both transports), as the console's Dead letters page asks for it. */
export const deadLettersOf = async (
  api: ApiClient,
  token: string,
  service: string,
  options: { includeReplayed?: boolean } = {},
): Promise<DeadLetterItem[]> => {
  const query = `limit=100${options.includeReplayed ? '&includeReplayed=true' : ''}`;
  const response = await api.get<Page<DeadLetterItem>>(`/api/admin/${service}/dead-letters?${query}`, { token });
  if (response.status !== 200) throw new Error(describeResponse(response));
  return response.body.items;
};

export interface AdminRequest {
  readonly method: string;
  readonly path: string;
  readonly json?: unknown;
}

/** A well-formed value for each path parameter of the admin routes: the edge and the role check come before any lookup. */
const PARAMETER_VALUES: Readonly<Record<string, string>> = {
  sagaId: '00000000-0000-4000-8000-000000000000',
  transport: 'http',
  id: '00000000-0000-4000-8000-000000000000',
};

const BODIES: Readonly<Record<string, unknown>> = {
  repairs: { action: 'retry-now', reason: 'a browser test asks' },
  replay: {},
};

/** Every admin route of the console's API (the system map's, and the gateway's own /api/admin/system), ready to send. */
export const adminRequests = (): AdminRequest[] => {
  const routes = PUBLIC_ROUTES.filter((route) => route.url.startsWith('/api/admin/'));
  const fromMap = routes.map((route): AdminRequest => {
    const path = route.url.replace(/:([A-Za-z]+)/g, (_, name: string) => PARAMETER_VALUES[name] ?? name);
    const body = route.method === 'POST' ? BODIES[path.split('/').at(-1) ?? ''] : undefined;
    return { method: route.method, path, ...(body === undefined ? {} : { json: body }) };
  });
  return [...fromMap, { method: 'GET', path: '/api/admin/system' }];
};
