import { Logger, type Provider } from '@nestjs/common';
import { GatewayEnv, loadEnv } from '@storebridge/config';
import type { OAuthAuthorizationRepository } from '@storebridge/gateway-persistence';
import { GatewayFeatureModule } from '../gateway-feature.module';
import type { GatewayFeatureOptions } from '../gateway-feature.options';
import { InMemoryAcceptedSignatures } from '../shopimind-auth/accepted-signatures.fake';
import {
  DEFAULT_HOUSEKEEPING_OPTIONS,
  HOUSEKEEPING_FIRST_RUN_DELAY_MS,
  HOUSEKEEPING_OPTIONS,
} from './housekeeping.options';
import { HousekeepingService } from './housekeeping.service';

const START_MS = Date.parse('2026-11-23T12:00:00.000Z');
const HOUR_MS = 3_600_000;
const OPTIONS: GatewayFeatureOptions = {
  webhookSecrets: ['housekeeping-spec-secret'],
  signatureMaxAgeSeconds: 300,
  allowPrivateStoreUrls: false,
};
/** An expired authorization is kept for the signature window: max age (300 s) plus the future margin (60 s). */
const AUTHORIZATION_GRACE_MS = 360_000;

/** Records each purge's time; a queued result (a count, an error or a pending promise) answers the next one. */
class FakeAuthorizations implements Pick<OAuthAuthorizationRepository, 'purgeExpired'> {
  readonly purges: Date[] = [];
  readonly results: Array<number | Error | Promise<number>> = [];

  async purgeExpired(now: Date): Promise<number> {
    this.purges.push(now);
    const next = this.results.shift() ?? 0;
    if (next instanceof Error) {
      throw next;
    }
    return next;
  }
}

const at = (ms: number) => new Date(ms);

