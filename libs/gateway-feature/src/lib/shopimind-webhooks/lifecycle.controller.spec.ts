import type { LifecycleEventDto, LifecycleEventName } from './dto/lifecycle-event.dto';
import { LifecycleController } from './lifecycle.controller';
import type { LifecycleService } from './lifecycle.service';
import { failed, succeeded, type ShopimindResponse } from './shopimind-response';

/** Records what it is asked to handle and answers whatever the test chose. */
class FakeLifecycleService implements Pick<LifecycleService, 'handle'> {
  readonly calls: Array<{ name: LifecycleEventName; event: LifecycleEventDto }> = [];
  answer: ShopimindResponse = succeeded();

  async handle(name: LifecycleEventName, event: LifecycleEventDto): Promise<ShopimindResponse> {
    this.calls.push({ name, event });
    return this.answer;
  }
}

describe('LifecycleController', () => {
  let lifecycle: FakeLifecycleService;
  let controller: LifecycleController;

  beforeEach(() => {
    lifecycle = new FakeLifecycleService();
    controller = new LifecycleController(lifecycle as unknown as LifecycleService);
  });

  it.each<[string, unknown, string[]]>([
    ['an empty body', {}, ['event']],
    ['a null body', null, ['event']],
    ['a payload without event', { installation_id: 'inst_1' }, ['event']],
    ['a numeric event', { event: 3, installation_id: 'inst_1' }, ['event']],
    [
      'configs that are not an object',
      { event: 'activate', installation_id: 'inst_1', configs: 'x' },
      ['configs'],
    ],
    [
      'several bad fields',
      { event: 'install', installation_id: '', id_shop_integration: 'abc' },
      ['installation_id', 'id_shop_integration'],
    ],
    [
      'an installation_id of 500 kB',
      { event: 'install', installation_id: 'i'.repeat(500_000) },
      ['installation_id'],
    ],
    [
      'an installation_id with a control character',
      { event: 'install', installation_id: 'inst\n1' },
      ['installation_id'],
    ],
    [
      'a legacy id of 30 digits',
      { event: 'install', id_shop_integration: '1'.repeat(30) },
      ['id_shop_integration'],
    ],
    [
      'an access_token of 1 MB',
      { event: 'install', installation_id: 'i', access_token: 't'.repeat(1_000_000) },
      ['access_token'],
    ],
  ])(
    'answers invalid_payload naming the fields for %s, without calling the service',
    async (_label, body, fields) => {
      const response = await controller.receive(body);
      expect(response.success).toBe(false);
      const error = response.success ? '' : response.error;
      expect(error.startsWith('invalid_payload')).toBe(true);
      for (const field of fields) {
        expect(error).toContain(field);
      }
      expect(lifecycle.calls).toEqual([]);
    },
  );

  it.each<[string, unknown]>([
    ['a NUL in installation_id', { event: 'install', installation_id: 'inst\u00001' }],
    [
      'a NUL deep in the configs',
      { event: 'activate', installation_id: 'inst_1', configs: { a: ['x\u0000'] } },
    ],
    [
      'a lone surrogate in shop_name',
      { event: 'install', installation_id: 'inst_1', shop_name: 'Shop \uD800' },
    ],
  ])('refuses %s with a reason, without calling the service', async (_label, body) => {
    await expect(controller.receive(body)).resolves.toEqual({
      success: false,
      error: 'invalid_payload: text with a NUL character or a lone surrogate',
    });
    expect(lifecycle.calls).toEqual([]);
  });

  it('takes a "__proto__" key in the configs as plain data', async () => {
    const body = JSON.parse(
      '{"event":"activate","installation_id":"inst_1","configs":{"lang":"fr","__proto__":{"polluted":true}}}',
    ) as unknown;

    await expect(controller.receive(body)).resolves.toEqual(succeeded());
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it.each(['integration.deleted', 'installed', 'constructor', '__proto__', 'toString'])(
    'answers unknown_event for %p without calling the service',
    async (event) => {
      await expect(controller.receive({ event, installation_id: 'inst_1' })).resolves.toEqual({
        success: false,
        error: 'unknown_event',
      });
      expect(lifecycle.calls).toEqual([]);
    },
  );

  it('delegates a namespaced event under its short name with the validated, transformed DTO', async () => {
    const response = await controller.receive({
      event: 'integration.activated',
      id_shop_integration: 77,
      configs: { store_base_url: 'https://shop.example.com' },
      activated_at: '2026-01-01T00:00:00Z',
    });
    expect(response).toEqual({ success: true });
    expect(lifecycle.calls).toHaveLength(1);
    const [{ name, event }] = lifecycle.calls;
    expect(name).toBe('activate');
    expect(event).toMatchObject({
      event: 'integration.activated',
      id_shop_integration: '77',
      configs: { store_base_url: 'https://shop.example.com' },
    });
  });

  it.each(['install', 'activate', 'config_updated', 'deactivate', 'uninstall'] as const)(
    'delegates the short name %p as is',
    async (event) => {
      await controller.receive({ event, installation_id: 'inst_1' });
      expect(lifecycle.calls.map((call) => call.name)).toEqual([event]);
    },
  );

  it("returns the service's failure unchanged", async () => {
    lifecycle.answer = failed('unknown_installation');
    await expect(controller.receive({ event: 'deactivate', installation_id: 'inst_9' })).resolves.toEqual({
      success: false,
      error: 'unknown_installation',
    });
  });
});
