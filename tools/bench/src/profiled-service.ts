import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * `npm run bench -- --profile`: the launcher runs this instead of each service's main.ts (LAUNCHER_SERVICE_ENTRY),
 * because it passes no NODE_OPTIONS to services, so `--cpu-prof` cannot reach them. It starts V8's sampling CPU
 * profiler in-process, then runs the real service; when the process exits (graceful SIGTERM included) it writes
 * `<service>-<port>-<pid>.cpuprofile` to TMPDIR, which the bench points at a directory of its own.
 */

const service = process.env.SERVICE_NAME;
if (!service || !/^[a-z]+$/.test(service))
  throw new Error(`profiled-service: SERVICE_NAME must name a service, got ${JSON.stringify(service)}`);

const session = new Session();
session.connect();
session.post('Profiler.enable');
// 1 ms sampling instead of the default 0.1 ms: far less overhead on two busy cores, plenty of samples in 30 s.
session.post('Profiler.setSamplingInterval', { interval: 1000 });
session.post('Profiler.start');

// The in-process inspector answers synchronously, so the profile is written even from an 'exit' listener.
process.on('exit', () => {
  session.post('Profiler.stop', (error, result) => {
    if (error) return;
    const file = path.join(os.tmpdir(), `${service}-${process.env.PORT ?? 'x'}-${process.pid}.cpuprofile`);
    writeFileSync(file, JSON.stringify(result.profile));
  });
});

await import(pathToFileURL(path.resolve(`services/${service}/src/main.ts`)).href);
