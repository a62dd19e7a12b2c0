import { partitionedSubject, STREAM_NAME, Subjects } from '@storebridge/contracts';
import { expectEventually, pollUntil, RunningNatsServer, startNatsServer } from '@storebridge/testing';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, NatsConnection } from 'nats';
import { createMessagingTestApp, MessagingTestApp } from '../test-fixtures/messaging-test.app';
import { durableName } from './consumer-naming';
import { durableConsumerConfig } from './jetstream.config';

const SERVICE = 'crash';
const ACK_WAIT_MS = 2_000;
const MESSAGES = 20;
const connectionId = '7a0e3c51-3b8e-4f4c-9f3e-2a1b0c9d8e7f';
const syncRunId = 'c3d2e1f0-1111-4222-8333-444455556666';
/** The connection's queue: the victim consumes the durable the survivor discovers. */
const PARTITION = partitionedSubject(Subjects.productsChanged, connectionId);

function idsIn(file: string): number[] {
  return existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map(Number)
    : [];
}

describe('JetStream consumer killed with SIGKILL', () => {
  let nats: RunningNatsServer;
  let observer: NatsConnection;
  let workDir: string;
  let child: ChildProcess | undefined;
  const apps: MessagingTestApp[] = [];

  beforeAll(async () => {
    nats = await startNatsServer();
    observer = await connect({ servers: nats.url });
    workDir = mkdtempSync(join(tmpdir(), 'storebridge-crash-'));
  });

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
    }
    await Promise.all(apps.map(({ app }) => app.close()));
    await observer?.close();
    await nats?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('loses nothing: a replica on the same durable gets every unacked message, and no acked one again', async () => {
    const producer = await createMessagingTestApp(
      { serviceName: 'producer', natsUrl: nats.url },
      { consume: false },
    );
    apps.push(producer);
    for (let page = 1; page <= MESSAGES; page += 1) {
      await producer.publisher.publish(Subjects.productsChanged, {
        connectionId,
        syncRunId,
        page,
        products: [],
        deletedIds: [],
      });
    }

    const processedFile = join(workDir, 'processed');
    const ackedFile = join(workDir, 'acked');
    let stderr = '';
    const victim = spawn(process.execPath, [join(__dirname, '../test-fixtures/slow-ack.consumer.js')], {
      env: {
        ...process.env,
        NATS_URL: nats.url,
        STREAM: STREAM_NAME,
        CONSUMER_CONFIG: JSON.stringify(durableConsumerConfig(SERVICE, PARTITION, ACK_WAIT_MS)),
        PROCESSED_FILE: processedFile,
        ACKED_FILE: ackedFile,
        ACK_DELAY_MS: '150',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child = victim;
    victim.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      victim.once('exit', (_code, signal) => resolve(signal)),
    );

    // Kill it mid-work: some messages acked, one being processed, more pulled and waiting in its buffer.
    await pollUntil(
      () => {
        const acked = idsIn(ackedFile).length;
        return acked >= 5 && idsIn(processedFile).length > acked;
      },
      { timeoutMs: 15_000, description: 'the consumer process to be mid-work' },
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}; consumer process stderr: ${stderr}`);
    });
    victim.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const ackedBeforeKill = idsIn(ackedFile);
    const inFlightAtKill = idsIn(processedFile).filter((id) => !ackedBeforeKill.includes(id));
    expect(inFlightAtKill.length).toBeGreaterThan(0);

    const survivor = await createMessagingTestApp({
      serviceName: SERVICE,
      natsUrl: nats.url,
      ackWaitMs: ACK_WAIT_MS,
    });
    apps.push(survivor);
    const seenBySurvivor = (): number[] =>
      survivor.script.completed.map(({ event }) => ('page' in event ? event.page : 0));

    await expectEventually(
      () => {
        const processed = new Set([...ackedBeforeKill, ...seenBySurvivor()]);
        expect([...processed].sort((a, b) => a - b)).toEqual(
          Array.from({ length: MESSAGES }, (_, i) => i + 1),
        );
      },
      { timeoutMs: 20_000 },
    );
    await expectEventually(async () => {
      const info = await observer.jetstream().consumers.get(STREAM_NAME, durableName(SERVICE, PARTITION));
      const { ack_floor, num_ack_pending, num_pending } = await info.info();
      expect([ack_floor.stream_seq, num_ack_pending, num_pending]).toEqual([MESSAGES, 0, 0]);
    });
    expect(seenBySurvivor()).toEqual(expect.arrayContaining(inFlightAtKill));
    expect(seenBySurvivor().filter((id) => ackedBeforeKill.includes(id))).toEqual([]);
  });
});
