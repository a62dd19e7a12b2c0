import type { Logger } from '@nestjs/common';
import {
  isUnreadableCredential,
  type StoreConnectionService,
  type StoreConnectionView,
} from '@storebridge/connections';

/**
 * The connection a message is about, or null (logged) when it is gone (uninstalled since) or its credential cannot
 * be read with this service's key: neither gets better by redelivering the message, which would otherwise come
 * back forever.
 */
export async function findReadableConnection(
  storeConnections: StoreConnectionService,
  connectionId: string,
  logger: Logger,
  what: string,
): Promise<StoreConnectionView | null> {
  try {
    const view = await storeConnections.findById(connectionId);
    if (!view) {
      logger.warn(`${what} for unknown connection ${connectionId}; skipped`);
    }
    return view;
  } catch (error) {
    if (!isUnreadableCredential(error)) {
      throw error;
    }
    logger.error(
      `${what} for connection ${connectionId} skipped: its store credential cannot be read with this service's CREDENTIALS_KEY; saving the configuration again stores it afresh`,
    );
    return null;
  }
}
