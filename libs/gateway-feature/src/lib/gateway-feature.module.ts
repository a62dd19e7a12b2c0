import { DynamicModule, type MiddlewareConsumer, Module, type NestModule, Optional } from '@nestjs/common';
import type { GatewayEnv } from '@storebridge/config';
import { StoreConnectionService } from '@storebridge/connections';
import { GatewayPersistenceModule } from '@storebridge/gateway-persistence';
import { webhookIngressTimer, WebhookMetrics } from '@storebridge/runtime';
import { AdminModule } from './admin/admin.module';
import { ConnectionReportModule } from './admin/connection-report.module';
import { ManifestController } from './declaration/manifest.controller';
import { GATEWAY_FEATURE_OPTIONS, type GatewayFeatureOptions } from './gateway-feature.options';
import { housekeepingProviders, type WithHousekeeping } from './housekeeping/housekeeping.providers';
import { MerchantController } from './merchant/merchant.controller';
import { ExternalAccountService } from './oauth/external-account.service';
import { OAuthController } from './oauth/oauth.controller';
import { OAuthQuerySignatureGuard } from './oauth/oauth-query-signature.guard';
import { OAuthService } from './oauth/oauth.service';
import { LifecycleController } from './shopimind-webhooks/lifecycle.controller';
import { LifecycleService } from './shopimind-webhooks/lifecycle.service';
import { ShopimindConfigController } from './shopimind-config/shopimind-config.controller';
import { SHOPIMIND_CONFIG_PROVIDERS } from './shopimind-config/shopimind-config.providers';
import { shopimindAuthProviders } from './shopimind-auth/shopimind-auth.providers';
import { StoreWebhooksController } from './store-webhooks/store-webhooks.controller';
import { STORE_WEBHOOK_PROVIDERS } from './store-webhooks/store-webhooks.providers';
import { WidgetProductsService } from './widgets/widget-products.service';
import { WidgetsController } from './widgets/widgets.controller';

/**
 * The HTTP edge: ShopiMind's signed webhooks, Type B consent pages, widget images, the declaration and the
 * stores' own webhooks.
 */
@Module({})
export class GatewayFeatureModule implements NestModule {
  // Absent in a feature's own tests, which build it without the runtime: nothing is timed then.
  constructor(@Optional() private readonly webhookMetrics?: WebhookMetrics) {}

  configure(consumer: MiddlewareConsumer): void {
    if (!this.webhookMetrics) {
      return;
    }
    consumer
      .apply(webhookIngressTimer('shopimind', this.webhookMetrics))
      .forRoutes(LifecycleController, ShopimindConfigController);
    consumer.apply(webhookIngressTimer('store', this.webhookMetrics)).forRoutes(StoreWebhooksController);
  }

  static forEnv(env: GatewayEnv): DynamicModule {
    return GatewayFeatureModule.forRoot({
      webhookSecrets: env.WEBHOOK_SECRET,
      signatureMaxAgeSeconds: env.SIGNATURE_TOLERANCE_SECONDS,
      allowPrivateStoreUrls: env.ALLOW_PRIVATE_STORE_URLS,
      shopimindRateLimit: { limit: env.SHOPIMIND_RATE_LIMIT_PER_MINUTE, windowMs: 60_000 },
      oauthRedirectUris: env.OAUTH_REDIRECT_URIS,
      requiresExternalAuth: env.SHOPIMIND_EXTERNAL_AUTH,
      housekeeping: { intervalMs: env.HOUSEKEEPING_INTERVAL_MS },
      publicBaseUrl: env.PUBLIC_BASE_URL,
      adminToken: env.ADMIN_TOKEN,
    });
  }

  static forRoot(options: WithHousekeeping<GatewayFeatureOptions>): DynamicModule {
    return {
      module: GatewayFeatureModule,
      imports: [
        GatewayPersistenceModule,
        // The merchant page reads the same views, with or without ADMIN_TOKEN.
        ConnectionReportModule,
        ...(options.adminToken
          ? [AdminModule.forRoot({ token: options.adminToken, publicBaseUrl: options.publicBaseUrl })]
          : []),
      ],
      controllers: [
        LifecycleController,
        ShopimindConfigController,
        OAuthController,
        WidgetsController,
        ManifestController,
        StoreWebhooksController,
        MerchantController,
      ],
      providers: [
        { provide: GATEWAY_FEATURE_OPTIONS, useValue: options },
        ...shopimindAuthProviders,
        LifecycleService,
        StoreConnectionService,
        OAuthQuerySignatureGuard,
        OAuthService,
        ExternalAccountService,
        WidgetProductsService,
        ...SHOPIMIND_CONFIG_PROVIDERS,
        ...STORE_WEBHOOK_PROVIDERS,
        ...housekeepingProviders(options.housekeeping),
      ],
    };
  }
}
