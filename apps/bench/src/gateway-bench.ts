import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { availableParallelism, loadavg } from 'node:os';
import { startServiceProcess, type ServiceProcess } from '@storebridge/built-apps';
import { startDemoStore } from '@storebridge/demo-store';
import { startShopimindSandbox, type ShopimindSandbox } from '@storebridge/shopimind-sandbox';
import { freePort, pollUntil } from '@storebridge/testing';
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
import { productsNeeded, type GatewayBenchOptions } from './gateway-bench-options';
import type { BurstFigures, GatewayBenchResult, OutageFigures, PhaseArrivals } from './gateway-bench-report';
import { benchProcessesCpu } from './cpu-shares';
import { PriceArrivals } from './gateway-price-arrivals';
import { n, seconds } from './report-format';
import {
  summarizeLatencies,
  WebhookLoad,
  type LoadFigures,
  type PreparedWebhook,
  type SentWebhook,
} from './webhook-load';

const POLL_INTERVAL_MS = 100;
/** Updates that stop reaching the sandbox for this long are reported as lost. */
const GRACE_MS = 30_000;
const PROGRESS_EVERY_MS = 5_000;
/** After the outage's updates arrived, the sandbox must stay this quiet before its writes are counted. */
const QUIET_SANDBOX_MS = 2_000;
// Generic-api spec §7: hex HMAC-SHA256 of the raw body with the connection's webhook secret.
const STORE_PAGE_SIZE = 100;
const BARE_HANDLER_SCRIPT = 'apps/bench/src/bare-nest-handler.ts';
const BARE_HANDLER_READY_WITHIN_MS = 60_000;
const PRODUCT_WRITE_PATH = /^\/v1\/products\/?$/;
/** The demo store's SKU of product `prod_<index>`: the sandbox record's `reference`. */
const DEMO_SKU = /^DS-(\d+)$/;

interface BenchContext {
  options: GatewayBenchOptions;
  deadline: number;
  services: ServiceProcess[];
  sandbox: ShopimindSandbox;
  installationId: string;
  progress: ProgressLine;
  interrupted: AbortSignal;
  /** The ShopiMind product id of the demo product at each 1-based index. */
  shopimindIds: Map<number, string>;
  webhookPath: string;
  storeWebhookSecret: string;
  /** The last sandbox acceptance read: each phase reads on from there. */
  acceptanceMark: number;
}

/** A price of its own per phase and product: an arrival cannot be mistaken for another phase's. */
function phasePrice(phase: number, productIndex: number): number {
  return (phase * 1_000_000 + productIndex) / 100;
}

interface PhaseUpdates {
  webhooks: PreparedWebhook[];
  arrivals: PriceArrivals;
}

/** Products 1..count, each set to its price of this phase; bodies and signatures built before the clock starts. */
function prepareUpdates(context: BenchContext, phase: number, count: number): PhaseUpdates {
  const updates: Array<{ shopimindProductId: string; price: number }> = [];
  const webhooks = Array.from({ length: count }, (_, k) => {
    const index = k + 1;
    const price = phasePrice(phase, index);
    const shopimindProductId = context.shopimindIds.get(index);
    if (shopimindProductId === undefined) {
      throw new BenchFailure(`prod_${index} is not in the sandbox after the full sync`);
    }
    updates.push({ shopimindProductId, price });
    // All three prices: a partial update is merged, and an old sale price would otherwise stay what is paid.
    const body = JSON.stringify({
      event: 'product.updated',
      data: { id: `prod_${index}`, price, regular_price: price, sale_price: price },
    });
    return {
      path: context.webhookPath,
      body,
      headers: signedStoreWebhookHeaders(context.storeWebhookSecret, body),
    };
  });
  return { webhooks, arrivals: new PriceArrivals(updates) };
}

