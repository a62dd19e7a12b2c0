import { plainToInstance } from 'class-transformer';
import { getMetadataStorage } from 'class-validator';
import { DEFAULT_PER_PAGE, MAX_PER_PAGE } from '@storebridge/store-client';
import {
  CATEGORIES_REMOTE_RESOURCE,
  configSchemaFields,
  configSchemaRemoteResources,
  INTEGRATION_CONFIG_SCHEMA,
  STORE_WEBHOOK_SECRET_FIELD_KEY,
  STORE_WEBHOOKS_FIELD_KEY,
  STORE_WEBHOOKS_REMOTE_RESOURCE,
  type ConfigField,
} from './config-schema';
import { InvalidIntegrationConfigError, parseIntegrationConfig } from './integration-config';
import { IntegrationConfigDto } from './integration-config.dto';

const fields = configSchemaFields(INTEGRATION_CONFIG_SCHEMA);
const fieldByKey = new Map(fields.map((field) => [field.key, field]));

/** The keys the DTO reads (every `@Expose()`d property). */
const dtoKeys = Object.keys(plainToInstance(IntegrationConfigDto, {}, { excludeExtraneousValues: true }));
const dtoDefaults = new IntegrationConfigDto() as unknown as Record<string, unknown>;
const validations = getMetadataStorage().getTargetValidationMetadatas(IntegrationConfigDto, '', true, false);

/** The first constraint argument of the DTO's `name` validator on `key` (`min` → 5), if it has one. */
function dtoConstraint(key: string, name: string): unknown {
  return validations.find((meta) => meta.propertyName === key && meta.name === name)?.constraints[0];
}

function dtoIsOptional(key: string): boolean {
  return validations.some((meta) => meta.propertyName === key && meta.type === 'conditionalValidation');
}

function attribute(field: ConfigField, name: 'pattern' | 'min' | 'max' | 'minLength' | 'maxLength'): unknown {
  return name in field ? (field as unknown as Record<string, unknown>)[name] : undefined;
}

const base = {
  store_base_url: 'https://shop.example.com',
  store_auth_method: 'api_key',
  store_api_token: 'sk_live_123',
  lang: 'en',
  currency: 'USD',
};

function problemsOf(configs: Record<string, unknown>): string[] {
  try {
    parseIntegrationConfig(configs);
    return [];
  } catch (error) {
    if (error instanceof InvalidIntegrationConfigError) {
      return error.problems;
    }
    throw error;
  }
}

