export * from './lib/message-publisher';
export * from './lib/correlation';
export { MessagingModule } from './lib/messaging.module';
export type { MessagingModuleOptions, RetryBackoffOptions } from './lib/messaging.options';
export { DUPLICATE_WINDOW_MS, STREAM_MAX_AGE_MS } from './lib/messaging.options';
export { MESSAGING_TRANSPORT, MessagingTransport } from './lib/messaging.transport';
export type {
  ConsumerBacklog,
  MessagingTransportEvents,
  MessagingTransportStatus,
} from './lib/messaging.transport';
export type { CoalesceOptions } from './lib/coalescing';
export { MessagingContext } from './lib/messaging.context';
export { RpcValidationPipe } from './lib/rpc-validation.pipe';
export { MessagingExceptionFilter } from './lib/messaging-exception.filter';
export { DependencyUnavailableError, InvalidPayloadException, RetryLaterError } from './lib/messaging.errors';
export { ParkedMessageListener, ParkedMessageStore } from './lib/parked-message.store';
export type { ParkedFailure, ParkedMessageEntry } from './lib/parked-message.store';
export { durableName } from './lib/consumer-naming';
export { durableConsumerConfig, streamConfig } from './lib/jetstream.config';
export type { DurableConsumerConfig } from './lib/jetstream.config';
export { RecordingPublisher, type PublishedMessage } from './lib/recording-publisher.fake';
