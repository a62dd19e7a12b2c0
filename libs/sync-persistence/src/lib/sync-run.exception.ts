import { RecordKind } from '@storebridge/persistence';

/** A second crawl of the same store and entity was refused: one is already running (maybe on another replica). */
export class SyncRunAlreadyRunningException extends Error {
  constructor(
    readonly connectionId: string,
    readonly entity: RecordKind,
  ) {
    super(`A ${entity} sync is already running for connection ${connectionId}`);
    this.name = 'SyncRunAlreadyRunningException';
  }
}
