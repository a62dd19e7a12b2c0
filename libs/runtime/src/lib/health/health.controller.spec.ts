import { Global, Module, ServiceUnavailableException } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { HealthCheckResult } from '@nestjs/terminus';
import { MessagingTransport, type MessagingTransportStatus } from '@storebridge/messaging';
import { ReplaySubject } from 'rxjs';
import { DataSource } from 'typeorm';
import { DATABASE_PING_TIMEOUT_MS } from './database.health';
import { HealthController } from './health.controller';
import { HealthModule } from './health.module';

async function setUp(query: () => Promise<unknown>) {
  const status = new ReplaySubject<MessagingTransportStatus>(1);
  // Stands in for the runtime's global persistence and messaging modules.
  @Global()
  @Module({
    providers: [
      { provide: DataSource, useValue: { query: jest.fn(query) } },
      { provide: MessagingTransport, useValue: { status: status.asObservable() } },
    ],
    exports: [DataSource, MessagingTransport],
  })
  class DependenciesModule {}
  const moduleRef = await Test.createTestingModule({ imports: [DependenciesModule, HealthModule] })
    .setLogger({ log: jest.fn(), error: jest.fn(), warn: jest.fn() })
    .compile();
  return { controller: moduleRef.get(HealthController), status, close: () => moduleRef.close() };
}

async function reportOf503(promise: Promise<unknown>): Promise<HealthCheckResult> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof ServiceUnavailableException)) {
    throw new Error(`expected a 503, got ${String(error)}`);
  }
  return error.getResponse() as HealthCheckResult;
}

describe('HealthController', () => {
  let close: (() => Promise<void>) | undefined;

  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  async function started(query: () => Promise<unknown>) {
    const harness = await setUp(query);
    close = harness.close;
    return harness;
  }

  it('is ready when the database answers and the bus is connected', async () => {
    const { controller, status } = await started(() => Promise.resolve([{ '?column?': 1 }]));
    status.next('connected');

    await expect(controller.ready()).resolves.toEqual({
      status: 'ok',
      info: { database: { status: 'up' }, messaging: { status: 'up', connection: 'connected' } },
      error: {},
      details: { database: { status: 'up' }, messaging: { status: 'up', connection: 'connected' } },
    });
  });

  it('is not ready before the bus has connected', async () => {
    const { controller } = await started(() => Promise.resolve([]));

    expect((await reportOf503(controller.ready())).error).toEqual({
      messaging: { status: 'down', connection: 'starting' },
    });
  });

  it('is not ready while the bus is reconnecting, and ready again once it is back', async () => {
    const { controller, status } = await started(() => Promise.resolve([]));
    status.next('connected');
    status.next('reconnecting');

    expect((await reportOf503(controller.ready())).error).toEqual({
      messaging: { status: 'down', connection: 'reconnecting' },
    });
    status.next('connected');
    await expect(controller.ready()).resolves.toMatchObject({ status: 'ok' });
  });

  it('is not ready when the database query fails, without repeating the driver error', async () => {
    const { controller, status } = await started(() =>
      Promise.reject(new Error('connect ECONNREFUSED db.internal:5432')),
    );
    status.next('connected');

    const report = await reportOf503(controller.ready());
    expect(report).toMatchObject({
      status: 'error',
      info: { messaging: { status: 'up' } },
      error: { database: { status: 'down', message: 'query failed' } },
    });
    expect(JSON.stringify(report)).not.toContain('db.internal');
  });

  it('is not ready when the database does not answer in time', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    try {
      const { controller, status } = await started(() => new Promise(() => undefined));
      status.next('connected');

      const ready = reportOf503(controller.ready());
      await jest.advanceTimersByTimeAsync(DATABASE_PING_TIMEOUT_MS);

      expect((await ready).error).toEqual({
        database: { status: 'down', message: `no answer within ${DATABASE_PING_TIMEOUT_MS} ms` },
      });
    } finally {
      jest.useRealTimers();
    }
  });

  it('is live whatever the database and the bus do', async () => {
    const { controller, status } = await started(() => Promise.reject(new Error('down')));
    status.next('disconnected');

    await expect(controller.live()).resolves.toEqual({ status: 'ok', info: {}, error: {}, details: {} });
  });
});