describe('HousekeepingService', () => {
  let signatures: InMemoryAcceptedSignatures;
  let authorizations: FakeAuthorizations;
  let service: HousekeepingService;

  function aService(intervalMs = HOUR_MS): HousekeepingService {
    return new HousekeepingService(signatures, authorizations, OPTIONS, { intervalMs });
  }

  beforeEach(() => {
    jest.useFakeTimers({ now: START_MS });
    signatures = new InMemoryAcceptedSignatures();
    authorizations = new FakeAuthorizations();
    service = aService();
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(async () => {
    await service.onModuleDestroy();
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('purges once shortly after start, and not before', async () => {
    signatures.rows.set('POST /webhook/receive expired', at(START_MS - 1_000));
    signatures.rows.set('POST /webhook/receive live', at(START_MS + HOUR_MS));
    authorizations.results.push(2);
    service.onApplicationBootstrap();

    await jest.advanceTimersByTimeAsync(HOUSEKEEPING_FIRST_RUN_DELAY_MS - 1);
    expect(signatures.purges).toHaveLength(0);
    expect(authorizations.purges).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);

    const firstRunMs = START_MS + HOUSEKEEPING_FIRST_RUN_DELAY_MS;
    expect(signatures.purges).toEqual([at(firstRunMs)]);
    expect([...signatures.rows.keys()]).toEqual(['POST /webhook/receive live']);
    expect(Logger.prototype.log).toHaveBeenCalledWith('Purged 1 expired accepted signatures');
    expect(Logger.prototype.log).toHaveBeenCalledWith('Purged 2 expired OAuth authorizations');
  });

  it('keeps an expired authorization for one signature window, while its signed link could still be reloaded', async () => {
    service.onApplicationBootstrap();

    await jest.advanceTimersByTimeAsync(HOUSEKEEPING_FIRST_RUN_DELAY_MS);

    expect(authorizations.purges).toEqual([
      at(START_MS + HOUSEKEEPING_FIRST_RUN_DELAY_MS - AUTHORIZATION_GRACE_MS),
    ]);
  });

  it('purges again on every interval', async () => {
    service.onApplicationBootstrap();

    await jest.advanceTimersByTimeAsync(HOUSEKEEPING_FIRST_RUN_DELAY_MS + 3 * HOUR_MS);

    const firstRunMs = START_MS + HOUSEKEEPING_FIRST_RUN_DELAY_MS;
    expect(signatures.purges).toEqual([
      at(firstRunMs),
      at(firstRunMs + HOUR_MS),
      at(firstRunMs + 2 * HOUR_MS),
      at(firstRunMs + 3 * HOUR_MS),
    ]);
    expect(authorizations.purges).toHaveLength(4);
  });

  it('runs the first purge after one interval when the interval is shorter than the start delay', async () => {
    service = aService(1_000);
    service.onApplicationBootstrap();

    await jest.advanceTimersByTimeAsync(999);
    expect(signatures.purges).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1_001);

    expect(signatures.purges).toEqual([at(START_MS + 1_000), at(START_MS + 2_000)]);
  });

  it('never purges when disabled with 0, and leaves no timer behind', async () => {
    service = aService(0);
    service.onApplicationBootstrap();

    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(24 * HOUR_MS);

    expect(signatures.purges).toHaveLength(0);
    expect(authorizations.purges).toHaveLength(0);
    expect(Logger.prototype.log).toHaveBeenCalledWith(expect.stringContaining('disabled'));
  });

  it('logs a failed signature purge as a warning, still purges the authorizations, and retries next time', async () => {
    signatures.failWith = new Error('database down');
    service.onApplicationBootstrap();

    await jest.advanceTimersByTimeAsync(HOUSEKEEPING_FIRST_RUN_DELAY_MS);
    expect(signatures.purges).toHaveLength(0);
    expect(authorizations.purges).toHaveLength(1);
    expect(Logger.prototype.warn).toHaveBeenCalledWith(
      expect.stringMatching(/accepted signatures.*database down/),
    );

    signatures.failWith = undefined;
    await jest.advanceTimersByTimeAsync(HOUR_MS);
    expect(signatures.purges).toHaveLength(1);
    expect(authorizations.purges).toHaveLength(2);
  });

  it('logs a failed authorization purge as a warning instead of rejecting', async () => {
    authorizations.results.push(new Error('connection reset'));

    await expect(service.run()).resolves.toBeUndefined();

    expect(signatures.purges).toHaveLength(1);
    expect(Logger.prototype.warn).toHaveBeenCalledWith(
      expect.stringMatching(/OAuth authorizations.*connection reset/),
    );
  });

  it('skips a run asked for while the previous one is still going', async () => {
    let finish!: (deleted: number) => void;
    authorizations.results.push(
      new Promise<number>((resolve) => {
        finish = resolve;
      }),
    );

    const first = service.run();
    const second = service.run();
    await jest.advanceTimersByTimeAsync(0);
    finish(0);
    await Promise.all([first, second]);

    expect(signatures.purges).toHaveLength(1);
    expect(authorizations.purges).toHaveLength(1);
    await service.run();
    expect(signatures.purges).toHaveLength(2);
  });

  it('stops on module destroy, once the running purge has finished', async () => {
    let finish!: (deleted: number) => void;
    authorizations.results.push(
      new Promise<number>((resolve) => {
        finish = resolve;
      }),
    );
    service.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(HOUSEKEEPING_FIRST_RUN_DELAY_MS);

    let destroyed = false;
    const destroying = service.onModuleDestroy().then(() => {
      destroyed = true;
    });
    await jest.advanceTimersByTimeAsync(0);
    expect(destroyed).toBe(false);
    finish(0);
    await destroying;

    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(10 * HOUR_MS);
    await service.run();
    expect(signatures.purges).toHaveLength(1);
    expect(authorizations.purges).toHaveLength(1);
  });

  it('unrefs its timers, so they never keep the process alive', async () => {
    const setTimeoutSpy = jest.spyOn(global, 'setTimeout');
    const setIntervalSpy = jest.spyOn(global, 'setInterval');
    service.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(HOUSEKEEPING_FIRST_RUN_DELAY_MS);

    const timers = [setTimeoutSpy, setIntervalSpy].map(
      (spy) => spy.mock.results.map((result) => result.value as NodeJS.Timeout)[0],
    );
    expect(timers.map((timer) => timer?.hasRef())).toEqual([false, false]);
  });
});

describe('GatewayFeatureModule housekeeping wiring', () => {
  const housekeepingOptionsOf = (providers: Provider[] = []) =>
    providers.find(
      (provider): provider is Extract<Provider, { provide: unknown }> =>
        typeof provider === 'object' && 'provide' in provider && provider.provide === HOUSEKEEPING_OPTIONS,
    );

  it('hands HOUSEKEEPING_INTERVAL_MS from the env to the service', () => {
    const env = loadEnv(GatewayEnv, {
      CREDENTIALS_KEY: 'ab'.repeat(32),
      WEBHOOK_SECRET: 'housekeeping-spec-secret',
      HOUSEKEEPING_INTERVAL_MS: '60000',
    });

    const module = GatewayFeatureModule.forEnv(env);

    expect(module.providers).toContain(HousekeepingService);
    expect(housekeepingOptionsOf(module.providers)).toEqual({
      provide: HOUSEKEEPING_OPTIONS,
      useValue: { intervalMs: 60_000 },
    });
  });

  it('purges hourly when the options name no schedule', () => {
    const module = GatewayFeatureModule.forRoot(OPTIONS);

    expect(housekeepingOptionsOf(module.providers)).toEqual({
      provide: HOUSEKEEPING_OPTIONS,
      useValue: DEFAULT_HOUSEKEEPING_OPTIONS,
    });
    expect(DEFAULT_HOUSEKEEPING_OPTIONS.intervalMs).toBe(HOUR_MS);
  });
});