function readAcceptances(context: BenchContext, arrivals: PriceArrivals): void {
  const acceptances = context.sandbox.productAcceptances(context.installationId, context.acceptanceMark);
  if (acceptances.length > 0 && acceptances[0].sequence > context.acceptanceMark + 1) {
    throw new BenchFailure('the sandbox forgot accepted products before the benchmark read them');
  }
  arrivals.observe(acceptances);
  context.acceptanceMark = acceptances.at(-1)?.sequence ?? context.acceptanceMark;
}

/** Reads the sandbox's acceptances while `sending` runs, so none is forgotten on a long phase. */
async function whileSending<T>(
  context: BenchContext,
  arrivals: PriceArrivals,
  sending: Promise<T>,
  afterEachRead: () => void = () => undefined,
): Promise<T> {
  let done = false;
  const finished = sending.finally(() => {
    done = true;
  });
  while (!done) {
    readAcceptances(context, arrivals);
    afterEachRead();
    await Promise.race([finished.catch(() => undefined), pause(POLL_INTERVAL_MS, context.interrupted)]);
  }
  return finished;
}

/** Waits until every update answered 200 arrived, or none came for `GRACE_MS`; the rest are lost. */
async function waitForArrivals(context: BenchContext, label: string, arrivals: PriceArrivals): Promise<void> {
  let pending = arrivals.pending();
  let movedAt = Date.now();
  let progressAt = Date.now() + PROGRESS_EVERY_MS;
  for (;;) {
    assertStillRunning(context.services, context.interrupted, label);
    readAcceptances(context, arrivals);
    const now = Date.now();
    const left = arrivals.pending();
    if (left === 0) {
      return;
    }
    if (left !== pending) {
      pending = left;
      movedAt = now;
    }
    if (now - movedAt >= GRACE_MS) {
      context.progress(`${label}: ${n(left)} updates never arrived (no progress for ${GRACE_MS / 1000} s)`);
      return;
    }
    if (now >= context.deadline) {
      throw new BenchFailure(
        `time limit of ${context.options.timeLimitMinutes} min reached during the ${label}: ${n(left)} updates not in the sandbox`,
      );
    }
    if (now >= progressAt) {
      context.progress(`${label}: ${n(left)} updates not in the sandbox yet`);
      progressAt = now + PROGRESS_EVERY_MS;
    }
    await pause(POLL_INTERVAL_MS, context.interrupted);
  }
}

function phaseArrivals(arrivals: PriceArrivals, sent: readonly SentWebhook[]): PhaseArrivals {
  const figures = arrivals.figures();
  const firstSentAt = sent.length === 0 ? undefined : Math.min(...sent.map((webhook) => webhook.sentAt));
  return {
    accepted: figures.accepted,
    arrived: figures.arrived,
    lost: figures.lost,
    appliedMs:
      figures.lastArrivalAt === undefined || firstSentAt === undefined
        ? undefined
        : figures.lastArrivalAt - firstSentAt,
    latency: summarizeLatencies(figures.latenciesMs),
  };
}

/** Sends one phase's updates as fast as the connections allow, then waits for them in the sandbox. */
async function burstPhase(
  context: BenchContext,
  load: WebhookLoad,
  label: string,
  updates: PhaseUpdates,
): Promise<{ send: LoadFigures; arrivals: PhaseArrivals }> {
  const { sent, figures } = await whileSending(
    context,
    updates.arrivals,
    load.sendAll(updates.webhooks, context.interrupted),
  );
  updates.arrivals.answered(sent);
  context.progress(
    `${label}: ${n(sent.length)} webhooks in ${seconds(figures.durationMs)} (${n(figures.non200)} non-200); waiting for the sandbox`,
  );
  await waitForArrivals(context, label, updates.arrivals);
  return { send: figures, arrivals: phaseArrivals(updates.arrivals, sent) };
}

