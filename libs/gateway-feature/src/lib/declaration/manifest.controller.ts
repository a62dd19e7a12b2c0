import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  buildIntegrationDeclaration,
  MANIFEST_ROUTE,
  type IntegrationDeclaration,
} from '@storebridge/shopimind-declaration';
import { GATEWAY_FEATURE_OPTIONS, type GatewayFeatureOptions } from '../gateway-feature.options';

/** Spec §7: the declaration ShopiMind registers, public like any integration listing. */
@Controller()
export class ManifestController {
  private readonly declaration: IntegrationDeclaration;

  constructor(@Inject(GATEWAY_FEATURE_OPTIONS) options: GatewayFeatureOptions) {
    this.declaration = buildIntegrationDeclaration({
      requiresExternalAuth: options.requiresExternalAuth ?? false,
    });
  }

  @Get(MANIFEST_ROUTE)
  @ApiTags('shopimind')
  @ApiOperation({ summary: 'The integration declaration ShopiMind registers (spec §7)' })
  @ApiOkResponse({ description: 'The declaration (JSON)' })
  @Header('Cache-Control', 'public, max-age=300')
  manifest(): IntegrationDeclaration {
    return this.declaration;
  }
}
