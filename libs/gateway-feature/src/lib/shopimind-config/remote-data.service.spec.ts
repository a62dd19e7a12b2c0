import { Test } from '@nestjs/testing';
import { StoreConnectionRepository } from '@storebridge/persistence';
import { CredentialCipher } from '@storebridge/security';
import {
  configSchemaRemoteResources,
  INTEGRATION_CONFIG_SCHEMA,
  PRODUCTS_REMOTE_RESOURCE,
} from '@storebridge/shopimind-declaration';
import { GATEWAY_FEATURE_OPTIONS, type GatewayFeatureOptions } from '../gateway-feature.options';
import { WidgetProductsService } from '../widgets/widget-products.service';
import type { RemoteDataProvider, RemoteOption } from './remote-data.provider';
import { RemoteDataService } from './remote-data.service';
import { SHOPIMIND_CONFIG_PROVIDERS } from './shopimind-config.providers';

class FakeProvider implements RemoteDataProvider {
  readonly calls: Array<Record<string, unknown>> = [];

  constructor(
    readonly resource: string,
    private readonly answer: RemoteOption[],
  ) {}

  async load(configs: Record<string, unknown>): Promise<RemoteOption[]> {
    this.calls.push(configs);
    return this.answer;
  }
}

describe('RemoteDataService', () => {
  const colours = new FakeProvider('colours', [{ value: 'red', label: 'Red' }]);
  const sizes = new FakeProvider('sizes', [{ value: 's', label: 'Small' }]);
  let service: RemoteDataService;

  beforeEach(() => {
    colours.calls.length = 0;
    sizes.calls.length = 0;
    service = new RemoteDataService([colours, sizes]);
  });

  it('asks the provider of the named resource only, with the config map', async () => {
    await expect(service.fetch('sizes', { lang: 'fr' })).resolves.toEqual({
      data: [{ value: 's', label: 'Small' }],
    });
    expect(sizes.calls).toEqual([{ lang: 'fr' }]);
    expect(colours.calls).toEqual([]);
  });

  it.each(['unknown', 'constructor', '__proto__', 'toString', ''])(
    'answers {data: []} for the unknown resource %p (spec §6)',
    async (resource) => {
      await expect(service.fetch(resource, {})).resolves.toEqual({ data: [] });
    },
  );

  it('passes on value and label only, as strings', async () => {
    const loose = { value: 7, label: 'Seven', internal: 'secret' } as unknown as RemoteOption;
    service = new RemoteDataService([new FakeProvider('numbers', [loose])]);
    await expect(service.fetch('numbers', {})).resolves.toEqual({ data: [{ value: '7', label: 'Seven' }] });
  });

  it('refuses two providers for one resource', () => {
    expect(() => new RemoteDataService([colours, new FakeProvider('colours', [])])).toThrow(/"colours"/);
  });

  it('is wired to a provider for every remote resource the config schema uses', async () => {
    const options: GatewayFeatureOptions = {
      webhookSecrets: ['secret'],
      signatureMaxAgeSeconds: 300,
      allowPrivateStoreUrls: true,
    };
    const moduleRef = await Test.createTestingModule({
      providers: [
        { provide: GATEWAY_FEATURE_OPTIONS, useValue: options },
        // The products picker reads our mirror; only its wiring matters here.
        { provide: WidgetProductsService, useValue: {} },
        // The store webhooks options read connections and sign links; only their wiring matters here.
        { provide: StoreConnectionRepository, useValue: {} },
        { provide: CredentialCipher, useValue: new CredentialCipher('ab'.repeat(32)) },
        ...SHOPIMIND_CONFIG_PROVIDERS,
      ],
    }).compile();
    const served = moduleRef.get(RemoteDataService).resources();
    expect(served).toEqual(expect.arrayContaining(configSchemaRemoteResources(INTEGRATION_CONFIG_SCHEMA)));
    expect(served).toContain(PRODUCTS_REMOTE_RESOURCE);
    await moduleRef.close();
  });
});
