import { Logger } from '@nestjs/common';
import {
  Subjects,
  type NormalizedOrder,
  type NormalizedProduct,
  type OrdersChangedEvent,
  type PayloadOf,
  type ProductsChangedEvent,
  type Subject,
  type SyncTrigger,
} from '@storebridge/contracts';
import {
  DEFAULT_RETRIES,
  type StoreClientOptions,
  type StoreConnectionSettings,
} from '@storebridge/store-client';
import {
  connectionInputOf,
  expectedIdOf,
  type ExpectedRecord,
  expectedRecords,
  GENERATED_ENTITIES,
  type GeneratedEntity,
  GeneratedStoreServer,
  invalidCount,
  listedRecords,
  pageBound,
  pastTheEnd,
  reachableRecords,
  type StoreMoment,
  type StoreQuirks,
  type StoreScenario,
  storeScenarioArbitrary,
  describeStoreQuirks,
  propertyReplayFromEnv,
  provesItsEnd,
} from '@storebridge/store-client/testing';
import { MessagePublisher } from '@storebridge/messaging';
import {
  AdvisoryLockRepository,
  createDataSourceOptions,
  InstallationEntity,
  PGLITE_IN_MEMORY,
  runMigrations,
  StoreConnectionEntity,
  StoreConnectionRepository,
  StoreOrderEntity,
  StoreProductEntity,
  SyncRunEntity,
} from '@storebridge/persistence';
import {
  StoreOrderRepository,
  StoreProductRepository,
  SyncRunRepository,
} from '@storebridge/sync-persistence';
import fc from 'fast-check';
import { DataSource, type Repository } from 'typeorm';
import { FakeStoreConnections } from '../../test/fakes';
import { syncedOrders, syncedProducts } from '../synced-record-kinds';
import { StoreSyncService } from './store-sync.service';

// The real StoreClient, waiting out Retry-After and its backoff in order but not in wall time: hundreds of crawls
// run in the unit suite. The store's waits are what the client would sleep, not what this test measures.
jest.mock('@storebridge/store-client', () => {
  const actual = jest.requireActual<typeof import('@storebridge/store-client')>('@storebridge/store-client');
  class FastSleepingStoreClient extends actual.StoreClient {
    constructor(settings: StoreConnectionSettings, options: StoreClientOptions = {}) {
      super(settings, {
        ...options,
        sleep: (_ms, signal) =>
          new Promise<void>((resolve, reject) =>
            setImmediate(() => (signal?.aborted ? reject(signal.reason) : resolve())),
          ),
      });
    }
  }
  return { ...actual, StoreClient: FastSleepingStoreClient };
});

/** `CRAWL_PROPERTY_RUNS=2000` (nx run sync-feature:crawl-properties) for the long run. */
const RUNS = Number(process.env['CRAWL_PROPERTY_RUNS'] ?? '150');
/** A failure prints its seed and path: `CRAWL_PROPERTY_SEED=… CRAWL_PROPERTY_PATH=…` replays it. */
const REPLAY = propertyReplayFromEnv('CRAWL_PROPERTY');
/** A crawl of a store this small that takes longer does not end. */
const CRAWL_TIMEOUT_MS = 20_000;

/** ShopiMind, as far as sync can tell: fed only by the published changes (upserts by id, deletions by id). */
class ShopimindStandIn extends MessagePublisher {
  readonly records: Record<GeneratedEntity, Map<string, NormalizedProduct | NormalizedOrder>> = {
    products: new Map(),
    orders: new Map(),
  };
  /** This crawl's messages: how often each id was published, and the ids deleted. */
  published: Record<GeneratedEntity, Map<string, number>> = { products: new Map(), orders: new Map() };
  deleted: Record<GeneratedEntity, string[]> = { products: [], orders: [] };

  startCrawl(): void {
    this.published = { products: new Map(), orders: new Map() };
    this.deleted = { products: [], orders: [] };
  }

  async publish<S extends Subject>(subject: S, payload: PayloadOf<S>): Promise<void> {
    const entity: GeneratedEntity = subject === Subjects.productsChanged ? 'products' : 'orders';
    const records =
      entity === 'products'
        ? (payload as ProductsChangedEvent).products
        : (payload as OrdersChangedEvent).orders;
    for (const record of records) {
      this.records[entity].set(record.id, record);
      this.published[entity].set(record.id, (this.published[entity].get(record.id) ?? 0) + 1);
    }
    for (const id of (payload as ProductsChangedEvent | OrdersChangedEvent).deletedIds) {
      this.records[entity].delete(id);
      this.deleted[entity].push(id);
    }
  }
}

