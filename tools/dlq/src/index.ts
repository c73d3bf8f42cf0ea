/** The CLI as a function (tests and scripts drive it without a process) and its transport-neutral parts. */
export { runDlq, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type DlqIo } from './run-dlq.js';
export { readDlqEnvironment, type DlqEnvironment } from './dlq-config.js';
export type { DeadLetterSource, DeadLetterView, ReplayOutcome } from './dead-letter-source.js';
