import { describe, expect, it } from 'vitest';
import {
  BACKEND_SERVICES,
  DEFAULT_PORTS,
  GATEWAY_METRICS_PORT,
  messageFlows,
  PUBLIC_ROUTES,
  publicRouteKey,
  replicaPort,
  SYSTEM_SERVICES,
} from '../src/index.js';

describe('system map', () => {
  it('when the default ports are read, then every process has its own and replicas step by 10', () => {
    expect(DEFAULT_PORTS).toEqual({ gateway: 8080, customer: 8081, order: 8082, account: 8083, orchestrator: 8084 });
    expect(GATEWAY_METRICS_PORT).toBe(9090);
    expect(new Set([...Object.values(DEFAULT_PORTS), GATEWAY_METRICS_PORT]).size).toBe(SYSTEM_SERVICES.length + 1);
    expect(replicaPort(DEFAULT_PORTS.order, 2)).toBe(8102);
  });

  it('when public routes are listed, then each goes to a backend service and none is listed twice', () => {
    const keys = PUBLIC_ROUTES.map(publicRouteKey);
    expect(new Set(keys).size).toBe(keys.length);
    for (const route of PUBLIC_ROUTES) expect(BACKEND_SERVICES).toContain(route.upstream);
    expect(PUBLIC_ROUTES.find((route) => route.url === '/api/orders/:id/cancel')?.upstream).toBe('orchestrator');
  });

  it('when message flows are derived from the catalog, then they name who sends what to whom, between backend services only', () => {
    const flows = messageFlows();
    expect(flows).toContainEqual({ type: 'account.DebitAccount.v1', from: 'orchestrator', to: 'account' });
    expect(flows).toContainEqual({ type: 'account.DebitAccountReply.v1', from: 'account', to: 'orchestrator' });
    expect(flows).toContainEqual({ type: 'customer.CustomerRegistered.v1', from: 'customer', to: 'account' });
    for (const flow of flows) {
      expect(BACKEND_SERVICES).toContain(flow.from);
      expect(BACKEND_SERVICES).toContain(flow.to);
    }
    expect(flows.some((flow) => flow.to === 'customer')).toBe(false);
  });
});
