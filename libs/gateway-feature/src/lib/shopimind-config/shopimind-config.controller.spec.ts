import {
  GUARDS_METADATA,
  HTTP_CODE_METADATA,
  METHOD_METADATA,
  PATH_METADATA,
} from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { ShopimindSignatureGuard } from '../shopimind-webhooks/shopimind-signature.guard';
import { failed, succeeded, type ShopimindResponse } from '../shopimind-webhooks/shopimind-response';
import type { ConnectionTestService } from './connection-test.service';
import type { RemoteDataResponse } from './remote-data.provider';
import type { RemoteDataService } from './remote-data.service';
import { ShopimindConfigController } from './shopimind-config.controller';

class FakeConnectionTestService implements Pick<ConnectionTestService, 'test'> {
  readonly calls: Array<Record<string, unknown>> = [];
  answer: ShopimindResponse = succeeded();

  async test(configs: Record<string, unknown>): Promise<ShopimindResponse> {
    this.calls.push(configs);
    return this.answer;
  }
}

class FakeRemoteDataService implements Pick<RemoteDataService, 'fetch'> {
  readonly calls: Array<{ resource: string; configs: Record<string, unknown> }> = [];
  answer: RemoteDataResponse = { data: [{ value: 'Sale', label: 'Sale' }] };

  async fetch(resource: string, configs: Record<string, unknown>): Promise<RemoteDataResponse> {
    this.calls.push({ resource, configs });
    return this.answer;
  }
}

describe('ShopimindConfigController', () => {
  let connectionTest: FakeConnectionTestService;
  let remoteData: FakeRemoteDataService;
  let controller: ShopimindConfigController;

  beforeEach(() => {
    connectionTest = new FakeConnectionTestService();
    remoteData = new FakeRemoteDataService();
    controller = new ShopimindConfigController(
      connectionTest as unknown as ConnectionTestService,
      remoteData as unknown as RemoteDataService,
    );
  });

  const handlers = [
    ['testConnection', 'test-connection'],
    ['fetchRemoteData', 'remote-data/:resource'],
  ] as const;

  it('accepts only requests signed by ShopiMind', () => {
    expect(Reflect.getMetadata(GUARDS_METADATA, ShopimindConfigController)).toEqual([
      ShopimindSignatureGuard,
    ]);
    expect(Reflect.getMetadata(PATH_METADATA, ShopimindConfigController)).toBe('webhook');
  });

  it.each(handlers)(
    'serves %s as POST /webhook/%s answering 200, never Nest’s default 201 (spec §4)',
    (name, path) => {
      const handler = ShopimindConfigController.prototype[name];
      expect(Reflect.getMetadata(PATH_METADATA, handler)).toBe(path);
      expect(Reflect.getMetadata(METHOD_METADATA, handler)).toBe(RequestMethod.POST);
      expect(Reflect.getMetadata(HTTP_CODE_METADATA, handler)).toBe(200);
    },
  );

  it('tests the connection with the config map it received and answers the outcome as is', async () => {
    connectionTest.answer = failed('The store rejected the credential');
    const body = { store_base_url: 'https://shop.example.com', store_auth_method: 'api_key' };
    await expect(controller.testConnection(body)).resolves.toEqual({
      success: false,
      error: 'The store rejected the credential',
    });
    expect(connectionTest.calls).toEqual([body]);
  });

  it.each([null, undefined, 'text', 42, ['a']])(
    'reads a body that is not an object (%p) as an empty config map',
    async (body) => {
      await controller.testConnection(body);
      await controller.fetchRemoteData('categories', body);
      expect(connectionTest.calls).toEqual([{}]);
      expect(remoteData.calls).toEqual([{ resource: 'categories', configs: {} }]);
    },
  );

  it('asks for the named resource with the config map and answers its data', async () => {
    const body = { store_base_url: 'https://shop.example.com' };
    await expect(controller.fetchRemoteData('categories', body)).resolves.toEqual({
      data: [{ value: 'Sale', label: 'Sale' }],
    });
    expect(remoteData.calls).toEqual([{ resource: 'categories', configs: body }]);
  });
});
