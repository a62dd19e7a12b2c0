import { randomBytes, randomUUID } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { startServiceProcess, type ServiceProcess } from '@storebridge/built-apps';
import { publishSubject, STREAM_NAME, Subjects } from '@storebridge/contracts';
import { startDemoStore } from '@storebridge/demo-store';
import { streamConfig } from '@storebridge/messaging';
import { startShopimindSandbox, type ShopimindSandbox } from '@storebridge/shopimind-sandbox';
import { connect, type JetStreamClient } from 'nats';
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
  startAll,
  startDatabaseAndBus,
  Teardown,
  type ProgressLine,
} from './bench-harness';
import type { PushBenchOptions } from './bench-options';
import { summarizeCpuProfile, type CpuProfileSummary } from './cpu-profile';
import { CPU_PROFILE_INTERVAL_US, CpuProfileCapture } from './cpu-profile-capture';
import { MemorySampler } from './memory-sampler';
import { readProcCpuSeconds } from './proc-status';
import { summarizeRequests, type PushBenchResult } from './push-bench-report';
import { productsChangedMessages, type BenchMessage } from './push-messages';
import { n, seconds } from './report-format';
import { loggableErrorText } from '@storebridge/security';

const POLL_INTERVAL_MS = 250;
/** Products that stop reaching the sandbox for this long are reported as "pushed k of N". */
const GRACE_MS = 30_000;
const PROGRESS_EVERY_MS = 5_000;
/** Messages awaiting their PubAck at once: enough to stay ahead of push without one huge burst. */
const PUBLISHES_IN_FLIGHT = 16;
/** The push bundle: its frames are "our code" in the profile. */
const PUSH_SCRIPT = 'dist/apps/push/main.js';
const PRODUCT_WRITE_PATH = /^\/v1\/products\/?$/;

const encoder = new TextEncoder();

/** A message ready to go: built and serialized before the clock starts. */
interface PreparedMessage {
  subject: string;
  messageId: string;
  data: Uint8Array;
}

/**
 * Builds and serializes every message up front: generating and normalizing the demo products costs seconds of CPU,
 * which would otherwise be taken from push while it is being measured.
 */
function prepareAll(messages: Iterable<BenchMessage>): PreparedMessage[] {
  return Array.from(messages, ({ messageId, event }) => ({
    // On the connection's partition, as the messaging lib's publisher does.
    subject: publishSubject(Subjects.productsChanged, event),
    messageId,
    data: encoder.encode(JSON.stringify(event)),
  }));
}

/** As sync does: each message is stored once (de-duplicated by its id) and acknowledged by the stream. */
async function publishAll(
  js: JetStreamClient,
  messages: readonly PreparedMessage[],
  interrupted: AbortSignal,
): Promise<number> {
  let next = 0;
  const publisher = async () => {
    // The workers share one cursor, taken synchronously: no message is published twice.
    while (next < messages.length) {
      if (interrupted.aborted) {
        throw new BenchFailure('interrupted while publishing');
      }
      const { subject, messageId, data } = messages[next];
      next += 1;
      await js.publish(subject, data, { msgID: messageId, expect: { streamName: STREAM_NAME } });
    }
  };
  await Promise.all(Array.from({ length: PUBLISHES_IN_FLIGHT }, publisher));
  return messages.length;
}

interface Delivery {
  inSandbox: number;
  notes: string[];
}

/** Waits until the sandbox holds every product, or they stopped coming for `GRACE_MS`. */
async function waitForSandbox(
  context: {
    options: PushBenchOptions;
    push: ServiceProcess;
    sandbox: ShopimindSandbox;
    installationId: string;
    startedAt: number;
    deadline: number;
    progress: ProgressLine;
    interrupted: AbortSignal;
  },
  expected: number,
): Promise<Delivery> {
  let seen = -1;
  let movedAt = Date.now();
  let progressAt = Date.now() + PROGRESS_EVERY_MS;
  for (;;) {
    assertStillRunning([context.push], context.interrupted, 'push');
    const { products } = await sandboxCounts(context.sandbox, context.installationId);
    const now = Date.now();
    if (products >= expected) {
      return { inSandbox: products, notes: [] };
    }
    if (products !== seen) {
      seen = products;
      movedAt = now;
    }
    if (now - movedAt >= GRACE_MS) {
      return {
        inSandbox: products,
        notes: [`pushed ${n(products)} of ${n(expected)} products (no progress for ${GRACE_MS / 1000} s)`],
      };
    }
    if (now >= context.deadline) {
      throw new BenchFailure(
        `time limit of ${context.options.timeLimitMinutes} min reached: ${n(products)} of ${n(expected)} products in the sandbox`,
      );
    }
    if (now >= progressAt) {
      context.progress(
        `${seconds(now - context.startedAt)}: ${n(products)} of ${n(expected)} products in the sandbox`,
      );
      progressAt = now + PROGRESS_EVERY_MS;
    }
    await pause(POLL_INTERVAL_MS, context.interrupted);
  }
}

/**
 * The push benchmark: its own PostgreSQL, nats-server, ShopiMind sandbox (with latency) and the built push
 * service, profiled. The gateway runs only to install and activate the shop the way ShopiMind does (an installation
 * with an encrypted access token and a store connection, against an empty demo store: nothing of its own to sync;
 * no sync service runs anyway), then stops. The products are published straight onto JetStream as sync would.
 */
