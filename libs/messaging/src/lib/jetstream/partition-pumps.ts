import { PartitionedSubject, STREAM_NAME } from '@storebridge/contracts';
import { JetStreamClient } from 'nats';
import { durableName } from '../consumer-naming';
import { FairScheduler } from '../fair-scheduler';
import { DeliveryOutcome } from '../message.dispatcher';
import { EventSubscriptionOptions } from '../messaging.transport';
import { PartitionDiscovery } from '../partition-discovery';
import { coalescedTurns, MergedRunner, readForCoalescing } from './coalesced-runs';
import { PartitionPauses } from './partition-pauses';
import { PendingMessage, PullContext, PulledMessages } from './pulling';

/**
 * A partition's pull that finds nothing for this long ends its pump (discovery starts it again once the partition
 * has work): an idle shop holds no open pull. Short, because a pull the server forgot in a restart, or a failed
 * check of the durable after a reconnect, holds the partition back for this long.
 */
const PARTITION_IDLE_MS = 5_000;
/**
 * What one no_wait pull of a coalescing partition takes at most: enough one-record webhooks to fill a merged
 * payload or two, few enough full crawl pages (each handled alone) to keep the others for other replicas.
 */
const COALESCING_PULL = 50;
/**
 * A no_wait pull also gives an expiry: without one, nats.js ends a pull at the first message the server counts
 * nothing pending after, which is every redelivery (a retried or paused message, a dead replica's messages), and
 * drops the rest of the batch until its ack wait. With one, the server ends the pull once it has sent what is
 * available, or at the expiry when nothing is.
 */
const NO_WAIT_PULL_EXPIRES_MS = 1_000;
/**
 * A coalescing partition whose pull came back with fewer messages than it asked for waits this long before the
 * next pull. Each run has a fixed cost (its statements, its ShopiMind calls, its acks): webhooks arriving one by
 * one would otherwise be pulled a few at a time as soon as a run starts, and a steady stream would cost a run every
 * few records. The first message after a quiet spell is not held: the wait follows a pull, it never precedes one.
 */
export const COALESCING_LINGER_MS = 50;

/** A partitioned subject (see PartitionKeyFields): one durable per key. */
export type PartitionedSubscription = EventSubscriptionOptions & { subject: PartitionedSubject };

/**
 * Pumps the partitions of one partitioned subject, each from its own durable and on its own, while discovery
 * finds them with work. The partitions take the handler's slots in turn, and a pause asked for by the handler
 * holds back its partition only.
 */
export class PartitionPumps {
  private readonly scheduler: FairScheduler<string>;
  /** The running pumps, by the filter subject of their partition. */
  private readonly pumps = new Map<string, Promise<void>>();
  private readonly pauses: PartitionPauses;
  private readonly merged: MergedRunner;

  constructor(
    readonly subscription: PartitionedSubscription,
    private readonly context: PullContext,
  ) {
    this.scheduler = new FairScheduler(subscription.concurrency);
    this.pauses = new PartitionPauses(context.lifecycle);
    this.merged = new MergedRunner(context);
  }

  /** The pumps running now, for shutdown to wait for. */
  running(): Array<Promise<void>> {
    return [...this.pumps.values()];
  }

  /** Pumps the partition, unless a pump already does or shutdown began. */
  start(partition: string): void {
    if (this.context.lifecycle.stopping || this.pumps.has(partition)) {
      return;
    }
    const pump = this.pump(partition)
      .catch((error: unknown) =>
        this.context.logger.warn(`Consuming ${partition} failed; discovery restarts it: ${String(error)}`),
      )
      .finally(() => this.pumps.delete(partition));
    this.pumps.set(partition, pump);
  }

  /**
   * Serves one partition until a pull finds nothing for PARTITION_IDLE_MS. Messages first, then slots: a partition
   * waits for its turn holding the messages it pulled (heartbeating them), never holding a slot it has no message
   * for, which a busy partition could use. While messages keep coming it takes what the stream has, up to a slot's
   * worth per pull; only an empty partition leaves a pull waiting on the server, for one message. A pull still
   * open there would take in a message handed back at shutdown (or after a pause), which then waits out its ack
   * wait.
   */
  private async pump(partition: string): Promise<void> {
    const { connection, serviceName, lifecycle } = this.context;
    const js = await connection.jetStream();
    const durable = durableName(serviceName, partition);
    const consumer = await js.consumers.get(STREAM_NAME, durable);
    for (;;) {
      await this.pauses.untilResumed(partition);
      if (lifecycle.stopping) {
        return;
      }
      const received = await this.serve(partition, this.pullAvailable(js, durable));
      if (received > 0) {
        if (this.subscription.coalesce && received < this.pullSize()) {
          await new Promise((resolve) => setTimeout(resolve, COALESCING_LINGER_MS));
        }
        continue;
      }
      const next = await consumer.fetch({ max_messages: 1, expires: PARTITION_IDLE_MS });
      if ((await this.serve(partition, next)) === 0) {
        return;
      }
    }
  }