/** The bare NestJS handler in its own process, started like main.ts (ts-node, transpile only). */
async function startBareHandler(teardown: Teardown): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', BARE_HANDLER_SCRIPT], {
    cwd: join(__dirname, '../../..'),
    env: {
      PATH: process.env['PATH'] ?? '',
      NODE_ENV: 'production',
      PORT: String(port),
      TS_NODE_PROJECT: 'apps/bench/tsconfig.app.json',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
    }
    await exited;
  };
  teardown.add(stop);
  const url = `http://127.0.0.1:${port}`;
  const outcome = await pollUntil(
    async () => {
      if (child.exitCode !== null) {
        return 'exited';
      }
      const answer = await fetch(`${url}/api/generic-api/webhooks/ready/products`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      return answer.status === 200 ? 'ready' : undefined;
    },
    {
      timeoutMs: BARE_HANDLER_READY_WITHIN_MS,
      intervalMs: 200,
      description: 'the bare NestJS handler to answer',
    },
  );
  if (outcome === 'exited') {
    throw new BenchFailure(`the bare NestJS handler exited with code ${child.exitCode}`);
  }
  return { url, stop };
}

async function waitForFullSync(context: BenchContext, products: number, startedAt: number): Promise<void> {
  let progressAt = Date.now() + PROGRESS_EVERY_MS;
  for (;;) {
    assertStillRunning(context.services, context.interrupted, 'full sync');
    const inSandbox = (await sandboxCounts(context.sandbox, context.installationId)).products;
    const now = Date.now();
    if (inSandbox >= products) {
      return;
    }
    if (now >= context.deadline) {
      throw new BenchFailure(
        `time limit reached during the full sync: ${n(inSandbox)} of ${n(products)} products`,
      );
    }
    if (now >= progressAt) {
      context.progress(`full sync, ${seconds(now - startedAt)}: ${n(inSandbox)} of ${n(products)} products`);
      progressAt = now + PROGRESS_EVERY_MS;
    }
    await pause(250, context.interrupted);
  }
}

/** The ShopiMind id of each demo product, read back from the records the full sync wrote. */
function shopimindIdsByIndex(sandbox: ShopimindSandbox, installationId: string): Map<number, string> {
  const ids = new Map<number, string>();
  for (const product of sandbox.products(installationId)) {
    const sku = DEMO_SKU.exec(String(product['reference']));
    if (sku !== null) {
      ids.set(Number(sku[1]), String(product['product_id']));
    }
  }
  return ids;
}

/**
 * The ShopiMind outage: it begins once the first update arrived, so it finds the pipeline mid-flight (records
 * already accepted, others on their way), and ends `durationMs` later, whether the webhooks are all sent or not.
 */
class OutageWindow {
  began: { at: number; arrivedBefore: number } | undefined;
  endedAt: number | undefined;

  constructor(
    private readonly sandbox: ShopimindSandbox,
    private readonly arrivals: PriceArrivals,
    private readonly durationMs: number,
  ) {}

  advance(): void {
    const now = Date.now();
    if (this.began === undefined) {
      const arrived = this.arrivals.arrived();
      if (arrived > 0) {
        this.sandbox.injectFaults({ status: 503 });
        this.began = { at: now, arrivedBefore: arrived };
      }
    } else if (this.endedAt === undefined && now >= this.began.at + this.durationMs) {
      this.sandbox.injectFaults(undefined);
      this.endedAt = now;
    }
  }
}

