import { Controller, Get, Inject, NotFoundException, Param, Req, Res } from '@nestjs/common';
import { StoreConnectionRepository } from '@storebridge/persistence';
import type { Request, Response } from 'express';
import { ConnectionReportService } from '../admin/connection-report.service';
import { GATEWAY_FEATURE_OPTIONS, type GatewayFeatureOptions } from '../gateway-feature.options';
import { sendHtml } from '../oauth/html-response';
import { MERCHANT_CONNECTION_ROUTE, MERCHANT_ROUTE_PREFIX, MerchantLinks, unixNow } from './merchant-links';
import { renderMerchantNotice, renderMerchantPage } from './merchant-page';
import { publicBaseUrl } from './public-base-url';
import { storeWebhooksInfo } from './store-webhook-urls';

const REFUSED_TITLE = 'Link refused';
/** Enough to see a pattern without a page that scrolls forever. */
const RUNS_SHOWN = 10;
const DEAD_LETTERS_SHOWN = 20;

function goneAsNull(error: unknown): null {
  if (error instanceof NotFoundException) {
    return null;
  }
  throw error;
}

/** The merchant's page of their store connection, opened through a signed link from the configuration form. */
@Controller(MERCHANT_ROUTE_PREFIX)
export class MerchantController {
  constructor(
    private readonly links: MerchantLinks,
    private readonly connections: StoreConnectionRepository,
    private readonly reports: ConnectionReportService,
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
    // Deleted between the reads (uninstall) reads as gone, like no row at all.
    const runs = connection ? await this.reports.syncRuns(connectionId, RUNS_SHOWN).catch(goneAsNull) : null;
    if (!connection || !runs) {
      sendHtml(
        response,
        404,
        renderMerchantNotice('Connection not found', 'This store connection no longer exists.'),
      );
      return;
    }
    const baseUrl = publicBaseUrl(this.options.publicBaseUrl, request);
    const deadLetters = await this.reports.deadLetters({ connectionId, limit: DEAD_LETTERS_SHOWN });
    sendHtml(
      response,
      200,
      renderMerchantPage({
        storeBaseUrl: connection.baseUrl,
        webhooks: storeWebhooksInfo(connection, baseUrl),
        linkExpiresAt: new Date(Number(request.query['expires']) * 1000),
        urlsAreRelative: baseUrl === '',
        runs,
        deadLetters,
      }),
    );
  }
}