class InvariantBroken extends Error {
  override name = 'InvariantBroken';
}

function ensure(condition: boolean, message: () => string): void {
  if (!condition) {
    throw new InvariantBroken(message());
  }
}

function sameRecord(
  entity: GeneratedEntity,
  held: NormalizedProduct | NormalizedOrder,
  expected: ExpectedRecord,
): boolean {
  if (entity === 'products') {
    const product = held as NormalizedProduct;
    return (
      product.name === expected.name &&
      product.price === expected.price &&
      product.createdAt === expected.createdAt
    );
  }
  const order = held as NormalizedOrder;
  return (
    order.total === expected.total &&
    order.status === expected.status &&
    order.createdAt === expected.createdAt
  );
}

async function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new InvariantBroken(`${what} did not end within ${CRAWL_TIMEOUT_MS} ms`)),
      CRAWL_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('crawl invariants over generated stores (issue #18)', () => {
  let dataSource: DataSource;
  // Seeded through the entity: installations are the gateway's to write.
  let installations: Repository<InstallationEntity>;
  let storeConnections: StoreConnectionRepository;
  let syncRuns: SyncRunRepository;
  let products: StoreProductRepository;
  let orders: StoreOrderRepository;
  let locks: AdvisoryLockRepository;
  let caseNumber = 0;

  beforeAll(async () => {
    dataSource = await new DataSource(createDataSourceOptions({ dataDir: PGLITE_IN_MEMORY })).initialize();
    await runMigrations(dataSource);
    installations = dataSource.getRepository(InstallationEntity);
    storeConnections = new StoreConnectionRepository(dataSource.getRepository(StoreConnectionEntity));
    syncRuns = new SyncRunRepository(dataSource.getRepository(SyncRunEntity));
    products = new StoreProductRepository(dataSource.getRepository(StoreProductEntity));
    orders = new StoreOrderRepository(dataSource.getRepository(StoreOrderEntity));
    locks = new AdvisoryLockRepository(dataSource);
    // Every case fails some crawls on purpose; their warnings would drown a counterexample.
    Logger.overrideLogger(false);
  }, 120_000);

  afterAll(async () => {
    Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose']);
    await dataSource?.destroy();
  });

  /** A fresh connection row (runs and mirror rows reference it), resolved by the fake connection service. */
  async function connect(
    quirks: StoreQuirks,
    baseUrl: string,
  ): Promise<FakeStoreConnections & { id: string }> {
    caseNumber += 1;
    const installation = await installations.save({
      installationId: `inst_crawl_${caseNumber}_${Date.now()}`,
      shopDomain: 'shop.example.com',
      status: 'active',
    });
    const input = connectionInputOf(quirks, baseUrl);
    const connections = new FakeStoreConnections();
    const view = connections.add(input);
    const row = await storeConnections.upsertForInstallation(installation.id, {
      baseUrl: view.settings.baseUrl,
      authMethod: view.settings.auth.method,
      credentialsCiphertext: 'not.used.here',
      paths: view.settings.paths,
      fieldMappings: view.connection.fieldMappings,
      lang: 'en',
      currency: 'USD',
      syncIntervalMinutes: 60,
      perPage: view.settings.perPage,
      storeToken: `st_crawl_${caseNumber}_${Date.now()}`,
    });
    connections.views.delete(view.connection.id);
    connections.views.set(row.id, {
      connection: { ...view.connection, id: row.id },
      settings: view.settings,
    });
    return Object.assign(connections, { id: row.id });
  }

  async function runsOf(connectionId: string): Promise<SyncRunEntity[]> {
    return dataSource
      .getRepository(SyncRunEntity)
      .find({ where: { connectionId }, order: { startedAt: 'ASC' } });
  }

  /** Runs a scenario's crawls in order, checking the invariants after each, then the end state. */
  async function crawlScenario({ quirks, moments }: StoreScenario): Promise<void> {
    const store = await GeneratedStoreServer.start({ quirks, moments }, DEFAULT_RETRIES);
    const standIn = new ShopimindStandIn();
    const everValid: Record<GeneratedEntity, Set<string>> = { products: new Set(), orders: new Set() };
    const store_ = describeStoreQuirks(quirks);
    try {
      const connections = await connect(quirks, store.baseUrl);
      const service = new StoreSyncService(
        connections.asService(),
        syncRuns,
        [syncedProducts(products, standIn), syncedOrders(orders, standIn)],
        locks,
        { allowPrivateStoreUrls: true },
      );
      const seenRuns = new Set<string>();
      for (const [index, moment] of moments.entries()) {
        const limits = GENERATED_ENTITIES.map(
          (entity) => pageBound(moment, entity, quirks) * (DEFAULT_RETRIES + 1),
        );
        store.serve(moment, 4 * limits.reduce((sum, limit) => sum + limit, 0));
        standIn.startCrawl();
        for (const entity of GENERATED_ENTITIES) {
          for (const id of expectedRecords(moment, entity, quirks).keys()) {
            everValid[entity].add(id);
          }
        }
        const trigger: SyncTrigger = index === 0 ? 'activate' : 'schedule';
        const crawl = `crawl ${index + 1} of ${moments.length} (${trigger}${moment.outage ? `, outage: ${moment.outage.kind} on ${moment.outage.entity} from page ${moment.outage.fromPage}` : ''})`;
        await withTimeout(service.runFullSync({ connectionId: connections.id, trigger }), crawl);

        const runs = (await runsOf(connections.id)).filter((run) => !seenRuns.has(run.id));
        runs.forEach((run) => seenRuns.add(run.id));
        GENERATED_ENTITIES.forEach((entity, position) => {
          const where = `${crawl}, ${entity} ${store_}`;
          const entityRuns = runs.filter((run) => run.entity === entity);
          ensure(
            entityRuns.length === 1,
            () => `${where}: expected one sync run, found ${entityRuns.length}`,
          );
          checkCrawl({
            entity,
            moment,
            quirks,
            run: entityRuns[0],
            standIn,
            everValid,
            store,
            limit: limits[position],
            where,
          });
        });
      }
      checkEnd(moments[moments.length - 1], quirks, standIn, `after the final crawls ${store_}`);
    } finally {
      await store.close();
    }
  }

  it(
    'crawls every generated store to the end, loses nothing, deletes nothing the store still has, and ends equal to it',
    async () => {
      await fc.assert(
        fc.asyncProperty(storeScenarioArbitrary(), (scenario) => crawlScenario(scenario)),
        { numRuns: RUNS, ...REPLAY },
      );
    },
    Math.max(120_000, RUNS * 2_000),
  );
});

