/** The shape of GET /api/admin/system (console-api.md); the integrator may fold it into admin-types.ts. */

export type ServiceName = 'customer' | 'order' | 'account' | 'orchestrator';

export interface ThroughputSample {
  at: string;
  messagesPerSecond: number;
}

export interface ReplicaStatus {
  url: string;
  ready: boolean;
  outboxBacklog: number | null;
  deadLetters: number | null;
  messagesPerSecond: number | null;
  throughput: ThroughputSample[];
  error: string | null;
}

export interface ServiceStatus {
  name: ServiceName;
  replicas: ReplicaStatus[];
}

export interface MessageFlow {
  type: string;
  from: string;
  to: string;
}

export interface RouteCount {
  from: 'gateway';
  to: string;
  routes: number;
}

export interface SystemSnapshot {
  sampledAt: string;
  services: ServiceStatus[];
  flows: MessageFlow[];
  routes: RouteCount[];
}
