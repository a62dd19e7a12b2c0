import { Body, Controller, Get, HttpCode, Post, Query, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AdminCommandsService } from './admin-commands.service';
import { parseAdminInput } from './admin-input';
import { AdminTokenGuard } from './admin-token.guard';
import { ADMIN_BEARER_AUTH, ADMIN_ROUTE_PREFIX } from './admin.options';
import { DeadLetterView, PendingDeleteView, RequestAccepted } from './connection-report';
import { ConnectionReportService } from './connection-report.service';
import { DeadLetterFilterDto } from './dto/admin-queries.dto';

const DEFAULT_DEAD_LETTERS = 100;

@ApiTags('admin')
@ApiBearerAuth(ADMIN_BEARER_AUTH)
@ApiUnauthorizedResponse({ description: 'Missing or wrong ADMIN_TOKEN' })
@Controller(ADMIN_ROUTE_PREFIX)
@UseGuards(AdminTokenGuard)
export class AdminDeadLettersController {
  constructor(
    private readonly reports: ConnectionReportService,
    private readonly commands: AdminCommandsService,
  ) {}

  @Get('dead-letters')
  @ApiOperation({ summary: 'Records ShopiMind rejected, most recent first, with its reasons' })
  @ApiOkResponse({ type: [DeadLetterView] })
  @ApiBadRequestResponse({ description: 'A query parameter out of bounds' })
  list(@Query() query: DeadLetterFilterDto): Promise<DeadLetterView[]> {
    const filter = parseAdminInput(DeadLetterFilterDto, query, ['limit']);
    return this.reports.deadLetters({ ...filter, limit: filter.limit ?? DEFAULT_DEAD_LETTERS });
  }

  @Post('dead-letters/replay')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Asks push to send the dead letters of the filter again (1,000 at most without a limit)',
  })
  @ApiAcceptedResponse({ type: RequestAccepted })
  @ApiBadRequestResponse({ description: 'A body field out of bounds' })
  @ApiNotFoundResponse({ description: 'Unknown store connection' })
  async replay(@Body() body: DeadLetterFilterDto): Promise<RequestAccepted> {
    await this.commands.requestDeadLetterReplay(parseAdminInput(DeadLetterFilterDto, body ?? {}));
    return { accepted: true };
  }

  @Get('pending-deletes')
  @ApiOperation({
    summary: 'Deletes ShopiMind refused, most recent first: push tries each again, waiting longer every time',
  })
  @ApiOkResponse({ type: [PendingDeleteView] })
  @ApiBadRequestResponse({ description: 'A query parameter out of bounds' })
  pendingDeletes(@Query() query: DeadLetterFilterDto): Promise<PendingDeleteView[]> {
    const filter = parseAdminInput(DeadLetterFilterDto, query, ['limit']);
    return this.reports.pendingDeletes({ ...filter, limit: filter.limit ?? DEFAULT_DEAD_LETTERS });
  }
}