async function outagePhase(context: BenchContext, load: WebhookLoad, phase: number): Promise<OutageFigures> {
  const { options, sandbox, installationId } = context;
  const updates = prepareUpdates(context, phase, options.outageUpdates);
  const logMark = sandbox.requestLog(installationId).length;
  const acceptanceMark = context.acceptanceMark;
  const outage = new OutageWindow(sandbox, updates.arrivals, options.outageSeconds * 1000);
  const { sent, figures } = await whileSending(
    context,
    updates.arrivals,
    load.sendAll(updates.webhooks, context.interrupted),
    () => outage.advance(),
  );
  updates.arrivals.answered(sent);
  context.progress(`outage: ${n(sent.length)} webhooks sent (${n(figures.non200)} non-200)`);
  while (outage.began === undefined || outage.endedAt === undefined) {
    assertStillRunning(context.services, context.interrupted, 'outage');
    if (Date.now() >= context.deadline) {
      throw new BenchFailure(`time limit of ${options.timeLimitMinutes} min reached during the outage`);
    }
    readAcceptances(context, updates.arrivals);
    outage.advance();
    await pause(POLL_INTERVAL_MS, context.interrupted);
  }
  const { began, endedAt } = outage;
  context.progress(
    `outage: fault cleared after ${seconds(endedAt - began.at)} (${n(began.arrivedBefore)} updates applied before it); waiting for the sandbox`,
  );
  await waitForArrivals(context, 'outage', updates.arrivals);
  await waitForQuietSandbox(context, 'outage', { quietMs: QUIET_SANDBOX_MS, pollMs: POLL_INTERVAL_MS });
  readAcceptances(context, updates.arrivals);
  const writes = sandbox
    .requestLog(installationId)
    .slice(logMark)
    .filter((entry) => entry.method === 'POST' && PRODUCT_WRITE_PATH.test(entry.path));
  const lastArrivalAt = updates.arrivals.figures().lastArrivalAt;
  return {
    updates: options.outageUpdates,
    arrivedBeforeFault: began.arrivedBefore,
    faultMs: endedAt - began.at,
    send: figures,
    arrivals: phaseArrivals(updates.arrivals, sent),
    recordsWritten: sandbox.productAcceptances(installationId, acceptanceMark).length,
    recordsSent: writes.reduce((sum, entry) => sum + entry.itemCount, 0),
    recoveredMs: lastArrivalAt === undefined ? undefined : Math.max(0, lastArrivalAt - endedAt),
  };
}

/**
 * The gateway benchmark (issue #17): its own PostgreSQL, nats-server, demo store and ShopiMind sandbox (0 ms) on
 * loopback, the built gateway, sync and push; install + activate and a complete full sync; then a bare NestJS
 * handler as the baseline, and signed `product.updated` store webhooks: ingestion, bursts to ShopiMind, a
 * sustained rate, and a ShopiMind outage.
 */
