import { deadLetterAdminPath, type BackendService } from '@ordering/contracts';
import { authenticate, notFound, type HttpServer, type TokenVerifier } from '@ordering/platform';
import {
  DeadLetterItem,
  DeadLetterItemPage,
  DeadLetterListQuery,
  DeadLetterParams,
  DeadLetterReplayBody,
  DeadLetterReplayResult,
} from './dead-letter-admin-schemas.js';
import { findDeadLetterItem, listDeadLetterItems, replayDeadLetterItem, type AdminDeadLettersDeps } from './admin-dead-letters.js';

export interface AdminDeadLetterRoutesDeps extends AdminDeadLettersDeps {
  /** Verifies the caller's user token: these routes are for admins, through the gateway. */
  verifier: TokenVerifier;
}

const TAGS = ['admin'];
const SECURITY = [{ bearerAuth: [] }];

const absent = () => notFound('No dead letter with this id');

/**
 * The console's view of this service's dead letters on both transports: its `dead_letters` table and, when it runs
 * on RabbitMQ, its DLQs. Admins only, with their user token; the operator-token routes under /internal stay as they are.
 */
export const registerAdminDeadLetterRoutes = (app: HttpServer, deps: AdminDeadLetterRoutesDeps): void => {
  const path = deadLetterAdminPath(deps.service as BackendService);
  const onRequest = authenticate(deps.verifier, ['admin']);

  app.get(
    path,
    {
      onRequest,
      schema: {
        tags: TAGS,
        summary: "This service's dead letters, newest first: its table's page and, on the first page, what its DLQs hold",
        security: SECURITY,
        querystring: DeadLetterListQuery,
        response: { 200: DeadLetterItemPage },
      },
    },
    async (request) => listDeadLetterItems(deps, request.query),
  );

  app.get(
    `${path}/:transport/:id`,
    {
      onRequest,
      schema: {
        tags: TAGS,
        summary: 'Show one dead letter',
        security: SECURITY,
        params: DeadLetterParams,
        response: { 200: DeadLetterItem },
      },
    },
    async (request) => {
      const item = await findDeadLetterItem(deps, request.params.transport, request.params.id);
      if (!item) throw absent();
      return item;
    },
  );

  app.post(
    `${path}/:transport/:id/replay`,
    {
      onRequest,
      schema: {
        tags: TAGS,
        summary: 'Replay a dead letter, optionally as a repaired envelope (a DLQ message is republished to its consumer queue)',
        security: SECURITY,
        params: DeadLetterParams,
        body: DeadLetterReplayBody,
        response: { 200: DeadLetterReplayResult },
      },
    },
    async (request) => {
      const { transport, id } = request.params;
      const result = await replayDeadLetterItem(deps, transport, id, request.body?.message);
      if (!result) throw absent();
      return result;
    },
  );
};
