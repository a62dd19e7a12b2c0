import { Controller, HttpCode, Post, type INestApplication } from '@nestjs/common';
import { CommonEnv, loadEnv } from '@storebridge/config';
import { MessagingModule } from '@storebridge/messaging';
import { AcceptedSignatureRepository } from '@storebridge/gateway-persistence';
import { localUrl, startService } from '@storebridge/runtime';
import { signShopimindPayload } from '@storebridge/security';
import { GATEWAY_FEATURE_OPTIONS, type GatewayFeatureOptions } from '../gateway-feature.options';
import { succeeded, type ShopimindResponse } from '../shopimind-webhooks/shopimind-response';
import { ShopimindSigned } from '../shopimind-webhooks/shopimind-signed.decorator';
import { InMemoryAcceptedSignatures } from './accepted-signatures.fake';
import { shopimindAuthProviders } from './shopimind-auth.providers';

const SECRET = 'whsec_route_binding_0123456789';

/** The three kinds of signed ShopiMind routes, answering success when a request gets through. */
@Controller('webhook')
@ShopimindSigned()
class ProbeController {
  @Post('receive')
  @HttpCode(200)
  receive(): ShopimindResponse {
    return succeeded();
  }

  @Post('test-connection')
  @HttpCode(200)
  testConnection(): ShopimindResponse {
    return succeeded();
  }

  @Post('remote-data/:resource')
  @HttpCode(200)
  remoteData(): { data: [] } {
    // Options, as the real route answers: not a kept answer, so a resend stays refused.
    return { data: [] };
  }
}

describe('A ShopiMind signature is accepted only on the route it was made for', () => {
  let signatures: InMemoryAcceptedSignatures;
  let app: INestApplication;
  let url: string;
  let sequence = 0;
  const startedAt = Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    signatures = new InMemoryAcceptedSignatures();
    const options: GatewayFeatureOptions = {
      webhookSecrets: [SECRET],
      signatureMaxAgeSeconds: 300,
      allowPrivateStoreUrls: false,
    };
    app = await startService(
      {
        module: class RouteBindingProbeModule {},
        imports: [MessagingModule.forRoot({ serviceName: 'route-binding-spec' })],
        controllers: [ProbeController],
        providers: [
          { provide: GATEWAY_FEATURE_OPTIONS, useValue: options },
          { provide: AcceptedSignatureRepository, useValue: signatures.asRepository() },
          ...shopimindAuthProviders,
        ],
      },
      { serviceName: 'gateway', env: loadEnv(CommonEnv, { LOG_LEVEL: 'error' }), port: 0, host: '127.0.0.1' },
    );
    url = localUrl(app);
  });

  afterAll(() => app?.close());

  /** One signed body, to be posted to any path. */
  function signed(body: unknown): (path: string) => Promise<number> {
    const text = JSON.stringify(body);
    const timestamp = startedAt - ++sequence;
    const headers = {
      'content-type': 'application/json',
      'x-shopimind-signature': signShopimindPayload(SECRET, timestamp, text),
      'x-shopimind-timestamp': String(timestamp),
    };
    return async (path) => (await fetch(`${url}${path}`, { method: 'POST', headers, body: text })).status;
  }

  it("refuses a lifecycle event's signature on the form's routes", async () => {
    const send = signed({ event: 'activate', installation_id: 'inst_1', configs: { lang: 'fr' } });

    expect(await send('/webhook/receive')).toBe(200);
    expect(await send('/webhook/test-connection')).toBe(401);
    expect(await send('/webhook/remote-data/categories')).toBe(401);
  });

  it('accepts one config map on each of the form routes, once each', async () => {
    const send = signed({ store_base_url: 'https://shop.example.com' });

    expect(await send('/webhook/test-connection')).toBe(200);
    expect(await send('/webhook/remote-data/categories')).toBe(200);
    expect(await send('/webhook/remote-data/products')).toBe(200);
    expect(await send('/webhook/remote-data/categories')).toBe(401);
  });

  it('accepts a signature once for all the resources it does not serve together', async () => {
    const send = signed({ store_base_url: 'https://shop.example.com' });

    expect(await send('/webhook/remote-data/unknown-a')).toBe(200);
    expect(await send('/webhook/remote-data/unknown-b')).toBe(401);
    expect(await send('/webhook/remote-data/unknown-c')).toBe(401);
  });
});
