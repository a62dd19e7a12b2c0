import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import {
  isStoreWebhookCaller,
  STORE_WEBHOOK_CALLER_PROPERTY,
  type StoreWebhookCaller,
  type StoreWebhookRequest,
} from './store-webhook-caller';
import { StoreWebhookGuard } from './store-webhook.guard';
import { StoreWebhooksService, type StoreWebhookProcessed } from './store-webhooks.service';

/** Generic-api spec §7: the URL the merchant gives their store, with the connection's store token in it. */
export const STORE_WEBHOOK_ROUTE_PREFIX = 'api/generic-api/webhooks/:storeToken';

function callerOf(request: StoreWebhookRequest): StoreWebhookCaller {
  const caller: unknown = request[STORE_WEBHOOK_CALLER_PROPERTY];
  if (!isStoreWebhookCaller(caller)) {
    // The guard runs first; reaching this is a wiring mistake, answered as a 500.
    throw new Error('Store webhook route reached without its guard');
  }
  return caller;
}

@Controller(STORE_WEBHOOK_ROUTE_PREFIX)
@UseGuards(StoreWebhookGuard)
export class StoreWebhooksController {
  constructor(private readonly storeWebhooks: StoreWebhooksService) {}

  @Post('products')
  @HttpCode(200)
  products(@Req() request: StoreWebhookRequest, @Body() body: unknown): Promise<StoreWebhookProcessed> {
    return this.storeWebhooks.receiveProductEvent(callerOf(request), body);
  }

  @Post('orders')
  @HttpCode(200)
  orders(@Req() request: StoreWebhookRequest, @Body() body: unknown): Promise<StoreWebhookProcessed> {
    return this.storeWebhooks.receiveOrderEvent(callerOf(request), body);
  }

  @Post('sync')
  @HttpCode(200)
  sync(@Req() request: StoreWebhookRequest): Promise<StoreWebhookProcessed> {
    return this.storeWebhooks.requestSync(callerOf(request), request.rawBody);
  }
}