export async function runGatewayBench(
  options: GatewayBenchOptions,
  progress: ProgressLine,
  interrupted: AbortSignal,
): Promise<GatewayBenchResult> {
  const deadline = Date.now() + options.timeLimitMinutes * 60_000;
  const products = productsNeeded(options);
  const teardown = new Teardown();
  let services: ServiceProcess[] = [];
  try {
    progress('starting PostgreSQL, nats-server -js, the demo store and the ShopiMind sandbox');
    const { databaseUrl, natsUrl, postgresPid, natsPid } = await startDatabaseAndBus(
      teardown,
      'storebridge_gateway_bench',
    );
    const storeApiKey = randomBytes(16).toString('hex');
    const store = await startDemoStore({ productCount: products, orderCount: 0, apiKey: storeApiKey });
    teardown.add(() => store.close());
    // Room for the full sync's records and the largest phase's, several times over.
    const sandbox = await startShopimindSandbox({ latencyMs: 0, productAcceptLogCapacity: 4 * products });
    teardown.add(() => sandbox.close());

    const { env, webhookSecret } = serviceEnv({ databaseUrl, natsUrl, shopimindApiUrl: sandbox.url });
    progress('starting gateway, sync and push (dist/apps/*/main.js, NODE_ENV=production)');
    services = await startAll(
      teardown,
      (['gateway', 'sync', 'push'] as const).map((name) => startServiceProcess(name, env)),
      (service) => service.stop(),
    );
    const gatewayUrl = services[0].url;
    const storeWebhookSecret = randomBytes(24).toString('hex');
    const lifecycle = {
      secret: webhookSecret,
      configs: benchShopConfigs(
        store,
        { apiKey: storeApiKey, webhookSecret: storeWebhookSecret },
        STORE_PAGE_SIZE,
      ),
    };
    const installationId = await installBenchShop(sandbox, gatewayUrl, lifecycle);
    progress(`full sync of ${n(products)} products`);
    const fullSyncFrom = Date.now();
    await activateBenchShop(sandbox, gatewayUrl, installationId, lifecycle);
    const database = new Client({ connectionString: databaseUrl });
    await database.connect();
    const connection = await findConnection(database, installationId).finally(() => database.end());
    const context: BenchContext = {
      options,
      deadline,
      services,
      sandbox,
      installationId,
      progress,
      interrupted,
      shopimindIds: new Map(),
      webhookPath: `/api/generic-api/webhooks/${encodeURIComponent(connection.storeToken)}/products`,
      storeWebhookSecret,
      acceptanceMark: 0,
    };
    await waitForFullSync(context, products, fullSyncFrom);
    const fullSyncMs = Date.now() - fullSyncFrom;
    context.shopimindIds = shopimindIdsByIndex(sandbox, installationId);
    context.acceptanceMark = sandbox.productAcceptances(installationId).at(-1)?.sequence ?? 0;
    const [loadAtStart] = loadavg();

    progress(
      `full sync done in ${seconds(fullSyncMs)}; the bare NestJS handler: ${n(options.webhooks)} webhooks`,
    );
    let phase = 1;
    const ingestionUpdates = prepareUpdates(context, phase, options.webhooks);
    const bareHandler = await startBareHandler(teardown);
    const bareLoad = new WebhookLoad(bareHandler.url, options.connections);
    const bare = (await bareLoad.sendAll(ingestionUpdates.webhooks, interrupted)).figures;
    await bareLoad.close();
    await bareHandler.stop();

    const load = new WebhookLoad(gatewayUrl, options.connections);
    teardown.add(() => load.close());
    progress(`ingestion: ${n(options.webhooks)} webhooks to the gateway`);
    const ingestionCpu = benchProcessesCpu(services, { postgresPid, natsPid }, 'load + demo store + sandbox');
    await ingestionCpu.start();
    const ingestion = await burstPhase(context, load, 'ingestion', ingestionUpdates);
    const ingestionCpuShares = await ingestionCpu.take();

    const bursts: BurstFigures[] = [];
    for (const updates of options.bursts) {
      phase += 1;
      progress(`burst of ${n(updates)} updates`);
      const burst = await burstPhase(
        context,
        load,
        `burst of ${n(updates)}`,
        prepareUpdates(context, phase, updates),
      );
      bursts.push({ updates, ...burst });
    }

    phase += 1;
    progress(`sustained: ${n(options.rate)} webhooks/s for ${options.seconds} s`);
    const sustainedUpdates = prepareUpdates(context, phase, options.rate * options.seconds);
    const paced = await whileSending(
      context,
      sustainedUpdates.arrivals,
      load.sendPaced(sustainedUpdates.webhooks, options.rate, interrupted),
    );
    sustainedUpdates.arrivals.answered(paced.sent);
    await waitForArrivals(context, 'sustained', sustainedUpdates.arrivals);
    const sustained = { send: paced.figures, arrivals: phaseArrivals(sustainedUpdates.arrivals, paced.sent) };

    phase += 1;
    progress(
      `outage: ${n(options.outageUpdates)} updates, the sandbox answering 503 for ${options.outageSeconds} s`,
    );
    const outage = await outagePhase(context, load, phase);
    const [loadAtEnd] = loadavg();
    assertStillRunning(services, interrupted, 'last phase');

    return {
      options,
      products,
      fullSyncMs,
      bare,
      ingestion: ingestion.send,
      ingestionArrivals: ingestion.arrivals,
      ingestionCpu: ingestionCpuShares,
      bursts,
      sustained,
      outage,
      machine: { cores: availableParallelism(), loadAtStart, loadAtEnd },
      notes: [],
    };
  } catch (error) {
    printServiceOutput(services);
    throw error;
  } finally {
    progress('stopping the services, PostgreSQL and nats-server');
    await teardown.run();
  }
}