export async function runPushBench(
  options: PushBenchOptions,
  progress: ProgressLine,
  interrupted: AbortSignal,
): Promise<PushBenchResult> {
  const deadline = Date.now() + options.timeLimitMinutes * 60_000;
  const teardown = new Teardown();
  let services: ServiceProcess[] = [];
  try {
    progress('starting PostgreSQL, nats-server -js, an empty demo store and the ShopiMind sandbox');
    const { databaseUrl, natsUrl } = await startDatabaseAndBus(teardown, 'storebridge_push_bench');
    const storeApiKey = randomBytes(16).toString('hex');
    // The activation proves the store answers; with nothing in it, no sync could publish products of its own.
    const store = await startDemoStore({ productCount: 0, orderCount: 0, apiKey: storeApiKey });
    teardown.add(() => store.close());
    const sandbox = await startShopimindSandbox({ latencyMs: options.shopimindLatencyMs });
    teardown.add(() => sandbox.close());
    const capture = await CpuProfileCapture.create();
    teardown.add(() => capture.remove());

    const { env, webhookSecret } = serviceEnv({ databaseUrl, natsUrl, shopimindApiUrl: sandbox.url });
    progress(
      'starting gateway and push (dist/apps/*/main.js, NODE_ENV=production; push with the CPU profiler)',
    );
    services = await startAll(
      teardown,
      [startServiceProcess('gateway', env), startServiceProcess('push', { ...env, ...capture.env() })],
      (service) => service.stop(),
    );
    const [gateway, push] = services;
    const sampler = new MemorySampler([{ name: 'push', pid: push.pid }]);
    sampler.start();
    teardown.add(() => sampler.stop());

    const lifecycle = {
      secret: webhookSecret,
      configs: benchShopConfigs(
        store,
        { apiKey: storeApiKey, webhookSecret: randomBytes(24).toString('hex') },
        options.pageSize,
      ),
    };
    const installationId = await installBenchShop(sandbox, gateway.url, lifecycle);
    await activateBenchShop(sandbox, gateway.url, installationId, lifecycle);
    const database = new Client({ connectionString: databaseUrl });
    await database.connect();
    const connection = await findConnection(database, installationId).finally(() => database.end());
    progress('shop installed and activated; stopping the gateway: only push runs while measuring');
    await gateway.stop();
    services = [push];

    const nats = await connect({ servers: natsUrl, name: 'push-bench' });
    teardown.add(() => nats.close());
    const jsm = await nats.jetstreamManager();
    // Push created the stream at start-up; this only makes sure.
    await jsm.streams.info(STREAM_NAME).catch(() => jsm.streams.add(streamConfig()));

    progress(`building ${n(options.products)} products in messages of ${options.pageSize}`);
    const prepared = prepareAll(
      productsChangedMessages({
        connectionId: connection.id,
        syncRunId: randomUUID(),
        products: options.products,
        pageSize: options.pageSize,
      }),
    );
    // Everything push did so far (start-up, migrations) is left out of the profile and the CPU time.
    await capture.take(push.pid);
    const pushCpuBefore = await readProcCpuSeconds(push.pid);
    const benchCpuBefore = process.cpuUsage();
    const logMark = sandbox.requestLog(installationId).length;
    const [loadAtStart] = loadavg();
    const startedAt = Date.now();
    progress(`publishing ${n(prepared.length)} messages`);
    const messages = await publishAll(nats.jetstream(), prepared, interrupted);
    const publishMs = Date.now() - startedAt;
    progress(`published ${n(messages)} messages in ${seconds(publishMs)}; waiting for the sandbox`);
    const delivery = await waitForSandbox(
      { options, push, sandbox, installationId, startedAt, deadline, progress, interrupted },
      options.products,
    );
    const windowMs = Date.now() - startedAt;
    const pushCpuAfter = await readProcCpuSeconds(push.pid);
    const benchCpu = process.cpuUsage(benchCpuBefore);
    const [loadAtEnd] = loadavg();

    const notes = [...delivery.notes];
    let profile: CpuProfileSummary | undefined;
    try {
      profile = summarizeCpuProfile(await capture.take(push.pid), { ourScript: PUSH_SCRIPT });
    } catch (error) {
      notes.push(`no CPU profile: ${loggableErrorText(error)}`);
    }
    // Read before anything stops: VmHWM dies with the process.
    const [memory] = await sampler.finish();
    const requests = sandbox.requestLog(installationId).slice(logMark);
    const productWrites = requests
      .filter((entry) => entry.status === 200 && entry.itemCount > 0 && PRODUCT_WRITE_PATH.test(entry.path))
      .map((entry) => Date.parse(entry.at));
    return {
      options,
      messages,
      publishMs,
      deliveredMs: productWrites.length === 0 ? undefined : Math.max(...productWrites) - startedAt,
      inSandbox: delivery.inSandbox,
      requests: summarizeRequests(requests),
      windowMs,
      pushCpuSeconds:
        pushCpuBefore === undefined || pushCpuAfter === undefined ? undefined : pushCpuAfter - pushCpuBefore,
      benchCpuSeconds: (benchCpu.user + benchCpu.system) / 1_000_000,
      memory,
      profile,
      profileIntervalUs: CPU_PROFILE_INTERVAL_US,
      machine: { cores: availableParallelism(), loadAtStart, loadAtEnd },
      notes,
    };
  } catch (error) {
    printServiceOutput(services);
    throw error;
  } finally {
    progress('stopping push, PostgreSQL and nats-server');
    await teardown.run();
  }
}
