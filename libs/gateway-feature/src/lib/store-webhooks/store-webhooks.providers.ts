import type { Provider } from '@nestjs/common';
import { StoreWebhookGuard } from './store-webhook.guard';
import { StoreWebhookStrategy } from './store-webhook.strategy';
import { StoreWebhooksService } from './store-webhooks.service';

/** Needs StoreConnectionRepository, StoreConnectionService and MessagePublisher from the app. */
export const STORE_WEBHOOK_PROVIDERS: Provider[] = [
  StoreWebhookStrategy,
  StoreWebhookGuard,
  StoreWebhooksService,
];
