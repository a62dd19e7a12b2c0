import { pollUntil, RunningNatsServer, startNatsServer } from '@storebridge/testing';
import { ChildProcess, spawn } from 'node:child_process';
import { createMessagingTestApp, MessagingTestApp } from '../test-fixtures/messaging-test.app';
import { MessagingTransport, MessagingTransportStatus } from './messaging.transport';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// The server's own stop() deletes its JetStream store; a restart keeps it, as a broker restart would.
describe('JetStream transport status through a nats-server outage', () => {
  let nats: RunningNatsServer;
  let restarted: ChildProcess | undefined;
  let harness: MessagingTestApp | undefined;
  const statuses: MessagingTransportStatus[] = [];

  beforeAll(async () => {
    nats = await startNatsServer();
  });

  afterAll(async () => {
    await harness?.app.close();
    if (restarted && restarted.exitCode === null) {
      const exited = new Promise((resolve) => restarted?.once('exit', resolve));
      restarted.kill('SIGTERM');
      await exited;
    }
    await nats?.stop();
  });

  it('leaves connected while the server is down and comes back once it is up again', async () => {
    harness = await createMessagingTestApp({ serviceName: 'status', natsUrl: nats.url });
    harness.app.get(MessagingTransport).status.subscribe((status) => statuses.push(status));
    expect(statuses).toEqual(['connected']);

    process.kill(nats.pid, 'SIGTERM');
    await pollUntil(() => !isRunning(nats.pid), { description: 'nats-server to stop' });
    await pollUntil(() => statuses.at(-1) !== 'connected', { description: 'the status to leave connected' });
    expect(['disconnected', 'reconnecting']).toContain(statuses.at(-1));

    restarted = spawn(
      process.env['NATS_SERVER_BIN'] ?? 'nats-server',
      ['-js', '-a', '127.0.0.1', '-p', String(nats.port), '-sd', nats.storeDir],
      { stdio: 'ignore' },
    );
    await pollUntil(() => statuses.at(-1) === 'connected', {
      timeoutMs: 20_000,
      description: 'the status to be connected again',
    });
  });
});
