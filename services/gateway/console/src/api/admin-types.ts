/**
 * The JSON shapes of the admin API (the console's contract with the services, see console-api.md). The console
 * only reads them: the services own the truth, these types say what the pages may rely on.
 */

export type SagaStatus = 'RUNNING' | 'COMPENSATING' | 'COMPLETED' | 'ABORTED';
export type SagaType = 'checkout' | 'cancel-order';
export type StepStatus = 'PENDING' | 'RUNNING' | 'DONE' | 'FAILED' | 'COMPENSATED';
export type Direction = 'FORWARD' | 'COMPENSATION';
export type RepairAction = 'retry-now' | 'force-compensation' | 'mark-compensated';

export const SAGA_STATUSES: readonly SagaStatus[] = ['RUNNING', 'COMPENSATING', 'COMPLETED', 'ABORTED'];
export const SAGA_TYPES: readonly SagaType[] = ['checkout', 'cancel-order'];

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface SagaStep {
  name: string;
  status: StepStatus;
  at: string;
}

export interface Saga {
  sagaId: string;
  type: SagaType;
  orderId: string;
  status: SagaStatus;
  reason?: string;
  steps: SagaStep[];
  createdAt: string;
  updatedAt: string;
}

export interface AdminSaga extends Saga {
  customerId: string;
}

export interface SagaListQuery {
  limit?: number;
  cursor?: string;
  status?: SagaStatus;
  type?: SagaType;
  reason?: string;
  customerId?: string;
  olderThanSeconds?: number;
  newerThanSeconds?: number;
  q?: string;
}

export type SagaCountsQuery = Omit<SagaListQuery, 'status' | 'limit' | 'cursor'>;

export interface SagaStatusCount {
  status: SagaStatus;
  count: number;
  atLeast: boolean;
}

export interface SagaCounts {
  cap: number;
  counts: SagaStatusCount[];
}

export interface TimelineSaga extends AdminSaga {
  currentStep: number;
  stepAttempt: number;
  deadlineAt: string | null;
  finishedAt: string | null;
}

export interface TimelineStep {
  index: number;
  name: string;
  kind: 'compensatable' | 'pivot' | 'retriable';
  status: StepStatus;
  attempts: number;
  compensationAttempts: number;
  updatedAt: string;
}

export interface TimelineCommand {
  messageId: string;
  stepIndex: number;
  stepName: string;
  direction: Direction;
  attempt: number;
  sentAt: string;
  traceId: string | null;
}

export type HistoryEvent = 'started' | 'reply' | 'deadline' | 'repair';

export interface HistoryEntry {
  id: string;
  at: string;
  event: HistoryEvent;
  stepIndex: number | null;
  stepName: string | null;
  direction: Direction | null;
  outcome: string | null;
  messageId: string | null;
  reason: string | null;
  actor: string | null;
  statusBefore: SagaStatus;
  statusAfter: SagaStatus;
  note: string | null;
}

export interface SagaTimeline {
  saga: TimelineSaga;
  steps: TimelineStep[];
  commands: TimelineCommand[];
  history: HistoryEntry[];
  traceId: string | null;
  traceUrl: string | null;
  legalRepairs: RepairAction[];
}

export interface RepairRequest {
  action: RepairAction;
  reason: string;
}

export type ServiceName = 'customer' | 'order' | 'account' | 'orchestrator';
export const SERVICE_NAMES: readonly ServiceName[] = ['customer', 'order', 'account', 'orchestrator'];

export type Transport = 'http' | 'rabbitmq';

export interface DeadLetterItem {
  id: string;
  transport: Transport;
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

export interface DeadLetterQuery {
  limit?: number;
  cursor?: string;
  transport?: Transport;
  includeReplayed?: boolean;
}

export interface ReplayRequest {
  message?: unknown;
}

export type ReplayOutcome = 'processed' | 'duplicate' | 'dead-lettered' | 'retry' | 'republished';

export interface ReplayResult {
  deadLetterId: string;
  outcome: ReplayOutcome;
  messageId?: string;
  type?: string;
  error?: string;
}

export interface ThroughputSample {
  at: string;
  messagesPerSecond: number;
}

export interface ReplicaHealth {
  url: string;
  ready: boolean;
  outboxBacklog: number | null;
  deadLetters: number | null;
  messagesPerSecond: number | null;
  throughput: ThroughputSample[];
  error: string | null;
}

export interface ServiceHealth {
  name: ServiceName;
  replicas: ReplicaHealth[];
}

export interface MessageFlow {
  type: string;
  from: string;
  to: string;
}

export interface RouteFanOut {
  from: 'gateway';
  to: string;
  routes: number;
}

export interface SystemSnapshot {
  sampledAt: string;
  services: ServiceHealth[];
  flows: MessageFlow[];
  routes: RouteFanOut[];
}
