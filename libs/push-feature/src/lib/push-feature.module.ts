import { DynamicModule, Module } from '@nestjs/common';
import { ProductPushService } from './product-push/product-push.service';
import { ProductsChangedHandler } from './product-push/products-changed.handler';
import { ShopimindTargets } from './product-push/shopimind-targets';
import { PUSH_FEATURE_OPTIONS, type PushFeatureOptions } from './push-feature.options';

/** ShopiMind writes: consumes product changes, pushes them through the official SDK. */
@Module({})
export class PushFeatureModule {
  static forRoot(options: PushFeatureOptions): DynamicModule {
    return {
      module: PushFeatureModule,
      controllers: [ProductsChangedHandler],
      providers: [{ provide: PUSH_FEATURE_OPTIONS, useValue: options }, ShopimindTargets, ProductPushService],
    };
  }
}
