import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { hasUnstorableText } from '@storebridge/untrusted-input';
import { LIFECYCLE_ROUTE, WEBHOOK_ROUTE_PREFIX } from '@storebridge/shopimind-declaration';
import { ShopimindResponseDoc } from '../api-docs/api-docs.decorators';
import { withoutConstructorKeys } from '../edge-input/without-constructor-keys';
import { LifecycleEventDto, toLifecycleEventName } from './dto/lifecycle-event.dto';
import { LifecycleService } from './lifecycle.service';
import { failed, type ShopimindResponse } from './shopimind-response';
import { ShopimindSigned } from './shopimind-signed.decorator';

@Controller(WEBHOOK_ROUTE_PREFIX)
@ShopimindSigned()
export class LifecycleController {
  constructor(private readonly lifecycle: LifecycleService) {}

  /**
   * Spec §4: a signed request we cannot process is still a 200 with `success: false` (no retry storm),
   * so payload validation answers here instead of through a 400-throwing pipe.
   */
  @Post(LIFECYCLE_ROUTE)
  @HttpCode(200)
  @ApiOperation({ summary: 'Lifecycle event: install, activate, config_updated, deactivate, uninstall' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['event'],
      properties: {
        event: { type: 'string', example: 'activate' },
        installation_id: { type: 'string' },
        access_token: { type: 'string', description: 'install only' },
        configs: { type: 'object', additionalProperties: true },
      },
    },
  })
  @ApiOkResponse({ type: ShopimindResponseDoc, description: 'Always 200; success false says why (spec §4)' })
  async receive(@Body() body: unknown): Promise<ShopimindResponse> {
    // The database refuses such text: refused here with a reason rather than failing a write later.
    if (hasUnstorableText(body)) {
      return failed('invalid_payload: text with a NUL character or a lone surrogate');
    }
    // Its `configs` go through class-transformer again when the configuration is read.
    const event = plainToInstance(LifecycleEventDto, withoutConstructorKeys(body ?? {}));
    const errors = validateSync(event);
    if (errors.length > 0) {
      return failed(`invalid_payload: ${errors.map((error) => error.property).join(', ')}`);
    }
    const name = toLifecycleEventName(event.event);
    if (!name) {
      return failed('unknown_event');
    }
    return this.lifecycle.handle(name, event);
  }
}