interface CrawlCheck {
  entity: GeneratedEntity;
  moment: StoreMoment;
  quirks: StoreQuirks;
  run: SyncRunEntity;
  standIn: ShopimindStandIn;
  everValid: Record<GeneratedEntity, Set<string>>;
  store: GeneratedStoreServer;
  limit: number;
  where: string;
}

/** The invariants of one entity's crawl, failed or not. */
function checkCrawl({
  entity,
  moment,
  quirks,
  run,
  standIn,
  everValid,
  store,
  limit,
  where,
}: CrawlCheck): void {
  const expected = expectedRecords(moment, entity, quirks);
  const requests = store.requests.filter((request) => request.entity === entity);
  ensure(
    store.requests.every((request) => request.outcome !== 'unauthorized'),
    () => `${where}: the store refused our credential`,
  );
  // Ends, within a bound proportional to the store's size: its pages, the ones past the end, their retries.
  ensure(
    requests.length <= limit,
    () =>
      `${where}: ${requests.length} requests for ${listedRecords(moment, entity).length} records (bound ${limit}); pages asked ${requests.map((request) => request.page).join(',')}`,
  );

  // Nothing the store still has is ever deleted; a failed crawl deletes nothing at all (spec §3).
  const wronglyDeleted = standIn.deleted[entity].filter((id) => expected.has(id));
  ensure(
    wronglyDeleted.length === 0,
    () =>
      `${where}: deleted ${wronglyDeleted.length} record(s) the store still has (${wronglyDeleted.slice(0, 5).join(', ')}); run ${run.status}, stop ${run.stopReason}, end confirmed ${run.endConfirmed}`,
  );
  ensure(
    run.status === 'succeeded' || standIn.deleted[entity].length === 0,
    () => `${where}: a failed crawl deleted ${standIn.deleted[entity].length} record(s) (${run.error})`,
  );
  // Never an id the store never had, nor one of a record it lists invalid.
  const invented = [...standIn.records[entity].keys()].filter((id) => !everValid[entity].has(id));
  ensure(
    invented.length === 0,
    () => `${where}: ShopiMind holds ids the store never had valid: ${invented.slice(0, 5).join(', ')}`,
  );

  const past = pastTheEnd(moment, entity, quirks);
  const mustSucceed = moment.outage?.entity !== entity && past !== 'not_found';
  ensure(!mustSucceed || run.status === 'succeeded', () => `${where}: the crawl failed: ${run.error}`);
  if (run.status !== 'succeeded') {
    return;
  }
  // Every record the store lets a crawl reach is read exactly once: none left behind by an early stop, none twice.
  const reachable = reachableRecords(moment, entity, quirks);
  ensure(
    run.recordsSeen === reachable.length,
    () =>
      `${where}: the crawl read ${run.recordsSeen} of the ${reachable.length} records the store lists; stop ${run.stopReason}, end confirmed ${run.endConfirmed}, ${run.pagesFetched} pages`,
  );
  ensure(
    run.recordsSkipped === invalidCount(moment, entity, quirks),
    () =>
      `${where}: ${run.recordsSkipped} records skipped, the store lists ${invalidCount(moment, entity, quirks)} invalid ones`,
  );
  const occurrences = new Map<string, number>();
  for (const record of reachable) {
    if (record.flaw === 'none') {
      const id = expectedIdOf(record, quirks[entity].idStyle);
      occurrences.set(id, (occurrences.get(id) ?? 0) + 1);
    }
  }
  const missing = [...expected.values()].filter((record) => {
    const held = standIn.records[entity].get(record.id);
    return occurrences.has(record.id) && (held === undefined || !sameRecord(entity, held, record));
  });
  ensure(
    missing.length === 0,
    () =>
      `${where}: ${missing.length} of ${occurrences.size} valid records missing or stale in ShopiMind (${missing
        .slice(0, 5)
        .map((record) => record.id)
        .join(', ')}); stop ${run.stopReason}, ${run.pagesFetched} pages, ${run.recordsValid} valid read`,
  );
  const repeated = [...standIn.published[entity]].filter(([id, count]) => count > (occurrences.get(id) ?? 0));
  ensure(
    repeated.length === 0,
    () =>
      `${where}: published more often than the store lists them: ${repeated
        .slice(0, 5)
        .map(([id, count]) => `${id} x${count}`)
        .join(', ')}`,
  );
}

