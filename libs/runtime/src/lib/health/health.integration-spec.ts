import { ConsoleLogger, INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { MessagingTransport } from '@storebridge/messaging';
import {
  createTestDatabase,
  pollUntil,
  RunningNatsServer,
  startNatsServer,
  TestDatabase,
} from '@storebridge/testing';
import { Client } from 'pg';
import { ServiceRuntimeModule } from '../service-runtime.module';
import { localUrl } from '../start-service';

const CREDENTIALS_KEY = 'a'.repeat(64);
/** The bus reconnects every 2 s or so; a restarted server is found within a few attempts. */
const RECOVERY_MS = 20_000;

/** Runs SQL as the superuser on the server of `database`, outside the database itself. */
async function asAdmin(database: TestDatabase, sql: string): Promise<void> {
  const adminUrl = new URL(database.url);
  adminUrl.pathname = '/postgres';
  const client = new Client({ connectionString: adminUrl.toString() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

// Its own database (it is cut off below) and its own nats-server, stopped and restarted on the same port with
// the same JetStream store, as a broker restart would.
describe('health probes against PostgreSQL and nats-server', () => {
  let nats: RunningNatsServer;
  let database: TestDatabase;
  let databaseName: string;
  let app: INestApplication;
  let url: string;

  const statusOf = async (path: string) => (await fetch(`${url}${path}`)).status;
  const reportOf = async (path: string): Promise<unknown> => (await fetch(`${url}${path}`)).json();

  beforeAll(async () => {
    [nats, database] = await Promise.all([startNatsServer(), createTestDatabase()]);
    databaseName = new URL(database.url).pathname.slice(1);
    const moduleRef = await Test.createTestingModule({
      imports: [
        ServiceRuntimeModule.forRoot({
          serviceName: 'health',
          env: {
            DATABASE_URL: database.url,
            DATA_DIR: './data',
            NATS_URL: nats.url,
            LOG_LEVEL: 'log',
            CREDENTIALS_KEY,
          },
        }),
      ],
    })
      .setLogger(new ConsoleLogger({ logLevels: ['error'] }))
      .compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.connectMicroservice({ strategy: app.get(MessagingTransport) });
    await app.startAllMicroservices();
    await app.listen(0, '127.0.0.1');
    url = localUrl(app);
  });

  afterAll(async () => {
    await app?.close();
    await nats?.stop();
    await database?.drop();
  });

  it('is ready on /health/ready and on /health once the database and the bus are up', async () => {
    expect(await statusOf('/health/ready')).toBe(200);
    expect(await reportOf('/health')).toEqual({
      status: 'ok',
      info: { database: { status: 'up' }, messaging: { status: 'up', connection: 'connected' } },
      error: {},
      details: { database: { status: 'up' }, messaging: { status: 'up', connection: 'connected' } },
    });
    expect(await statusOf('/health/live')).toBe(200);
  });

  it('is not ready while nats-server is down, stays live, and is ready again once it is back', async () => {
    await nats.halt();

    await pollUntil(async () => (await statusOf('/health/ready')) === 503, {
      description: 'ready to be 503',
    });
    expect(await reportOf('/health')).toMatchObject({
      status: 'error',
      info: { database: { status: 'up' } },
      error: { messaging: { status: 'down' } },
    });
    expect(await statusOf('/health/live')).toBe(200);

    await nats.restart();
    await pollUntil(async () => (await statusOf('/health/ready')) === 200, {
      timeoutMs: RECOVERY_MS,
      description: 'ready to be 200 after the restart',
    });
  });

  it('is not ready while the database refuses connections, stays live, and is ready again once it accepts them', async () => {
    await asAdmin(database, `ALTER DATABASE "${databaseName}" ALLOW_CONNECTIONS false`);
    await asAdmin(
      database,
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${databaseName}'`,
    );

    await pollUntil(async () => (await statusOf('/health/ready')) === 503, {
      description: 'ready to be 503',
    });
    expect(await reportOf('/health/ready')).toMatchObject({
      status: 'error',
      info: { messaging: { status: 'up' } },
      error: { database: { status: 'down' } },
    });
    expect(await statusOf('/health/live')).toBe(200);

    await asAdmin(database, `ALTER DATABASE "${databaseName}" ALLOW_CONNECTIONS true`);
    await pollUntil(async () => (await statusOf('/health/ready')) === 200, {
      timeoutMs: RECOVERY_MS,
      description: 'ready to be 200 once the database accepts connections',
    });
  });
});
