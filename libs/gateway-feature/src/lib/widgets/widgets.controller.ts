import { Controller, Get, Header, Param, Redirect, StreamableFile } from '@nestjs/common';
import { ApiFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  PLACEHOLDER_IMAGE_PATH,
  PLACEHOLDER_IMAGE_ROUTE,
  PRODUCT_IMAGE_ROUTE,
  WIDGETS_ROUTE_PREFIX,
} from '@storebridge/shopimind-declaration';
import { PLACEHOLDER_PNG } from './placeholder-image';
import { WidgetProductsService } from './widget-products.service';

export interface WidgetRedirect {
  url: string;
  statusCode: 302;
}

/**
 * Public routes the widgets' images point at (spec §7), fetched by email clients: no signature. They reveal no
 * more than the image URL itself, so every answer of the product image route is the same kind of redirect.
 */
@ApiTags('widgets')
@Controller(WIDGETS_ROUTE_PREFIX)
export class WidgetsController {
  constructor(private readonly products: WidgetProductsService) {}

  /** Short cache: a changed product photo shows in new opens within minutes. */
  @Get(PRODUCT_IMAGE_ROUTE)
  @ApiOperation({ summary: "Redirects to a product's image, or to the placeholder" })
  @ApiFoundResponse({ description: 'Location: the image URL' })
  @Redirect(PLACEHOLDER_IMAGE_PATH, 302)
  @Header('Cache-Control', 'public, max-age=300')
  async productImage(
    @Param('installationId') installationId: string,
    @Param('productId') productId: string,
  ): Promise<WidgetRedirect> {
    const imageUrl = await this.products.productImageUrl(installationId, productId);
    return { url: imageUrl ?? PLACEHOLDER_IMAGE_PATH, statusCode: 302 };
  }

  @Get(PLACEHOLDER_IMAGE_ROUTE)
  @ApiOperation({ summary: 'The placeholder image' })
  @ApiProduces('image/png')
  @ApiOkResponse({ description: 'A PNG' })
  @Header('Cache-Control', 'public, max-age=86400')
  @Header('X-Content-Type-Options', 'nosniff')
  placeholder(): StreamableFile {
    return new StreamableFile(PLACEHOLDER_PNG, { type: 'image/png', length: PLACEHOLDER_PNG.length });
  }
}
