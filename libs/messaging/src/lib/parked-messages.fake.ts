import {
  ParkedFailure,
  ParkedMessageEntry,
  ParkedMessageListener,
  ParkedMessageStore,
} from './parked-message.store';

/** Keeps parked messages in memory; `failing` makes `park` throw, like a database that is down. */
export class RecordingParkedMessageStore extends ParkedMessageStore {
  readonly parked: ParkedMessageEntry[] = [];
  failing?: Error;

  async park(entry: ParkedMessageEntry): Promise<void> {
    if (this.failing) {
      throw this.failing;
    }
    this.parked.push(entry);
  }
}

/** Records what it was told about the parked messages of `subject`; `failing` makes it throw. */
export class RecordingParkedMessageListener extends ParkedMessageListener {
  readonly calls: Array<{ payload: unknown; failure: ParkedFailure }> = [];
  failing?: Error;

  constructor(readonly subject: string) {
    super();
  }

  async onParked(payload: unknown, failure: ParkedFailure): Promise<void> {
    if (this.failing) {
      throw this.failing;
    }
    this.calls.push({ payload, failure });
  }
}
