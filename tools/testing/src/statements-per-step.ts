/** BEGIN and COMMIT: the consumer runtime's, not the step's own. */
const TRANSACTION_STATEMENTS = 2;

/**
 * Counts what one step costs in round trips to PostgreSQL (issue 10): the statements `run` makes the pool send, without
 * its transaction's BEGIN and COMMIT.
 */
export const statementsPerStep =
  <Step>(statementsSent: () => Promise<number>, run: (step: Step) => Promise<unknown>) =>
  async (step: Step): Promise<number> => {
    const before = await statementsSent();
    await run(step);
    return (await statementsSent()) - before - TRANSACTION_STATEMENTS;
  };
