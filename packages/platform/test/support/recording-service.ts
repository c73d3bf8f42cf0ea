/**
 * A service process for start-service.test.ts: started like every service's main.ts, with parts that only say on
 * stdout when they open, start and stop, so the test can read the order from outside.
 */
import { Type } from 'typebox';
import { createHttpServer, parseConfig, readServiceSettings, serviceEnv, startService, type ServicePart } from '../../src/index.js';

const RecordingEnv = Type.Object({
  ...serviceEnv(8099),
  /** Comma-separated part names, used in this order; a part named `failing` throws while it opens. */
  PARTS: Type.String({ default: 'first,second' }),
});

const readConfig = () => {
  const values = parseConfig(RecordingEnv, process.env);
  return Object.freeze({ ...readServiceSettings(values), parts: values.PARTS.split(',') });
};

const record = (event: string): void => void process.stdout.write(`part ${event}\n`);

const recordingPart = (name: string): ServicePart<string> => ({
  name,
  open: () => {
    if (name === 'failing') throw new Error('the failing part could not open');
    record(`${name} opened`);
    return name;
  },
  start: () => record(`${name} started`),
  stop: async () => record(`${name} stopped`),
});

await startService({
  service: 'recording',
  readConfig,
  assemble: async ({ config, logger, metrics, use }) => {
    for (const name of config.parts) await use(recordingPart(name));
    const app = await createHttpServer({ service: 'recording', logger, metrics, readiness: [] });
    app.addHook('onClose', async () => record('http closed'));
    return app;
  },
});
