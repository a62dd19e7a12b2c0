import { Client } from 'pg';
import { startServiceProcess, type ServiceProcess } from '@storebridge/built-apps';
import { testDatabaseUrl, testNatsUrl } from '@storebridge/testing';
import { serviceEnv, startOutsideWorld, type OutsideWorld } from './outside-world';

/** gateway, sync and push as separate processes on the test PostgreSQL and nats-server, plus a SQL client. */
export interface ProductionSystem {
  gatewayUrl: string;
  services: ServiceProcess[];
  /** For assertions on what the services stored. */
  database: Client;
  /** Prints every service's recent output: called when a test fails, so a timeout says why. */
  printLogs(): void;
  stop(): Promise<void>;
}

export async function startProductionSystem(world: OutsideWorld): Promise<ProductionSystem> {
  const env = { ...serviceEnv(world), DATABASE_URL: testDatabaseUrl(), NATS_URL: testNatsUrl() };
  const services = await Promise.all([
    startServiceProcess('gateway', env),
    startServiceProcess('sync', env),
    startServiceProcess('push', env),
  ]);
  const database = new Client({ connectionString: testDatabaseUrl() });
  await database.connect();
  return {
    gatewayUrl: services[0].url,
    services,
    database,
    printLogs: () => printServiceLogs(services),
    stop: async () => {
      await database.end();
      await Promise.all(services.map((service) => service.stop()));
    },
  };
}

/** Prints every service's recent output: a failing test shows why, where a timeout alone says nothing. */
export function printServiceLogs(services: readonly ServiceProcess[]): void {
  for (const service of services) {
    console.error(`--- ${service.name} output ---\n${service.output()}`);
  }
}

/** Runs `run`, printing the services' logs (as they are when it fails) before rethrowing its failure. */
export async function withServiceLogs(
  services: () => readonly ServiceProcess[],
  run: () => Promise<void>,
): Promise<void> {
  try {
    await run();
  } catch (error) {
    printServiceLogs(services());
    throw error;
  }
}

/**
 * For a describe block: starts the outside world and the three services before its tests, hands them to
 * `onStarted`, and stops them after its tests.
 */
export function useProductionSystem(
  productCount: number,
  onStarted: (started: { world: OutsideWorld; system: ProductionSystem }) => void,
): void {
  let world: OutsideWorld | undefined;
  let system: ProductionSystem | undefined;
  beforeAll(async () => {
    world = await startOutsideWorld(productCount);
    system = await startProductionSystem(world);
    onStarted({ world, system });
  });
  afterAll(async () => {
    await system?.stop();
    await world?.close();
  });
}
