import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import {
  installationKeyOf,
  LIFECYCLE_EVENTS,
  LifecycleEventDto,
  toLifecycleEventName,
} from './lifecycle-event.dto';

function parse(body: Record<string, unknown>): { dto: LifecycleEventDto; invalid: string[] } {
  const dto = plainToInstance(LifecycleEventDto, body);
  return { dto, invalid: validateSync(dto).map((error) => error.property) };
}

describe('toLifecycleEventName', () => {
  it.each(LIFECYCLE_EVENTS.map((name) => [name]))('accepts the short name %p as is', (name) => {
    expect(toLifecycleEventName(name)).toBe(name);
  });

  it.each([
    ['integration.installed', 'install'],
    ['integration.activated', 'activate'],
    ['integration.config_updated', 'config_updated'],
    ['integration.deactivated', 'deactivate'],
    ['integration.uninstalled', 'uninstall'],
  ])('maps the namespaced spelling %p to %p', (event, name) => {
    expect(toLifecycleEventName(event)).toBe(name);
  });

  it.each([
    'installed',
    'INSTALL',
    ' install',
    'integration.install',
    'integration.deleted',
    'order.created',
    '',
    // Keys every plain object inherits: they must not pass for event names.
    'constructor',
    'toString',
    'hasOwnProperty',
    '__proto__',
  ])('rejects the unknown event %p', (event) => {
    expect(toLifecycleEventName(event)).toBeUndefined();
  });
});

describe('installationKeyOf', () => {
  it('prefers installation_id, as an opaque string, over the legacy id', () => {
    const { dto, invalid } = parse({
      event: 'activate',
      installation_id: 'inst:42/abc',
      id_shop_integration: 7,
    });
    expect(invalid).toEqual([]);
    expect(installationKeyOf(dto)).toBe('inst:42/abc');
  });

  it('falls back to legacy:<id_shop_integration> when installation_id is absent', () => {
    const { dto } = parse({ event: 'activate', id_shop_integration: '1234' });
    expect(installationKeyOf(dto)).toBe('legacy:1234');
  });

  it('turns a numeric id_shop_integration into a string', () => {
    const { dto, invalid } = parse({ event: 'install', id_shop_integration: 1234 });
    expect(invalid).toEqual([]);
    expect(dto.id_shop_integration).toBe('1234');
    expect(installationKeyOf(dto)).toBe('legacy:1234');
  });

  it('is undefined when the event carries neither identity', () => {
    const { dto, invalid } = parse({ event: 'install', shop_domain: 'shop.example.com' });
    expect(invalid).toEqual([]);
    expect(installationKeyOf(dto)).toBeUndefined();
  });
});

describe('LifecycleEventDto validation', () => {
  it('accepts a full install payload and ignores unknown extra fields', () => {
    const { dto, invalid } = parse({
      event: 'integration.installed',
      installation_id: 'inst_1',
      access_token: 'spm_token',
      configs: { store_base_url: 'https://shop.example.com' },
      shop_domain: 'shop.example.com',
      shop_name: 'Shop',
      external_account_id: 99,
      installed_at: '2026-01-01T00:00:00Z',
      something_new: { nested: true },
    });
    expect(invalid).toEqual([]);
    expect(dto.external_account_id).toBe('99');
    expect(dto.configs).toEqual({ store_base_url: 'https://shop.example.com' });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a missing event', { installation_id: 'inst_1' }, 'event'],
    ['an empty event', { event: '' }, 'event'],
    ['a numeric event', { event: 1 }, 'event'],
    ['an empty installation_id', { event: 'install', installation_id: '' }, 'installation_id'],
    ['a numeric installation_id', { event: 'install', installation_id: 12 }, 'installation_id'],
    [
      'a non-numeric id_shop_integration',
      { event: 'install', id_shop_integration: 'abc' },
      'id_shop_integration',
    ],
    ['a negative id_shop_integration', { event: 'install', id_shop_integration: -3 }, 'id_shop_integration'],
    [
      'an object id_shop_integration',
      { event: 'install', id_shop_integration: { id: 1 } },
      'id_shop_integration',
    ],
    ['an empty access_token', { event: 'install', access_token: '' }, 'access_token'],
    ['a numeric access_token', { event: 'install', access_token: 123 }, 'access_token'],
    ['configs as a string', { event: 'activate', configs: 'store_base_url=x' }, 'configs'],
    ['configs as an array', { event: 'activate', configs: [{ store_base_url: 'x' }] }, 'configs'],
    ['configs as a number', { event: 'activate', configs: 5 }, 'configs'],
    ['a numeric shop_domain', { event: 'install', shop_domain: 5 }, 'shop_domain'],
    ['a boolean external_account_id', { event: 'install', external_account_id: true }, 'external_account_id'],
  ])('rejects %s', (_label, body, property) => {
    expect(parse(body).invalid).toEqual([property]);
  });
});