describe('INTEGRATION_CONFIG_SCHEMA', () => {
  describe('agrees with IntegrationConfigDto', () => {
    it('declares exactly the keys the DTO reads, each once', () => {
      expect(fields.map((field) => field.key).sort()).toEqual([...dtoKeys].sort());
      expect(fieldByKey.size).toBe(fields.length);
    });

    it.each(dtoKeys)(
      '%s: required in the form exactly when the DTO has no default and is not optional',
      (key) => {
        const required = !dtoIsOptional(key) && dtoDefaults[key] === undefined;
        expect(fieldByKey.get(key)?.required).toBe(required);
      },
    );

    it.each(dtoKeys)('%s: shows the default the DTO applies', (key) => {
      expect(fieldByKey.get(key)?.default).toEqual(dtoDefaults[key]);
    });

    it.each(dtoKeys)('%s: shows the pattern the DTO matches', (key) => {
      const regex = dtoConstraint(key, 'matches');
      const field = fieldByKey.get(key);
      expect(field && attribute(field, 'pattern')).toBe(regex instanceof RegExp ? regex.source : undefined);
    });

    it.each(
      dtoKeys.flatMap((key) =>
        (['min', 'max', 'minLength', 'maxLength'] as const).map((name) => [key, name] as const),
      ),
    )('%s: shows the %s the DTO enforces', (key, name) => {
      const field = fieldByKey.get(key);
      expect(field && attribute(field, name)).toBe(dtoConstraint(key, name));
    });

    it('offers exactly the auth methods the DTO accepts', () => {
      const field = fieldByKey.get('store_auth_method');
      const offered = field?.type === 'select' ? field.options?.map((option) => option.value) : undefined;
      expect(offered).toEqual(dtoConstraint('store_auth_method', 'isIn'));
    });
  });

  describe('matches what parseIntegrationConfig accepts', () => {
    it('parses a config carrying every shown default like one leaving them out', () => {
      const defaults = Object.fromEntries(
        fields.flatMap((field) => (field.default === undefined ? [] : [[field.key, field.default]])),
      );
      expect(Object.keys(defaults).length).toBeGreaterThan(0);
      expect(parseIntegrationConfig({ ...base, ...defaults })).toEqual(parseIntegrationConfig(base));
    });

    it('treats a field left blank like an absent one, so untouched optional fields never fail', () => {
      const blanks = Object.fromEntries(
        fields
          .filter((field) => !field.required && field.key !== 'store_api_token')
          .map((field) => [field.key, '']),
      );
      expect(parseIntegrationConfig({ ...base, ...blanks })).toEqual(parseIntegrationConfig(base));
    });

    it.each(fields.filter((field) => field.required).map((field) => field.key))(
      'refuses a config without the required %s, naming it',
      (key) => {
        const configs: Record<string, unknown> = { ...base };
        delete configs[key];
        expect(problemsOf(configs).join('\n')).toContain(key);
      },
    );

    it.each(
      fields.flatMap((field) =>
        field.type === 'number'
          ? [
              [field.key, field.min, true],
              [field.key, field.max, true],
              [field.key, (field.min ?? 0) - 1, false],
              [field.key, (field.max ?? 0) + 1, false],
            ]
          : [],
      ),
    )('%s = %p is accepted: %p', (key, value, accepted) => {
      expect(problemsOf({ ...base, [key as string]: String(value) })).toHaveLength(accepted ? 0 : 1);
    });

    it.each(
      fields.flatMap((field) =>
        'minLength' in field && field.minLength !== undefined
          ? [
              [field.key, 'x'.repeat(field.minLength), true],
              [field.key, 'x'.repeat(field.minLength - 1), false],
            ]
          : [],
      ),
    )('%s of %p is accepted: %p', (key, value, accepted) => {
      expect(problemsOf({ ...base, [key as string]: value })).toHaveLength(accepted ? 0 : 1);
    });

    it.each<[string, string, boolean]>([
      ['store_base_url', 'https://shop.example.com:8443', true],
      ['store_base_url', 'https://shop.example.com/api', false],
      ['health_path', '/status?format=json', true],
      ['health_path', 'status', false],
      ['lang', 'fr', true],
      ['lang', 'fra', false],
      ['currency', 'USD', true],
      ['currency', 'usd', false],
    ])('%s = %p: the shown pattern and the DTO agree (accepted: %p)', (key, value, accepted) => {
      const field = fieldByKey.get(key);
      const pattern = field && attribute(field, 'pattern');
      expect(typeof pattern).toBe('string');
      expect(new RegExp(pattern as string).test(value)).toBe(accepted);
      expect(problemsOf({ ...base, [key]: value }).length === 0).toBe(accepted);
    });
  });

  it.each(
    fields.flatMap((field) => ('pattern' in field && field.pattern ? [[field.key, field.pattern]] : [])),
  )(
    '%s: its pattern also compiles with the u and v flags (HTML pattern attributes use v)',
    (_key, pattern) => {
      expect(() => new RegExp(pattern as string, 'u')).not.toThrow();
      expect(() => new RegExp(pattern as string, 'v')).not.toThrow();
    },
  );

  it('hides every credential behind a password field', () => {
    const secrets = fields.filter((field) => field.type === 'password').map((field) => field.key);
    expect(secrets.sort()).toEqual(['store_api_token', 'store_password', 'store_webhook_secret']);
  });

  it('tests the connection when the merchant completes the store step, which holds everything it needs', () => {
    const [store, ...others] = INTEGRATION_CONFIG_SCHEMA.steps;
    expect(store.on_complete).toEqual({ action: 'test_connection' });
    // The currency too: the test checks it against the store's records (issue #16).
    expect(store.fields.map((field) => field.key)).toEqual([
      'store_base_url',
      'store_auth_method',
      'store_api_token',
      'store_username',
      'store_password',
      'lang',
      'currency',
    ]);
    expect(others.map((step) => step.on_complete)).toEqual([undefined, undefined]);
  });

  it('fills the excluded categories from the categories resource, read as {value, label}', () => {
    expect(fieldByKey.get('excluded_categories')).toMatchObject({
      type: 'multiselect',
      remote: { resource: CATEGORIES_REMOTE_RESOURCE, label_field: 'label', value_field: 'value' },
    });
    expect(configSchemaRemoteResources(INTEGRATION_CONFIG_SCHEMA)).toEqual(['store_webhooks', 'categories']);
  });

  it('shows the store webhook URLs in an optional select filled from the store_webhooks resource', () => {
    const sync = INTEGRATION_CONFIG_SCHEMA.steps.find((step) => step.key === 'sync');
    expect(sync?.fields.map((field) => field.key).slice(-2)).toEqual([
      STORE_WEBHOOK_SECRET_FIELD_KEY,
      STORE_WEBHOOKS_FIELD_KEY,
    ]);
    expect(fieldByKey.get(STORE_WEBHOOKS_FIELD_KEY)).toMatchObject({
      type: 'select',
      required: false,
      remote: { resource: STORE_WEBHOOKS_REMOTE_RESOURCE, label_field: 'label', value_field: 'value' },
    });
  });

  it.each([undefined, '', 'https://gateway.example/api/generic-api/webhooks/t/products', ['a'], { any: 1 }])(
    'ignores whatever the store webhooks field holds (%p)',
    (value) => {
      expect(parseIntegrationConfig({ ...base, [STORE_WEBHOOKS_FIELD_KEY]: value })).toEqual(
        parseIntegrationConfig(base),
      );
    },
  );

  it('offers the page size in the synchronisation step, bounded by the per_page limit of generic-api.md §3', () => {
    const sync = INTEGRATION_CONFIG_SCHEMA.steps.find((step) => step.key === 'sync');
    expect(sync?.fields.find((field) => field.key === 'store_page_size')).toMatchObject({
      type: 'number',
      required: false,
      default: DEFAULT_PER_PAGE,
      min: 1,
      max: MAX_PER_PAGE,
      help: 'Records asked per page (per_page); at most 100. Larger pages mean fewer requests.',
    });
  });

  it('explains the JSON format of both mapping fields', () => {
    for (const key of ['product_field_mappings', 'order_field_mappings']) {
      expect(fieldByKey.get(key)).toMatchObject({ type: 'textarea', help: expect.stringContaining('JSON') });
    }
  });

  it('cannot be changed at run time', () => {
    const field = INTEGRATION_CONFIG_SCHEMA.steps[0].fields[0] as { label: string };
    expect(() => {
      field.label = 'changed';
    }).toThrow(TypeError);
  });

  it('lists the fields of a flat schema too', () => {
    const flat = { fields: [{ key: 'a', type: 'checkbox', required: false, label: 'A' }] } as const;
    expect(configSchemaFields(flat)).toEqual(flat.fields);
  });
});
