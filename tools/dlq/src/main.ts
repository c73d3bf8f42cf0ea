import { readDlqEnvironment } from './dlq-config.js';
import { runDlq } from './run-dlq.js';

// Let stdout drain (a long --json list piped into jq) instead of calling process.exit().
process.exitCode = await runDlq(process.argv.slice(2), readDlqEnvironment(), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdin: () => process.stdin,
});
