import { Body, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import {
  REMOTE_DATA_ROUTE,
  TEST_CONNECTION_ROUTE,
  WEBHOOK_ROUTE_PREFIX,
} from '@storebridge/shopimind-declaration';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import type { Request } from 'express';
import { ShopimindResponseDoc } from '../api-docs/api-docs.decorators';
import { withoutConstructorKeys } from '../edge-input/without-constructor-keys';
import { requestBaseUrl } from '../merchant/public-base-url';
import type { ShopimindResponse } from '../shopimind-webhooks/shopimind-response';
import { ShopimindSigned } from '../shopimind-webhooks/shopimind-signed.decorator';
import { ConnectionTestService } from './connection-test.service';
import type { RemoteDataResponse } from './remote-data.provider';
import { RemoteDataService } from './remote-data.service';

/** Spec §6: ShopiMind's configuration form calls these while the merchant fills our config_schema. */
@Controller(WEBHOOK_ROUTE_PREFIX)
@ShopimindSigned()
export class ShopimindConfigController {
  constructor(
    private readonly connectionTest: ConnectionTestService,
    private readonly remoteData: RemoteDataService,
  ) {}

  /** Always 200 (spec §4): a failed test is `{success: false, error: <reason for the merchant>}`. */
  @Post(TEST_CONNECTION_ROUTE)
  @HttpCode(200)
  @ApiOperation({ summary: "Connection test: reaches the store's health endpoint with the form's settings" })
  @ApiBody({ schema: { type: 'object', additionalProperties: true, description: 'The current config map' } })
  @ApiOkResponse({ type: ShopimindResponseDoc })
  async testConnection(@Body() body: unknown): Promise<ShopimindResponse> {
    return this.connectionTest.test(configMapOf(body));
  }

  @Post(REMOTE_DATA_ROUTE)
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Options of a remote select of the form: the store's categories or products, or its webhook URLs",
  })
  @ApiParam({ name: 'resource', example: 'categories', description: 'Unknown resources answer {"data": []}' })
  @ApiBody({ schema: { type: 'object', additionalProperties: true, description: 'The current config map' } })
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: {
        data: {
          type: 'array',
          items: { type: 'object', properties: { value: { type: 'string' }, label: { type: 'string' } } },
        },
      },
    },
  })
  async fetchRemoteData(
    @Param('resource') resource: string,
    @Body() body: unknown,
    @Req() request?: Request,
  ): Promise<RemoteDataResponse> {
    const requestUrl = request ? requestBaseUrl(request) : undefined;
    return this.remoteData.fetch(
      resource,
      configMapOf(body),
      requestUrl ? { requestBaseUrl: requestUrl } : {},
    );
  }
}

/**
 * Spec §6: the body is the current config map; anything else is an empty map, which fails validation. Read with
 * class-transformer further on, hence without `constructor` keys.
 */
export function configMapOf(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? withoutConstructorKeys(body as Record<string, unknown>)
    : {};
}
