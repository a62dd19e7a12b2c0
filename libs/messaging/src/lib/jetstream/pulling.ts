import { Logger } from '@nestjs/common';
import { JsMsg } from 'nats';
import { JetStreamConnection } from '../jetstream.connection';
import { MessageDispatcher } from '../message.dispatcher';
import type { ConsumerLifecycle } from './consumer-lifecycle';
import type { Heartbeats } from './heartbeats';
import type { MessageRunner } from './message-runner';
import type { MessageSettler } from './settling';

/** Ends a message's heartbeat; calling it again does nothing. */
export type StopHeartbeat = () => void;

/** A pulled message, heartbeated from its arrival until settled. */
export interface PendingMessage {
  msg: JsMsg;
  stopHeartbeat: StopHeartbeat;
  /** The parsed payload and its record count; both undefined when unreadable (it is then handled alone). */
  payload?: unknown;
  recordCount?: number;
}

/** What a pull gives: the messages as they come, and a way to stop waiting for more. */
export type PulledMessages = AsyncIterable<JsMsg> & { stop(): void };

/** What every pull loop of the JetStream transport works with. */
export interface PullContext {
  connection: JetStreamConnection;
  serviceName: string;
  ackWaitMs: number;
  lifecycle: ConsumerLifecycle;
  heartbeats: Heartbeats;
  settler: MessageSettler;
  dispatcher: MessageDispatcher;
  runner: MessageRunner;
  logger: Logger;
}
