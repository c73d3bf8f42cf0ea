import { MessageTypes } from '@ordering/contracts';
import { describe, expect, it } from 'vitest';
import { aCheckout } from './builders.js';
import { useSagaTestBed, RETRY_BACKOFF_MS } from './support/saga-test-bed.js';
import { silent } from './support/simulated-participants.js';

const bed = useSagaTestBed();

const SAGAS = 24;

describe('two sweepers at once (two orchestrator replicas)', () => {
  it('when two sweepers pass over the same due sagas at the same time, then each saga is resent exactly once per pass', async () => {
    bed.participants.script(MessageTypes.CreatePendingOrder, silent());
    const starter = bed.newEngine();
    const checkouts = Array.from({ length: SAGAS }, () => aCheckout());
    for (const checkout of checkouts) await bed.database.db.transaction((tx) => starter.start(tx, checkout));
    await bed.participants.runUntilQuiet(starter);

    // Small batches on two pools, so the sweepers interleave and meet on locked rows.
    const replicas = [bed.connectReplica(), bed.connectReplica()];
    const sweepers = replicas.map(() => bed.newEngine({ sweepBatchSize: 3 }));

    for (let pass = 1; pass <= 2; pass += 1) {
      bed.clock.advance(RETRY_BACKOFF_MS + 1);
      const results = await Promise.all(sweepers.map((engine, index) => engine.sweep(replicas[index]!.db)));

      expect(results.reduce((sum, result) => sum + result.resent, 0)).toBe(SAGAS);
      expect(results.reduce((sum, result) => sum + result.failed, 0)).toBe(0);
      for (const checkout of checkouts) {
        expect((await bed.outboxOf(checkout.sagaId)).length).toBe(pass + 1);
        expect(await bed.readSaga(checkout.sagaId)).toMatchObject({ status: 'RUNNING', stepAttempt: pass + 1 });
      }
    }
  });
});
