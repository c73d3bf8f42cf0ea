import { stoppedAfterEachTest, useStarted, useStartedPerTest } from '@ordering/testing';
import { beforeEach } from 'vitest';
import { startGateway, type GatewayHarness, type HarnessOptions } from './gateway-harness.js';
import { startUpstream } from './upstream-server.js';

const forgetReceived = (gateway: GatewayHarness): void => {
  for (const upstream of Object.values(gateway.upstreams)) upstream.received.length = 0;
};

/** One gateway for the enclosing suite; every test starts with echo servers that have received nothing yet. */
export const useGateway = (options: HarnessOptions = {}): GatewayHarness => {
  const gateway = useStarted(
    () => startGateway(options),
    (started) => started.close(),
  );
  beforeEach(() => forgetReceived(gateway));
  return gateway;
};

/** A fresh gateway for every test, for state (rate-limit counters, documents) no test may leave to the next. */
export const useGatewayPerTest = (options: HarnessOptions = {}): GatewayHarness =>
  useStartedPerTest(
    () => startGateway(options),
    (started) => started.close(),
  );

/** For tests that start a gateway of their own settings: it is closed after each test. */
export const useGatewayStarter = () => stoppedAfterEachTest(startGateway, (gateway) => gateway.close());

/** For tests that need upstreams beyond the standard four (extra replicas): they are closed after each test. */
export const useUpstreamStarter = () => stoppedAfterEachTest(startUpstream, (upstream) => upstream.close());
