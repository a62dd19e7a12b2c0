import { RunningNatsServer } from './nats-server';
import { RunningPostgres } from './postgres-server';

export interface TestServices {
  postgres: RunningPostgres;
  nats: RunningNatsServer;
}

// Jest runs globalSetup and globalTeardown in the same process; globalThis is how they share handles.
const KEY = Symbol.for('storebridge.testServices');

export function keepTestServices(services: TestServices): void {
  (globalThis as Record<symbol, unknown>)[KEY] = services;
}

export function takeTestServices(): TestServices | undefined {
  const holder = globalThis as Record<symbol, TestServices | undefined>;
  const services = holder[KEY];
  delete holder[KEY];
  return services;
}
