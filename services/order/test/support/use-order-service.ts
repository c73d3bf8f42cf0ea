import { useStarted } from '@ordering/testing';
import { participantOf, type OrderParticipant } from './order-participant.js';
import { startOrderService, type OrderServiceUnderTest, type OrderServiceOptions } from './order-service.js';

/** The order service for the enclosing suite: started before its tests on a database of its own, closed after them. */
export const useOrderService = (options: OrderServiceOptions = {}): OrderServiceUnderTest =>
  useStarted(
    () => startOrderService(options),
    (service) => service.close(),
  );

/** The service, and the saga participant inside it driven as the orchestrator drives it. */
export const useOrderParticipant = (
  options: OrderServiceOptions = {},
): { service: OrderServiceUnderTest; participant: OrderParticipant } => {
  const service = useOrderService(options);
  const participant = useStarted(async () => participantOf(service));
  return { service, participant };
};
