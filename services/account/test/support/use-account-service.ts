import { useStarted } from '@ordering/testing';
import { participantOf, type AccountParticipant } from './account-participant.js';
import { startAccountService, type AccountServiceUnderTest } from './account-service.js';

/** The account service for the enclosing suite: started before its tests on a database of its own, closed after them. */
export const useAccountService = (): AccountServiceUnderTest => useStarted(startAccountService, (service) => service.close());

/** The service, and the saga participant inside it driven as the orchestrator drives it. */
export const useAccountParticipant = (): { service: AccountServiceUnderTest; participant: AccountParticipant } => {
  const service = useAccountService();
  const participant = useStarted(async () => participantOf(service));
  return { service, participant };
};
