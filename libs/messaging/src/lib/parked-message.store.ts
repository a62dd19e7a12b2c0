/** What a parked message failed with: never the values it was handling. */
export interface ParkedFailure {
  /** The error's class name, e.g. `QueryFailedError`. */
  name: string;
  /** The error's code when it has one (a PostgreSQL SQLSTATE, a Node.js or NATS code). */
  code?: string;
  message: string;
  /** How many deliveries in a row failed this same way. */
  attempts: number;
}

/** A message taken out of redelivery because its handler kept failing the same way. */
export interface ParkedMessageEntry {
  subject: string;
  /** The stream sequence (JetStream), or the in-process bus's sequence in embedded mode. */
  sequence: number;
  /** The payload's text as it was published. */
  payload: string;
  failure: ParkedFailure;
  firstFailedAt: Date;
  lastFailedAt: Date;
}

/**
 * Port of the durable dead-letter store, a DI token: the runtime binds it to the database's `parked_messages`
 * table. Without a binding nothing is parked and failing messages are redelivered for ever.
 */
export abstract class ParkedMessageStore {
  /** Throws when the message could not be stored; it is then redelivered, not dropped. */
  abstract park(entry: ParkedMessageEntry): Promise<void>;
}

/**
 * Extend it in a provider of the module that handles `subject` to react when one of its messages is parked (a
 * sync request: finish its run as failed). Found among the app's providers; a partition of `subject` matches too.
 * A listener that throws leaves the message to be redelivered and parked again, so it must be idempotent.
 */
export abstract class ParkedMessageListener {
  abstract readonly subject: string;
  abstract onParked(payload: unknown, failure: ParkedFailure): Promise<void>;
}
