import {
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  UseGuards,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { publicBaseUrl } from '../merchant/public-base-url';
import { AdminCommandsService } from './admin-commands.service';
import { parseAdminInput } from './admin-input';
import { AdminTokenGuard } from './admin-token.guard';
import { ADMIN_BEARER_AUTH, ADMIN_OPTIONS, ADMIN_ROUTE_PREFIX, type AdminOptions } from './admin.options';
import {
  ConnectionReport,
  InstallationView,
  PushSummaryView,
  RequestAccepted,
  SyncRunView,
} from './connection-report';
import { ConnectionReportService } from './connection-report.service';
import { ListInstallationsQueryDto, SyncRunsQueryDto } from './dto/admin-queries.dto';

const DEFAULT_INSTALLATIONS_PER_PAGE = 50;
const DEFAULT_SYNC_RUNS = 10;

const connectionIdParam = ApiParam({
  name: 'connectionId',
  format: 'uuid',
  description: 'A store connection id',
});

@ApiTags('admin')
@ApiBearerAuth(ADMIN_BEARER_AUTH)
@ApiUnauthorizedResponse({ description: 'Missing or wrong ADMIN_TOKEN' })
@Controller(ADMIN_ROUTE_PREFIX)
@UseGuards(AdminTokenGuard)
export class AdminConnectionsController {
  constructor(
    private readonly reports: ConnectionReportService,
    private readonly commands: AdminCommandsService,
    @Inject(ADMIN_OPTIONS) private readonly options: AdminOptions,
  ) {}

  @Get('installations')
  @ApiOperation({ summary: 'Installations, newest first, each with its store connection (no credential)' })
  @ApiOkResponse({ type: [InstallationView] })
  @ApiBadRequestResponse({ description: 'A query parameter out of bounds' })
  installations(
    @Req() request: Request,
    @Query() query: ListInstallationsQueryDto,
  ): Promise<InstallationView[]> {
    const { limit, offset } = parseAdminInput(ListInstallationsQueryDto, query, ['limit', 'offset']);
    return this.reports.listInstallations(
      this.baseUrl(request),
      limit ?? DEFAULT_INSTALLATIONS_PER_PAGE,
      offset ?? 0,
    );
  }

  @Get('connections/:connectionId')
  @connectionIdParam
  @ApiOperation({ summary: 'One store connection: its installation, last sync runs and push summary' })
  @ApiOkResponse({ type: ConnectionReport })
  @ApiNotFoundResponse({ description: 'Unknown store connection' })
  connection(
    @Req() request: Request,
    @Param('connectionId', ParseUUIDPipe) connectionId: string,
  ): Promise<ConnectionReport> {
    return this.reports.report(this.baseUrl(request), connectionId, DEFAULT_SYNC_RUNS);
  }

  @Get('connections/:connectionId/sync-runs')
  @connectionIdParam
  @ApiOperation({
    summary: 'Sync runs, newest first: counts, errors, skipped records; a running one with its progress',
  })
  @ApiOkResponse({ type: [SyncRunView] })
  @ApiNotFoundResponse({ description: 'Unknown store connection' })
  syncRuns(
    @Param('connectionId', ParseUUIDPipe) connectionId: string,
    @Query() query: SyncRunsQueryDto,
  ): Promise<SyncRunView[]> {
    const { limit } = parseAdminInput(SyncRunsQueryDto, query, ['limit']);
    return this.reports.syncRuns(connectionId, limit ?? DEFAULT_SYNC_RUNS);
  }

  @Get('connections/:connectionId/push-summary')
  @connectionIdParam
  @ApiOperation({ summary: "Where the connection's records stand with ShopiMind, per entity" })
  @ApiOkResponse({ type: PushSummaryView })
  @ApiNotFoundResponse({ description: 'Unknown store connection' })
  pushSummary(@Param('connectionId', ParseUUIDPipe) connectionId: string): Promise<PushSummaryView> {
    return this.reports.pushSummary(connectionId);
  }

  @Post('connections/:connectionId/sync')
  @HttpCode(202)
  @connectionIdParam
  @ApiOperation({ summary: 'Asks sync for a crawl of the connection now' })
  @ApiAcceptedResponse({ type: RequestAccepted })
  @ApiNotFoundResponse({ description: 'Unknown store connection' })
  async sync(@Param('connectionId', ParseUUIDPipe) connectionId: string): Promise<RequestAccepted> {
    await this.commands.requestSync(connectionId);
    return { accepted: true };
  }

  private baseUrl(request: Request): string {
    return publicBaseUrl(this.options.publicBaseUrl, request);
  }
}
