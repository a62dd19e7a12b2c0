import { DynamicModule, Module } from '@nestjs/common';
import type { GatewayEnv } from '@storebridge/config';
import { StoreConnectionService } from '@storebridge/connections';
import { GATEWAY_FEATURE_OPTIONS, type GatewayFeatureOptions } from './gateway-feature.options';
import { LifecycleController } from './shopimind-webhooks/lifecycle.controller';
import { LifecycleService } from './shopimind-webhooks/lifecycle.service';
import { ShopimindSignatureGuard } from './shopimind-webhooks/shopimind-signature.guard';

/** The HTTP edge: ShopiMind's signed webhooks (and, later, store webhooks and OAuth). */
@Module({})
export class GatewayFeatureModule {
  static forEnv(env: GatewayEnv): DynamicModule {
    return GatewayFeatureModule.forRoot({
      webhookSecrets: env.WEBHOOK_SECRET,
      signatureMaxAgeSeconds: env.SIGNATURE_TOLERANCE_SECONDS,
      allowPrivateStoreUrls: env.ALLOW_PRIVATE_STORE_URLS,
    });
  }

  static forRoot(options: GatewayFeatureOptions): DynamicModule {
    return {
      module: GatewayFeatureModule,
      controllers: [LifecycleController],
      providers: [
        { provide: GATEWAY_FEATURE_OPTIONS, useValue: options },
        ShopimindSignatureGuard,
        LifecycleService,
        StoreConnectionService,
      ],
    };
  }
}
