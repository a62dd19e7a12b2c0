import { randomBytes } from 'node:crypto';
import { startServiceProcess, type BuiltApp, type ServiceProcess } from '@storebridge/built-apps';
import { startDemoStore, type DemoStore } from '@storebridge/demo-store';
import { loggableErrorText } from '@storebridge/security';
import { startShopimindSandbox, type ShopimindSandbox } from '@storebridge/shopimind-sandbox';
import { Client } from 'pg';
import {
  activateBenchShop,
  assertStillRunning,
  BenchFailure,
  benchShopConfigs,
  findConnection,
  installBenchShop,
  pause,
  printServiceOutput,
  sandboxCounts,
  serviceEnv,
  signedStoreWebhookHeaders,
  startAll,
  startDatabaseAndBus,
  Teardown,
  waitForQuietSandbox,
  type ProgressLine,
} from './bench-harness';
import type { SyncBenchOptions } from './bench-options';
import type { BenchResult, PhaseFigures } from './bench-report';
import { benchProcessesCpu } from './cpu-shares';
import { MemorySampler } from './memory-sampler';
import { runNaivePipeInChildProcess, type NaivePipeFigures } from './naive-pipe';
import {
  PhaseWatch,
  type PhaseStatus,
  type WatchedEntity,
  type WatchedEntityExpectation,
} from './phase-watch';
import { seconds } from './report-format';
import { readSyncRuns, type SyncRunSummary } from './sync-runs';

const POLL_INTERVAL_MS = 250;
/** How long to wait for a run that may never come, or for pushes that stopped. */
const GRACE_MS = 30_000;
const PROGRESS_EVERY_MS = 5_000;
/** After the re-sync's runs finished, the sandbox must stay this quiet before its writes are counted. */
const QUIET_SANDBOX_MS = 2_000;
const SERVICES: readonly BuiltApp[] = ['gateway', 'sync', 'push'];

interface BenchContext {
  options: SyncBenchOptions;
  deadline: number;
  services: ServiceProcess[];
  sandbox: ShopimindSandbox;
  database: Client;
  installationId: string;
  connectionId: string;
  progress: ProgressLine;
  interrupted: AbortSignal;
}

interface PhaseEnd {
  status: PhaseStatus;
  runs: SyncRunSummary[];
  inSandbox: Record<WatchedEntity, number>;
}

interface Phase {
  label: string;
  /** The `sync_runs.trigger` of the runs this phase started. */
  trigger: string;
  startedAt: number;
  expectations: WatchedEntityExpectation[];
  waitForSandbox: boolean;
}

async function watchPhase(context: BenchContext, phase: Phase): Promise<PhaseEnd> {
  const watch = new PhaseWatch(phase.expectations, {
    waitForSandbox: phase.waitForSandbox,
    graceMs: GRACE_MS,
  });
  let progressAt = Date.now() + PROGRESS_EVERY_MS;
  for (;;) {
    assertStillRunning(context.services, context.interrupted, phase.label);
    const runs = await readSyncRuns(context.database, context.connectionId, phase.trigger);
    const inSandbox = await sandboxCounts(context.sandbox, context.installationId);
    const now = Date.now();
    const status = watch.observe({ elapsedMs: now - phase.startedAt, runs, inSandbox });
    if (status.settled) {
      return { status, runs, inSandbox };
    }
    if (now >= context.deadline) {
      throw new BenchFailure(
        `time limit of ${context.options.timeLimitMinutes} min reached during the ${phase.label}; still pending: ${status.pending.join('; ')}`,
      );
    }
    if (now >= progressAt) {
      context.progress(`${phase.label}, ${seconds(now - phase.startedAt)}: ${status.pending.join('; ')}`);
      progressAt = now + PROGRESS_EVERY_MS;
    }
    await pause(POLL_INTERVAL_MS, context.interrupted);
  }
}

const RECORD_WRITE_PATH = /^\/v1\/(products|orders)\/?$/;

