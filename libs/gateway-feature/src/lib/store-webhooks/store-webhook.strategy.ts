import { Injectable, Logger } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { StoreConnectionService } from '@storebridge/connections';
import { StoreConnectionRepository } from '@storebridge/persistence';
import { hmacSha256Hex, safeEqualHex } from '@storebridge/security';
import { RequestStrategy } from '../shopimind-auth/request.strategy';
import type { StoreWebhookCaller, StoreWebhookRequest } from './store-webhook-caller';
import { StoreWebhookException } from './store-webhook.exception';

export const STORE_WEBHOOK_STRATEGY = 'store-webhook';

export const STORE_WEBHOOK_SIGNATURE_HEADER = 'x-webhook-signature';

/**
 * What a store token can look like (base64url, see `newStoreToken`, with room to spare): anything else names no
 * connection and is answered without a query, since the database fails on some text (a NUL) with a 500.
 */
const STORE_TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;

/**
 * Generic-api spec §7: the store token in the URL names the connection (unknown → 404). When the connection has
 * a webhook secret, `X-Webhook-Signature` must be the hex HMAC-SHA256 of the exact bytes received (`rawBody`,
 * never the re-serialized JSON) with it, compared in constant time; without a secret, unsigned calls are
 * accepted, the token being the credential. Registered with passport under STORE_WEBHOOK_STRATEGY when Nest
 * instantiates it.
 */
@Injectable()
export class StoreWebhookStrategy extends PassportStrategy(RequestStrategy, STORE_WEBHOOK_STRATEGY) {
  private readonly logger = new Logger(StoreWebhookStrategy.name);

  constructor(
    private readonly connections: StoreConnectionRepository,
    private readonly storeConnections: StoreConnectionService,
  ) {
    super();
  }

  /** The caller, or false for a missing or wrong signature (a 401). Throws the 404 of an unknown token. */
  async validate(request: StoreWebhookRequest): Promise<StoreWebhookCaller | false> {
    const token: unknown = request.params?.['storeToken'];
    const connection =
      typeof token === 'string' && STORE_TOKEN_PATTERN.test(token)
        ? await this.connections.findByStoreToken(token)
        : null;
    if (!connection) {
      throw new StoreWebhookException('unknown_store_token');
    }
    const view = this.storeConnections.view(connection);
    if (view.webhookSecret !== undefined) {
      const signature = request.header(STORE_WEBHOOK_SIGNATURE_HEADER)?.trim() ?? '';
      const expected = hmacSha256Hex(view.webhookSecret, request.rawBody ?? Buffer.alloc(0));
      if (!safeEqualHex(expected, signature)) {
        this.logger.warn(
          `Refused a store webhook for connection ${connection.id}: ${signature ? 'wrong' : 'missing'} signature`,
        );
        return false;
      }
    }
    return { connectionId: connection.id, fieldMappings: view.settings.fieldMappings };
  }
}
