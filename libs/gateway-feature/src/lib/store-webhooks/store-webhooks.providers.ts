import type { Provider } from '@nestjs/common';
import { StoreConnectionService } from '@storebridge/connections';
import { StoreConnectionRepository } from '@storebridge/persistence';
import {
  STORE_WEBHOOK_CONNECTION_TTL_MS,
  STORE_WEBHOOK_CONNECTIONS_KEPT,
  StoreWebhookConnections,
} from './store-webhook-connections';
import { StoreWebhookGuard } from './store-webhook.guard';
import { StoreWebhookStrategy } from './store-webhook.strategy';
import { StoreWebhooksService } from './store-webhooks.service';

/** A connection as a store webhook needs it, its credentials decrypted. */
function storeWebhookConnections(
  connections: Pick<StoreConnectionRepository, 'findByStoreToken'>,
  storeConnections: Pick<StoreConnectionService, 'view'>,
): StoreWebhookConnections {
  return new StoreWebhookConnections(
    async (storeToken) => {
      const connection = await connections.findByStoreToken(storeToken);
      if (!connection) {
        return null;
      }
      const { settings, webhookSecret } = storeConnections.view(connection);
      return {
        connectionId: connection.id,
        fieldMappings: settings.fieldMappings,
        ...(webhookSecret === undefined ? {} : { webhookSecret }),
      };
    },
    { ttlMs: STORE_WEBHOOK_CONNECTION_TTL_MS, maxEntries: STORE_WEBHOOK_CONNECTIONS_KEPT },
  );
}

/** Needs StoreConnectionRepository, StoreConnectionService and MessagePublisher from the app. */
export const STORE_WEBHOOK_PROVIDERS: Provider[] = [
  {
    provide: StoreWebhookConnections,
    useFactory: storeWebhookConnections,
    inject: [StoreConnectionRepository, StoreConnectionService],
  },
  StoreWebhookStrategy,
  StoreWebhookGuard,
  StoreWebhooksService,
];