/**
 * After two crawls of an unchanged store, ShopiMind holds exactly its valid records when the store lets a crawl
 * prove its end: the second crawl confirms the deletions the first one held. When a crawl cannot prove the end,
 * nothing is deleted, so ShopiMind keeps at least those records. That happens when the store clamps pages past its
 * end and has no last page to tell, or answers 404 there.
 */
function checkEnd(moment: StoreMoment, quirks: StoreQuirks, standIn: ShopimindStandIn, where: string): void {
  for (const entity of GENERATED_ENTITIES) {
    const expected = expectedRecords(moment, entity, quirks);
    const held = standIn.records[entity];
    const provable = provesItsEnd(moment, entity, quirks);
    const reachable = new Set(
      reachableRecords(moment, entity, quirks).map((record) => expectedIdOf(record, quirks[entity].idStyle)),
    );
    const extra = [...held.keys()].filter((id) => !expected.has(id));
    ensure(
      !provable || extra.length === 0,
      () =>
        `${where}, ${entity}: ShopiMind still holds ${extra.length} record(s) the store deleted (${extra.slice(0, 5).join(', ')})`,
    );
    const missing = [...expected.values()].filter((record) => {
      const kept = held.get(record.id);
      return reachable.has(record.id) && (kept === undefined || !sameRecord(entity, kept, record));
    });
    ensure(
      missing.length === 0,
      () => `${where}, ${entity}: ${missing.length} valid record(s) missing or stale`,
    );
  }
}
