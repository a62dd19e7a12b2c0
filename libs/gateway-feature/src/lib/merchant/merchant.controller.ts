import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import { StoreConnectionRepository } from '@storebridge/persistence';
import type { Request, Response } from 'express';
import { GATEWAY_FEATURE_OPTIONS, type GatewayFeatureOptions } from '../gateway-feature.options';
import { sendHtml } from '../oauth/html-response';
import { MERCHANT_CONNECTION_ROUTE, MERCHANT_ROUTE_PREFIX, MerchantLinks, unixNow } from './merchant-links';
import { renderMerchantNotice, renderMerchantPage } from './merchant-page';
import { publicBaseUrl } from './public-base-url';
import { storeWebhooksInfo } from './store-webhook-urls';

const REFUSED_TITLE = 'Link refused';

/** The merchant's page of their store connection, opened through a signed link from the configuration form. */
@Controller(MERCHANT_ROUTE_PREFIX)
export class MerchantController {
  constructor(
    private readonly links: MerchantLinks,
    private readonly connections: StoreConnectionRepository,
    @Inject(GATEWAY_FEATURE_OPTIONS) private readonly options: GatewayFeatureOptions,
  ) {}

  @Get(MERCHANT_CONNECTION_ROUTE)
  async connection(
    @Param('connectionId') connectionId: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const now = unixNow();
    // Checked before anything is read: an unsigned id never reaches the database.
    const check = this.links.check(connectionId, request.query['expires'], request.query['sig'], now);
    if (check === 'expired') {
      sendHtml(
        response,
        403,
        renderMerchantNotice(
          REFUSED_TITLE,
          'This link has expired. Open the integration configuration in ShopiMind for a fresh one.',
        ),
      );
      return;
    }
    if (check !== 'valid') {
      sendHtml(response, 403, renderMerchantNotice(REFUSED_TITLE, 'This link is not valid.'));
      return;
    }
    const connection = await this.connections.findById(connectionId);
    if (!connection) {
      sendHtml(
        response,
        404,
        renderMerchantNotice('Connection not found', 'This store connection no longer exists.'),
      );
      return;
    }
    const baseUrl = publicBaseUrl(this.options.publicBaseUrl, request);
    sendHtml(
      response,
      200,
      renderMerchantPage({
        storeBaseUrl: connection.baseUrl,
        webhooks: storeWebhooksInfo(connection, baseUrl),
        linkExpiresAt: new Date(Number(request.query['expires']) * 1000),
        urlsAreRelative: baseUrl === '',
      }),
    );
  }
}
