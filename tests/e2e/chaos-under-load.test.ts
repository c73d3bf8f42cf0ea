import { describeLoadUnderDisruption, killWithSigkill } from './support/load-under-disruption.js';

/**
 * kill -9 under load: every supervised process (each replica of each service, the gateway, and the embedded
 * PostgreSQL when there is one) is killed in turn while checkouts stream in, and the launcher brings it back.
 */
describeLoadUnderDisruption({
  title: 'kill -9 of every process under a steady checkout load',
  scenario:
    'when load runs while every process (each service replica, the gateway, the embedded postgres) is killed with SIGKILL in turn, then the launcher restarts each one and checkouts keep being accepted',
  disruptions: (system) => {
    const names = system.state().processes.map((entry) => entry.name);
    // Services first, the gateway and the database last: each kill then lands in a stream that the others carry.
    const order = (name: string): number => (name === 'postgres' ? 2 : name === 'gateway' ? 1 : 0);
    if (system.externalPostgres) console.log('load: running on TEST_DATABASE_URL, so postgres is not killed');
    return names
      .filter((name) => name !== 'postgres' || !system.externalPostgres)
      .sort((a, b) => order(a) - order(b))
      .map(killWithSigkill);
  },
});
