import { applyDecorators } from '@nestjs/common';
import {
  ApiHeader,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';

/*
 * OpenAPI descriptions shared by the gateway's routes. Documentation only: validation stays where it was (the
 * services and their DTOs), so these classes never see a request.
 */

export const SHOPIMIND_API_TAG = 'shopimind';
export const STORE_WEBHOOKS_API_TAG = 'store webhooks';

/** Spec §4: every signed ShopiMind route answers 200 with one of these. */
export class ShopimindResponseDoc {
  @ApiProperty()
  success!: boolean;

  @ApiPropertyOptional({ description: 'Why, when success is false', example: 'unknown_installation' })
  error?: string;
}

/** Spec §7's success answer, sent once the event is on the bus. */
export class StoreWebhookProcessedDoc {
  @ApiProperty({ example: true })
  success!: true;

  @ApiProperty({ example: 'Webhook processed' })
  message!: string;
}

export class StoreWebhookFailureDoc {
  @ApiProperty({ example: false })
  success!: false;

  @ApiProperty({
    enum: ['unknown_store_token', 'invalid_signature', 'invalid_payload', 'unknown_event', 'not_stored'],
  })
  error!: string;

  @ApiPropertyOptional({ description: 'The reason, for the store owner reading their webhook log' })
  message?: string;
}

/** Spec §7: `{"event": "...", "data": {...}}`. */
export class StoreWebhookEventDoc {
  @ApiProperty({ example: 'product.updated' })
  event!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { id: 'sku-1', price: 12.5 } })
  data!: Record<string, unknown>;
}

/** A route ShopiMind calls, signed with the shared WEBHOOK_SECRET (spec §3). */
export function ShopimindSignedRoutes(): ClassDecorator {
  return applyDecorators(
    ApiTags(SHOPIMIND_API_TAG),
    ApiHeader({
      name: 'X-Shopimind-Signature',
      required: true,
      description: 'HMAC-SHA256 of timestamp.body',
    }),
    ApiHeader({
      name: 'X-Shopimind-Timestamp',
      required: true,
      description: 'Unix seconds, within the window',
    }),
    ApiUnauthorizedResponse({
      type: ShopimindResponseDoc,
      description: 'Signature missing, wrong or replayed',
    }),
    ApiTooManyRequestsResponse({ description: 'Per-IP rate limit; Retry-After says when' }),
  );
}