  /**
   * What the partition's durable has now, up to a slot's worth, in a pull the server ends once it has sent that.
   * This is the one pull still made with the deprecated `js.fetch`: the consumer API of nats.js 2.x sends no
   * no_wait, so its pulls stay on the server until full or expired (1 s at least), and stopping one only
   * unsubscribes. A message handed back while such a pull is still on the server, its inbox gone, is dropped
   * from the redelivery queue until its ack wait, and the durable's last message is delivered a second time.
   * Sizing the pull from `consumer.info()` does not avoid it: `num_pending` leaves out the redeliveries (then
   * pulled one by one, unmerged), and another replica may take what was counted, leaving the pull open.
   */
  private pullAvailable(js: JetStreamClient, durable: string): PulledMessages {
    return js.fetch(STREAM_NAME, durable, {
      batch: this.pullSize(),
      no_wait: true,
      expires: NO_WAIT_PULL_EXPIRES_MS,
    });
  }

  /** The most messages one pull of what is available asks for. */
  private pullSize(): number {
    const { concurrency, coalesce } = this.subscription;
    return coalesce ? Math.max(concurrency, COALESCING_PULL) : concurrency;
  }

  /**
   * Runs each message of one pull in its partition's turn, or for a coalescing handler each run of small messages
   * (see coalescedTurns); resolves with how many messages came, once all have started.
   */
  private async serve(partition: string, messages: PulledMessages): Promise<number> {
    const { lifecycle, heartbeats } = this.context;
    const { coalesce } = this.subscription;
    lifecycle.openPull(messages);
    const started: Array<Promise<void>> = [];
    const pending: PendingMessage[] = [];
    let received = 0;
    try {
      // The pull is sent on the first iteration: none when stopping.
      if (lifecycle.stopping) {
        return 0;
      }
      for await (const msg of messages) {
        received += 1;
        // From its arrival: a message may wait a while for its turn.
        const stopHeartbeat = heartbeats.keepAlive(msg);
        if (coalesce) {
          // Grouped once the pull is complete (a no_wait pull completes at once).
          pending.push({ msg, stopHeartbeat, ...readForCoalescing(coalesce, msg) });
        } else {
          started.push(this.runAlone(partition, { msg, stopHeartbeat }));
        }
      }
    } finally {
      lifecycle.closePull(messages);
    }
    if (coalesce) {
      const onMergeFailure = (group: readonly PendingMessage[], error: unknown) =>
        this.context.logger.warn(
          `Could not merge ${group.length} messages of ${partition}, running them one by one: ${String(error)}`,
        );
      for (const turn of coalescedTurns(coalesce, pending, onMergeFailure)) {
        started.push(
          turn.kind === 'alone'
            ? this.runAlone(partition, turn.message)
            : this.runInTurn(partition, turn.group, () =>
                this.merged.run(turn.group, turn.payload, this.subscription.handler),
              ),
        );
      }
    }
    await Promise.all(started);
    return received;
  }

  private runAlone(partition: string, pending: PendingMessage): Promise<void> {
    return this.runInTurn(partition, [pending], () =>
      this.context.runner.run(pending, this.subscription.handler),
    );
  }

  /**
   * Waits for the partition's turn, then runs `run` (one handler call for `messages`, settling them) in that slot;
   * pulled messages that cannot start (shutdown, pause) go back to the stream instead.
   */
  private async runInTurn(
    partition: string,
    messages: PendingMessage[],
    run: () => Promise<DeliveryOutcome>,
  ): Promise<void> {
    const { lifecycle, settler } = this.context;
    const releaseSlot = await this.scheduler.acquire(partition);
    const pausedMs = this.pauses.pausedMs(partition);
    if (lifecycle.stopping || pausedMs > 0) {
      // Pulled but not started: back to the stream, at once for another replica, or for after the pause.
      releaseSlot();
      settler.handBack(messages, lifecycle.stopping ? 0 : pausedMs);
      return;
    }
    lifecycle.track(
      run()
        .then((outcome) => this.pauses.pauseIfAsked(partition, outcome))
        .finally(releaseSlot),
    );
  }
}

/** Finds the partitions with work every `intervalMs` until shutdown, and pumps each that has no pump running. */
export async function discoverPartitions(
  discovery: PartitionDiscovery,
  partitioned: readonly PartitionPumps[],
  intervalMs: number,
  { lifecycle, logger }: Pick<PullContext, 'lifecycle' | 'logger'>,
): Promise<void> {
  while (!lifecycle.stopping) {
    try {
      const withWork = await discovery.discover(partitioned.map(({ subscription }) => subscription.subject));
      for (const pumps of partitioned) {
        for (const partition of withWork.get(pumps.subscription.subject) ?? []) {
          pumps.start(partition);
        }
      }
    } catch (error) {
      logger.warn(`Discovering partitions failed, trying again: ${String(error)}`);
    }
    await lifecycle.sleep(intervalMs);
  }
}
