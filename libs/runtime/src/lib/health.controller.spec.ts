import { ServiceUnavailableException } from '@nestjs/common';
import type { MessagingTransport, MessagingTransportStatus } from '@storebridge/messaging';
import { ReplaySubject } from 'rxjs';
import type { DataSource } from 'typeorm';
import { HealthController } from './health.controller';

function setUp(queryResult: () => Promise<unknown>) {
  const status = new ReplaySubject<MessagingTransportStatus>(1);
  const dataSource = { query: jest.fn(queryResult) } as unknown as DataSource;
  const transport = { status: status.asObservable() } as unknown as MessagingTransport;
  return { controller: new HealthController(dataSource, transport), status };
}

async function rejectionOf(promise: Promise<unknown>): Promise<ServiceUnavailableException> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof ServiceUnavailableException)) {
    throw new Error(`expected a 503, got ${String(error)}`);
  }
  return error;
}

describe('HealthController', () => {
  it('is ok when the database answers and the bus is connected', async () => {
    const { controller, status } = setUp(() => Promise.resolve([{ '?column?': 1 }]));
    status.next('connected');

    await expect(controller.health()).resolves.toEqual({
      status: 'ok',
      database: 'up',
      messaging: 'connected',
    });
  });

  it('answers 503 before the bus has connected', async () => {
    const { controller } = setUp(() => Promise.resolve([]));

    const error = await rejectionOf(controller.health());
    expect(error.getResponse()).toEqual({ status: 'degraded', database: 'up', messaging: 'starting' });
  });

  it('answers 503 when the bus is reconnecting', async () => {
    const { controller, status } = setUp(() => Promise.resolve([]));
    status.next('connected');
    status.next('reconnecting');

    expect((await rejectionOf(controller.health())).getResponse()).toMatchObject({
      messaging: 'reconnecting',
    });
  });

  it('answers 503 when the database query fails', async () => {
    const { controller, status } = setUp(() => Promise.reject(new Error('connection refused')));
    status.next('connected');

    expect((await rejectionOf(controller.health())).getResponse()).toEqual({
      status: 'degraded',
      database: 'down',
      messaging: 'connected',
    });
  });
});
