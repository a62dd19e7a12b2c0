import { DynamicModule, Module } from '@nestjs/common';
import { PushPersistenceModule } from '@storebridge/push-persistence';
import { DeadLettersModule } from './dead-letters/dead-letters.module';
import { DeadLettersReplayRequestedHandler } from './dead-letters/dead-letters-replay-requested.handler';
import { CrawlCompletedHandler } from './derived-records/crawl-completed.handler';
import { DerivedRecordsService } from './derived-records/derived-records.service';
import { OrderPushService } from './order-push/order-push.service';
import { OrdersChangedHandler } from './order-push/orders-changed.handler';
import { ProductPartsPushService } from './product-push/product-parts-push.service';
import { ProductPushService } from './product-push/product-push.service';
import { ProductsChangedHandler } from './product-push/products-changed.handler';
import { ShopimindLanguageService } from './shopimind-language/shopimind-language.service';
import { PushTargetService } from './push-target/push-target.service';
import { ShopimindTargets } from './push-target/shopimind-targets';
import { PUSH_FEATURE_OPTIONS, type PushFeatureOptions } from './push-feature.options';

/**
 * ShopiMind writes: consumes product and order changes, pushes them through the official SDK; replays dead letters
 * when asked to.
 */
@Module({})
export class PushFeatureModule {
  static forRoot(options: PushFeatureOptions): DynamicModule {
    return {
      module: PushFeatureModule,
      imports: [PushPersistenceModule, DeadLettersModule],
      controllers: [
        ProductsChangedHandler,
        OrdersChangedHandler,
        DeadLettersReplayRequestedHandler,
        CrawlCompletedHandler,
      ],
      providers: [
        { provide: PUSH_FEATURE_OPTIONS, useValue: options },
        ShopimindTargets,
        PushTargetService,
        ProductPushService,
        ProductPartsPushService,
        ShopimindLanguageService,
        OrderPushService,
        DerivedRecordsService,
      ],
    };
  }
}