function phaseFigures(context: BenchContext, phase: Phase, end: PhaseEnd, logMark: number): PhaseFigures {
  const requests = context.sandbox.requestLog(context.installationId).slice(logMark);
  const writes = requests.filter((entry) => entry.method !== 'GET');
  const recordWrites = writes.filter(
    (entry) => entry.status === 200 && entry.itemCount > 0 && RECORD_WRITE_PATH.test(entry.path),
  );
  const finished = end.runs
    .map((run) => run.finishedAt?.getTime())
    .filter((time): time is number => time !== undefined);
  const lastWrite = recordWrites.map((entry) => Date.parse(entry.at));
  return {
    runs: end.runs,
    runsFinishedMs: finished.length === 0 ? undefined : Math.max(...finished) - phase.startedAt,
    lastWriteMs: lastWrite.length === 0 ? undefined : Math.max(...lastWrite) - phase.startedAt,
    recordsWritten: writes.reduce((sum, entry) => sum + entry.itemCount, 0),
    inSandbox: end.inSandbox,
    notes: end.status.notes,
  };
}

/**
 * The naive pipe against the same demo store, into a sandbox of its own, closed once counted: it runs before the
 * services start, so it shares neither the machine's time nor the sandbox with them.
 */
async function measureNaivePipe(
  options: SyncBenchOptions,
  store: { demo: DemoStore; apiKey: string },
  deadline: number,
  interrupted: AbortSignal,
): Promise<NaivePipeFigures> {
  const sandbox = await startShopimindSandbox({ latencyMs: options.shopimindLatencyMs });
  try {
    const { installationId, accessToken } = sandbox.createInstallation({
      shopDomain: 'naive-pipe.example',
      shopName: 'Naive pipe',
    });
    sandbox.setActive(installationId, true);
    const timeLimit = AbortSignal.timeout(Math.max(0, deadline - Date.now()));
    const run = await runNaivePipeInChildProcess(
      {
        storeUrl: store.demo.url,
        storeApiKey: store.apiKey,
        pageSize: options.pageSize,
        shopimindUrl: sandbox.url,
        accessToken,
        // As benchShopConfigs configures storebridge's shop.
        lang: 'fr',
        currency: 'EUR',
      },
      AbortSignal.any([interrupted, timeLimit]),
    ).catch((error: unknown) => {
      if (interrupted.aborted) {
        throw new BenchFailure('interrupted during the naive pipe');
      }
      if (timeLimit.aborted) {
        throw new BenchFailure(`time limit of ${options.timeLimitMinutes} min reached during the naive pipe`);
      }
      throw new BenchFailure(`the naive pipe failed: ${loggableErrorText(error)}`);
    });
    return { ...run, inSandbox: await sandboxCounts(sandbox, installationId) };
  } finally {
    await sandbox.close();
  }
}

/**
 * The whole benchmark: its own PostgreSQL, nats-server, demo store and ShopiMind sandbox on loopback, the three
 * built services, then install + activate (full sync) and a store-webhook `/sync` (unchanged re-sync).
 */
