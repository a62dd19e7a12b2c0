import { takeTestServices } from './lib/test-services';

/** Stops what the global setup started. */
export default async function globalTeardown(): Promise<void> {
  const services = takeTestServices();
  if (services) {
    await Promise.all([services.postgres.stop(), services.nats.stop()]);
  }
}
