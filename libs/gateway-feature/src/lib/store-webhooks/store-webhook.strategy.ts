import { Injectable, Logger } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { hmacSha256Hex, safeEqualHex } from '@storebridge/security';
import { RequestStrategy } from '../shopimind-auth/request.strategy';
import type { StoreWebhookCaller, StoreWebhookRequest } from './store-webhook-caller';
import { StoreWebhookConnections, type StoreWebhookConnection } from './store-webhook-connections';
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
 * accepted, the token being the credential. Connections come from StoreWebhookConnections (kept a few seconds).
 * Registered with passport under STORE_WEBHOOK_STRATEGY when Nest instantiates it.
 */
@Injectable()
export class StoreWebhookStrategy extends PassportStrategy(RequestStrategy, STORE_WEBHOOK_STRATEGY) {
  private readonly logger = new Logger(StoreWebhookStrategy.name);

  constructor(private readonly connections: StoreWebhookConnections) {
    super();
  }

  /** The caller, or false for a missing or wrong signature (a 401). Throws the 404 of an unknown token. */
  async validate(request: StoreWebhookRequest): Promise<StoreWebhookCaller | false> {
    const token: unknown = request.params?.['storeToken'];
    if (typeof token !== 'string' || !STORE_TOKEN_PATTERN.test(token)) {
      throw new StoreWebhookException('unknown_store_token');
    }
    let connection = await this.findConnection(token);
    if (!isSigned(connection, request)) {
      // The merchant may have changed the secret since the connection was read: read it again before refusing.
      connection = await this.findConnection(token, { fresh: true });
      if (!isSigned(connection, request)) {
        const signature = request.header(STORE_WEBHOOK_SIGNATURE_HEADER)?.trim();
        this.logger.warn(
          `Refused a store webhook for connection ${connection.connectionId}: ${signature ? 'wrong' : 'missing'} signature`,
        );
        return false;
      }
    }
    return { connectionId: connection.connectionId, fieldMappings: connection.fieldMappings };
  }

  private async findConnection(token: string, options?: { fresh: boolean }): Promise<StoreWebhookConnection> {
    const connection = await this.connections.find(token, options);
    if (!connection) {
      throw new StoreWebhookException('unknown_store_token');
    }
    return connection;
  }
}

/** Whether the request carries the signature its connection requires (none required without a secret). */
function isSigned(connection: StoreWebhookConnection, request: StoreWebhookRequest): boolean {
  if (connection.webhookSecret === undefined) {
    return true;
  }
  const signature = request.header(STORE_WEBHOOK_SIGNATURE_HEADER)?.trim() ?? '';
  const expected = hmacSha256Hex(connection.webhookSecret, request.rawBody ?? Buffer.alloc(0));
  return safeEqualHex(expected, signature);
}
