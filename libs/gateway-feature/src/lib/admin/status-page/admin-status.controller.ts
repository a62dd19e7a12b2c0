import { Body, Controller, Get, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExcludeEndpoint,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { publicBaseUrl } from '../../merchant/public-base-url';
import { AdminTokenGuard } from '../admin-token.guard';
import { ADMIN_BEARER_AUTH, ADMIN_OPTIONS, ADMIN_ROUTE_PREFIX, type AdminOptions } from '../admin.options';
import { newCspNonce, sendAdminHtml } from './admin-html-response';
import { AdminSessions } from './admin-session';
import { AdminStatusService } from './admin-status.service';
import { timeInWords } from './plain-words';
import { renderAdminLoginPage, renderStatusPage } from './status-page';
import { liveCrawls, type LiveCrawl } from './status-snapshot';

/** `GET /admin/status.json`: what the status page's script polls. */
export interface LiveStatus {
  generatedAt: string;
  generatedAtText: string;
  crawls: LiveCrawl[];
}

function tokenOf(body: unknown): string | undefined {
  const token =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['token'] : undefined;
  return typeof token === 'string' && token !== '' ? token : undefined;
}

/**
 * The operator's status page. A browser signs in once with the token (`/admin/login`) and then carries a signed
 * session cookie; API clients may send the Bearer token to any of these routes as well.
 */
@ApiTags('admin')
@Controller(ADMIN_ROUTE_PREFIX)
export class AdminStatusController {
  constructor(
    private readonly status: AdminStatusService,
    private readonly sessions: AdminSessions,
    private readonly guard: AdminTokenGuard,
    @Inject(ADMIN_OPTIONS) private readonly options: AdminOptions,
  ) {}

  @Get('login')
  @ApiExcludeEndpoint()
  loginForm(@Res() response: Response): void {
    const nonce = newCspNonce();
    sendAdminHtml(response, 200, renderAdminLoginPage(nonce), nonce);
  }

  @Post('login')
  @ApiExcludeEndpoint()
  login(@Req() request: Request, @Body() body: unknown, @Res() response: Response): void {
    const token = tokenOf(body);
    if (token === undefined || !this.guard.isAdminToken(token)) {
      const nonce = newCspNonce();
      sendAdminHtml(response, 401, renderAdminLoginPage(nonce, true), nonce);
      return;
    }
    response
      .set({
        'Set-Cookie': this.sessions.setCookie(this.sessions.issue(), request.secure),
        'Cache-Control': 'no-store',
      })
      .redirect(303, 'status');
  }

  @Get('status')
  @ApiExcludeEndpoint()
  async page(@Req() request: Request, @Res() response: Response): Promise<void> {
    if (!this.guard.isAuthenticated(request)) {
      response.set('Cache-Control', 'no-store').redirect(303, 'login');
      return;
    }
    const snapshot = await this.status.snapshot(this.baseUrl(request));
    const nonce = newCspNonce();
    sendAdminHtml(response, 200, renderStatusPage(snapshot, nonce), nonce);
  }

  @Get('status.json')
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth(ADMIN_BEARER_AUTH)
  @ApiUnauthorizedResponse({ description: 'Missing or wrong ADMIN_TOKEN, and no signed-in session' })
  @ApiOperation({ summary: "Running crawls' progress, as the status page shows it (polled by that page)" })
  @ApiOkResponse({ description: 'generatedAt, and per running crawl its run id, progress bar and words' })
  async live(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<LiveStatus> {
    const snapshot = await this.status.snapshot(this.baseUrl(request));
    response.set('Cache-Control', 'no-store');
    return {
      generatedAt: snapshot.generatedAt,
      generatedAtText: timeInWords(snapshot.generatedAt),
      crawls: liveCrawls(snapshot),
    };
  }

  private baseUrl(request: Request): string {
    return publicBaseUrl(this.options.publicBaseUrl, request);
  }
}