export async function runSyncBench(
  options: SyncBenchOptions,
  progress: ProgressLine,
  interrupted: AbortSignal,
): Promise<BenchResult> {
  const deadline = Date.now() + options.timeLimitMinutes * 60_000;
  const teardown = new Teardown();
  let services: ServiceProcess[] = [];
  try {
    progress('starting PostgreSQL, nats-server -js, the demo store and the ShopiMind sandbox');
    const { databaseUrl, natsUrl, postgresPid, natsPid } = await startDatabaseAndBus(
      teardown,
      'storebridge_bench',
    );
    const storeApiKey = randomBytes(16).toString('hex');
    const store = await startDemoStore({
      productCount: options.products,
      orderCount: options.orders,
      apiKey: storeApiKey,
    });
    teardown.add(() => store.close());
    let naivePipe: NaivePipeFigures | undefined;
    if (options.naivePipe) {
      progress('naive pipe: the same store into a sandbox of its own, in a process of its own');
      naivePipe = await measureNaivePipe(
        options,
        { demo: store, apiKey: storeApiKey },
        deadline,
        interrupted,
      );
    }
    const sandbox = await startShopimindSandbox({ latencyMs: options.shopimindLatencyMs });
    teardown.add(() => sandbox.close());

    const { env, webhookSecret } = serviceEnv({ databaseUrl, natsUrl, shopimindApiUrl: sandbox.url });
    progress('starting gateway, sync and push (dist/apps/*/main.js, NODE_ENV=production)');
    services = await startAll(
      teardown,
      SERVICES.map((name) => startServiceProcess(name, env)),
      (service) => service.stop(),
    );
    const sampler = new MemorySampler(services.map(({ name, pid }) => ({ name, pid })));
    sampler.start();
    teardown.add(() => sampler.stop());
    const database = new Client({ connectionString: databaseUrl });
    await database.connect();
    teardown.add(() => database.end());
    const gatewayUrl = services[0].url;

    const storeWebhookSecret = randomBytes(24).toString('hex');
    const lifecycle = {
      secret: webhookSecret,
      configs: benchShopConfigs(
        store,
        { apiKey: storeApiKey, webhookSecret: storeWebhookSecret },
        options.pageSize,
      ),
    };
    const installationId = await installBenchShop(sandbox, gatewayUrl, lifecycle);

    progress(`full sync of ${options.products} products and ${options.orders} orders`);
    const fullMark = sandbox.requestLog(installationId).length;
    const full: Phase = {
      label: 'full sync',
      trigger: 'activate',
      startedAt: Date.now(),
      expectations: [
        { entity: 'products', storeCount: options.products, runMayNeverCome: false },
        ...(options.orders > 0
          ? [{ entity: 'orders' as const, storeCount: options.orders, runMayNeverCome: true }]
          : []),
      ],
      waitForSandbox: true,
    };
    const fullSyncCpu = benchProcessesCpu(services, { postgresPid, natsPid }, 'demo store + sandbox');
    await fullSyncCpu.start();
    await activateBenchShop(sandbox, gatewayUrl, installationId, lifecycle);
    const connection = await findConnection(database, installationId);
    const context: BenchContext = {
      options,
      deadline,
      services,
      sandbox,
      database,
      installationId,
      connectionId: connection.id,
      progress,
      interrupted,
    };
    const fullFigures = phaseFigures(context, full, await watchPhase(context, full), fullMark);
    const fullCpu = await fullSyncCpu.take();

    progress('unchanged re-sync through the store webhook /sync');
    const resyncMark = sandbox.requestLog(installationId).length;
    // A fresh body each time: the gateway de-duplicates a trigger by its bytes.
    const body = JSON.stringify({ requested_by: 'sync benchmark', requested_at: new Date().toISOString() });
    const resync: Phase = {
      label: 'unchanged re-sync',
      trigger: 'store_webhook',
      startedAt: Date.now(),
      // Entities the full sync never ran are not waited for again.
      expectations: full.expectations.filter(
        ({ entity }) => entity === 'products' || fullFigures.runs.some((run) => run.entity === entity),
      ),
      waitForSandbox: false,
    };
    const trigger = await fetch(
      `${gatewayUrl}/api/generic-api/webhooks/${encodeURIComponent(connection.storeToken)}/sync`,
      {
        method: 'POST',
        headers: signedStoreWebhookHeaders(storeWebhookSecret, body),
        body,
      },
    );
    if (trigger.status !== 200) {
      throw new BenchFailure(`the store webhook /sync answered ${trigger.status}: ${await trigger.text()}`);
    }
    const resyncEnd = await watchPhase(context, resync);
    await waitForQuietSandbox(context, resync.label, {
      quietMs: Math.max(QUIET_SANDBOX_MS, 4 * options.shopimindLatencyMs),
      pollMs: POLL_INTERVAL_MS,
    });
    const resyncFigures = phaseFigures(context, resync, resyncEnd, resyncMark);

    // Read before anything stops: VmHWM dies with the process.
    const memory = await sampler.finish();
    return { options, full: fullFigures, resync: resyncFigures, memory, fullCpu, naivePipe };
  } catch (error) {
    printServiceOutput(services);
    throw error;
  } finally {
    progress('stopping the services, PostgreSQL and nats-server');
    await teardown.run();
  }
}
