import type { SyncRunSummary } from './sync-runs';

export type WatchedEntity = 'products' | 'orders';

export interface WatchedEntityExpectation {
  entity: WatchedEntity;
  /** Records the demo store holds: what the sandbox must end up with. */
  storeCount: number;
  /** Orders are still being wired into sync and push: their run may never appear. */
  runMayNeverCome: boolean;
}

export interface PhaseWatchOptions {
  /** Full sync: an entity is done once the sandbox holds all its records; re-sync: once its run finished. */
  waitForSandbox: boolean;
  /** How long to wait for a run that has not appeared, or for a sandbox count that stopped moving. */
  graceMs: number;
}

/** One poll of the database and the sandbox, `elapsedMs` after the phase's trigger. */
export interface PhaseObservation {
  elapsedMs: number;
  runs: readonly SyncRunSummary[];
  inSandbox: Readonly<Record<WatchedEntity, number>>;
}

export type EntityProgress =
  | { state: 'awaiting_run' }
  | { state: 'running'; run: SyncRunSummary }
  | { state: 'pushing'; run: SyncRunSummary; inSandbox: number }
  | { state: 'done'; run: SyncRunSummary; inSandbox: number }
  | { state: 'run_failed'; run: SyncRunSummary; inSandbox: number }
  | { state: 'no_run' }
  | { state: 'stalled'; run: SyncRunSummary; inSandbox: number };

export interface PhaseStatus {
  /** Every entity reached a state the phase does not wait beyond. */
  settled: boolean;
  entities: Array<{ entity: WatchedEntity; progress: EntityProgress }>;
  /** What is still awaited, for progress lines and the time-limit error. */
  pending: string[];
  /** What ended otherwise than "done", for the report. */
  notes: string[];
}

const TERMINAL: ReadonlySet<EntityProgress['state']> = new Set(['done', 'run_failed', 'no_run', 'stalled']);

interface Tracked {
  expectation: WatchedEntityExpectation;
  signature: string | undefined;
  movedAtMs: number;
}

const n = (value: number): string => value.toLocaleString('en-US');

/**
 * Decides, poll after poll, when a sync phase is over without ever hanging on what may not come: a run that has
 * not appeared `graceMs` after the other entities settled is "not synced", and a finished run whose records stopped
 * reaching the sandbox for `graceMs` is "pushed k of N". Pure: time is the observation's `elapsedMs`.
 */
export class PhaseWatch {
  private readonly tracked: Tracked[];
  private othersSettledAtMs: number | undefined;

  constructor(
    expectations: readonly WatchedEntityExpectation[],
    private readonly options: PhaseWatchOptions,
  ) {
    this.tracked = expectations.map((expectation) => ({ expectation, signature: undefined, movedAtMs: 0 }));
  }

  observe(observation: PhaseObservation): PhaseStatus {
    const progress = this.tracked.map((tracked) => this.progressOf(tracked, observation));
    const required = this.tracked.filter(({ expectation }) => !expectation.runMayNeverCome);
    const requiredSettled = required.every((tracked) =>
      TERMINAL.has(progress[this.tracked.indexOf(tracked)].state),
    );
    this.othersSettledAtMs = requiredSettled ? (this.othersSettledAtMs ?? observation.elapsedMs) : undefined;
    const entities = this.tracked.map((tracked, index) => ({
      entity: tracked.expectation.entity,
      progress: this.giveUpOnMissingRun(tracked, progress[index], observation.elapsedMs),
    }));
    return {
      settled: entities.every(({ progress: p }) => TERMINAL.has(p.state)),
      entities,
      pending: entities.flatMap(({ entity, progress: p }) => this.describePending(entity, p)),
      notes: entities.flatMap(({ entity, progress: p }) => this.describeEnding(entity, p)),
    };
  }

  private progressOf(tracked: Tracked, observation: PhaseObservation): EntityProgress {
    const { entity, storeCount } = tracked.expectation;
    const run = observation.runs.filter((candidate) => candidate.entity === entity).at(-1);
    const inSandbox = observation.inSandbox[entity];
    const signature =
      run === undefined ? undefined : `${run.id}:${run.status}:${run.pagesFetched}:${inSandbox}`;
    if (signature !== tracked.signature) {
      tracked.signature = signature;
      tracked.movedAtMs = observation.elapsedMs;
    }
    if (run === undefined) {
      return { state: 'awaiting_run' };
    }
    switch (run.status) {
      case 'running':
        return { state: 'running', run };
      case 'failed':
        return { state: 'run_failed', run, inSandbox };
    }
    if (!this.options.waitForSandbox || inSandbox >= storeCount) {
      return { state: 'done', run, inSandbox };
    }
    return observation.elapsedMs - tracked.movedAtMs >= this.options.graceMs
      ? { state: 'stalled', run, inSandbox }
      : { state: 'pushing', run, inSandbox };
  }

  private giveUpOnMissingRun(tracked: Tracked, progress: EntityProgress, elapsedMs: number): EntityProgress {
    const waitedLongEnough =
      this.othersSettledAtMs !== undefined && elapsedMs - this.othersSettledAtMs >= this.options.graceMs;
    return progress.state === 'awaiting_run' && tracked.expectation.runMayNeverCome && waitedLongEnough
      ? { state: 'no_run' }
      : progress;
  }

  private storeCountOf(entity: WatchedEntity): number {
    return this.tracked.find(({ expectation }) => expectation.entity === entity)?.expectation.storeCount ?? 0;
  }

  private describePending(entity: WatchedEntity, progress: EntityProgress): string[] {
    switch (progress.state) {
      case 'awaiting_run':
        return [`${entity} run: not started`];
      case 'running':
        return [
          `${entity} run: running, ${n(progress.run.pagesFetched)} pages, ${n(progress.run.recordsSeen)} records seen`,
        ];
      case 'pushing':
        return [`sandbox ${entity}: ${n(progress.inSandbox)} of ${n(this.storeCountOf(entity))}`];
      case 'done':
      case 'run_failed':
      case 'no_run':
      case 'stalled':
        return [];
    }
  }

  private describeEnding(entity: WatchedEntity, progress: EntityProgress): string[] {
    const seconds = Math.round(this.options.graceMs / 1000);
    switch (progress.state) {
      case 'run_failed':
        return [
          `${entity} run failed: ${progress.run.error ?? 'no error recorded'} (${entity} pushed: ${n(progress.inSandbox)} of ${n(this.storeCountOf(entity))})`,
        ];
      case 'no_run':
        return [
          `${entity}: not synced (no ${entity} run; none appeared ${seconds} s after the rest was done)`,
        ];
      case 'stalled':
        return [
          `${entity} pushed: ${n(progress.inSandbox)} of ${n(this.storeCountOf(entity))} (no progress for ${seconds} s after the run finished)`,
        ];
      case 'awaiting_run':
      case 'running':
      case 'pushing':
      case 'done':
        return [];
    }
  }
}
