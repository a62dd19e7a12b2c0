import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiHeader,
  ApiInternalServerErrorResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import {
  STORE_WEBHOOKS_API_TAG,
  StoreWebhookEventDoc,
  StoreWebhookFailureDoc,
  StoreWebhookProcessedDoc,
} from '../api-docs/api-docs.decorators';
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

@ApiTags(STORE_WEBHOOKS_API_TAG)
@ApiParam({ name: 'storeToken', description: "The connection's store token, from its webhook URLs" })
@ApiHeader({
  name: 'X-Webhook-Signature',
  required: false,
  description: "Hex HMAC-SHA256 of the body with the connection's webhook secret; required once one is set",
})
@ApiOkResponse({ type: StoreWebhookProcessedDoc, description: 'Stored on the bus' })
@ApiUnauthorizedResponse({ type: StoreWebhookFailureDoc, description: 'invalid_signature' })
@ApiNotFoundResponse({ type: StoreWebhookFailureDoc, description: 'unknown_store_token' })
@ApiInternalServerErrorResponse({ type: StoreWebhookFailureDoc, description: 'not_stored: retry later' })
@Controller(STORE_WEBHOOK_ROUTE_PREFIX)
@UseGuards(StoreWebhookGuard)
export class StoreWebhooksController {
  constructor(private readonly storeWebhooks: StoreWebhooksService) {}

  @Post('products')
  @HttpCode(200)
  @ApiOperation({ summary: 'A product was created, updated (possibly partially) or deleted in the store' })
  @ApiBody({ type: StoreWebhookEventDoc })
  @ApiBadRequestResponse({ type: StoreWebhookFailureDoc, description: 'invalid_payload or unknown_event' })
  products(@Req() request: StoreWebhookRequest, @Body() body: unknown): Promise<StoreWebhookProcessed> {
    return this.storeWebhooks.receiveProductEvent(callerOf(request), body);
  }

  @Post('orders')
  @HttpCode(200)
  @ApiOperation({ summary: 'An order was created, updated (possibly partially) or deleted in the store' })
  @ApiBody({ type: StoreWebhookEventDoc })
  @ApiBadRequestResponse({ type: StoreWebhookFailureDoc, description: 'invalid_payload or unknown_event' })
  orders(@Req() request: StoreWebhookRequest, @Body() body: unknown): Promise<StoreWebhookProcessed> {
    return this.storeWebhooks.receiveOrderEvent(callerOf(request), body);
  }

  @Post('sync')
  @HttpCode(200)
  @ApiOperation({ summary: 'Asks for a crawl of the whole store now; the body is not read' })
  sync(@Req() request: StoreWebhookRequest): Promise<StoreWebhookProcessed> {
    return this.storeWebhooks.requestSync(callerOf(request), request.rawBody);
  }
}
