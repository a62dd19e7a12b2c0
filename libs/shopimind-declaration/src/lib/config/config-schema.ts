import {
  CONFIG_DEFAULTS,
  CONFIG_RULES,
  STORE_AUTH_METHODS,
  type ConfigStoreAuthMethod,
} from './integration-config.rules';

/** Spec §6: the field types ShopiMind's form renderer knows. */
export type ConfigFieldType =
  'text' | 'password' | 'textarea' | 'email' | 'url' | 'number' | 'select' | 'multiselect' | 'checkbox';

interface ConfigFieldBase {
  /** The key the value is sent under in the config map. */
  key: string;
  label: string;
  required: boolean;
  help?: string;
}

export interface TextConfigField extends ConfigFieldBase {
  type: 'text' | 'password' | 'textarea' | 'email' | 'url';
  default?: string;
  minLength?: number;
  maxLength?: number;
  /** A regular expression source (anchored), matched against the whole value. */
  pattern?: string;
}

export interface NumberConfigField extends ConfigFieldBase {
  type: 'number';
  default?: number;
  min?: number;
  max?: number;
  step?: number;
}

export interface ConfigSelectOption {
  value: string;
  label: string;
}

/** Options fetched from `POST /webhook/remote-data/{resource}` (spec §6), read from each `data` item. */
export interface ConfigRemoteOptions {
  resource: string;
  label_field: string;
  value_field: string;
}

export interface SelectConfigField extends ConfigFieldBase {
  type: 'select';
  default?: string;
  options?: readonly ConfigSelectOption[];
  remote?: ConfigRemoteOptions;
}

export interface MultiselectConfigField extends ConfigFieldBase {
  type: 'multiselect';
  default?: readonly string[];
  options?: readonly ConfigSelectOption[];
  remote?: ConfigRemoteOptions;
}

export interface CheckboxConfigField extends ConfigFieldBase {
  type: 'checkbox';
  default?: boolean;
}

export type ConfigField =
  TextConfigField | NumberConfigField | SelectConfigField | MultiselectConfigField | CheckboxConfigField;

/** ShopiMind runs the action when the merchant completes the step, and blocks the next step on failure. */
export interface ConfigStepCompletion {
  action: 'test_connection';
}

export interface ConfigStep {
  key: string;
  label: string;
  fields: readonly ConfigField[];
  on_complete?: ConfigStepCompletion;
}

export interface FlatConfigSchema {
  fields: readonly ConfigField[];
}

export interface MultiStepConfigSchema {
  steps: readonly ConfigStep[];
}

/** Spec §6: a flat form or a multi-step one. */
export type ConfigSchema = FlatConfigSchema | MultiStepConfigSchema;

/** The remote-data resources the schema refers to; the gateway must serve each of them. */
export const CATEGORIES_REMOTE_RESOURCE = 'categories';
/** Options that show the merchant where their store sends its webhooks (the URLs hold a connection's token). */
export const STORE_WEBHOOKS_REMOTE_RESOURCE = 'store_webhooks';

/** The field whose secret signs the store's webhooks: the store webhooks field names it by its label. */
export const STORE_WEBHOOK_SECRET_FIELD_KEY = 'store_webhook_secret';
/** Informational: its options are read, whatever the merchant selects is ignored by parsing. */
export const STORE_WEBHOOKS_FIELD_KEY = 'store_webhooks';

const AUTH_METHOD_LABELS = {
  api_key: 'API key (sent as X-API-Key)',
  bearer: 'Bearer token or JWT (sent as Authorization: Bearer)',
  basic: 'Username and password (HTTP Basic)',
} as const satisfies Record<ConfigStoreAuthMethod, string>;

const MAPPING_HELP =
  'Optional JSON object: our field name → your store\'s field name (a dotted path such as "pricing.amount" ' +
  'reaches into nested objects). A mapping replaces the standard aliases for that field. Leave empty when ' +
  'your store uses the standard names.';

const storeStep: ConfigStep = {
  key: 'store',
  label: 'Store connection',
  fields: [
    {
      key: 'store_base_url',
      type: 'url',
      required: true,
      label: 'Store base URL',
      help: 'Scheme and host of your store API only, without a path, like https://shop.example.com',
      pattern: CONFIG_RULES.storeBaseUrlPattern.source,
    },
    {
      key: 'store_auth_method',
      type: 'select',
      required: true,
      label: 'Authentication method',
      options: STORE_AUTH_METHODS.map((method) => ({ value: method, label: AUTH_METHOD_LABELS[method] })),
    },
    {
      key: 'store_api_token',
      type: 'password',
      required: false,
      label: 'API key or token',
      help: 'Required for the API key and bearer token methods. A read-only key is enough.',
    },
    {
      key: 'store_username',
      type: 'text',
      required: false,
      label: 'Username',
      help: 'Required for the username and password method.',
    },
    {
      key: 'store_password',
      type: 'password',
      required: false,
      label: 'Password',
      help: 'Required for the username and password method.',
    },
    // In this step so that the connection test can check the currency against the store's products.
    {
      key: 'lang',
      type: 'text',
      required: true,
      label: 'Catalogue language',
      help: 'Two-letter language code of your product texts, like en or fr.',
      pattern: CONFIG_RULES.langPattern.source,
    },
    {
      key: 'currency',
      type: 'text',
      required: true,
      label: 'Currency',
      help:
        'Three-letter ISO 4217 code of your prices, like USD or EUR. A product whose record names its ' +
        'currency (a currency or currency_code field, or prices like "USD 1,299.00" or "€1,299.00") keeps ' +
        "its own; the connection test checks this one against your store's products.",
      pattern: CONFIG_RULES.currencyPattern.source,
    },
  ],
  on_complete: { action: 'test_connection' },
};

const syncStep: ConfigStep = {
  key: 'sync',
  label: 'Endpoints and synchronisation',
  fields: [
    {
      key: 'health_path',
      type: 'text',
      required: false,
      label: 'Health endpoint path',
      help: 'Answers HTTP 200 when the store API is up.',
      default: CONFIG_DEFAULTS.health_path,
      pattern: CONFIG_RULES.endpointPathPattern.source,
    },
    {
      key: 'products_path',
      type: 'text',
      required: false,
      label: 'Products endpoint path',
      help: 'Lists products page by page (page and per_page query parameters).',
      default: CONFIG_DEFAULTS.products_path,
      pattern: CONFIG_RULES.endpointPathPattern.source,
    },
    {
      key: 'orders_path',
      type: 'text',
      required: false,
      label: 'Orders endpoint path',
      help: 'Lists orders page by page (page and per_page query parameters).',
      default: CONFIG_DEFAULTS.orders_path,
      pattern: CONFIG_RULES.endpointPathPattern.source,
    },
    {
      key: 'product_field_mappings',
      type: 'textarea',
      required: false,
      label: 'Product field mappings',
      help: `${MAPPING_HELP} Example: {"name": "title", "price": "pricing.amount"}`,
    },
    {
      key: 'order_field_mappings',
      type: 'textarea',
      required: false,
      label: 'Order field mappings',
      help: `${MAPPING_HELP} Example: {"id": "order_ref", "total": "totals.grand"}`,
    },
    {
      key: 'sync_interval_minutes',
      type: 'number',
      required: false,
      label: 'Full synchronisation interval (minutes)',
      help: 'How often the whole catalogue is read again, besides the real-time store webhooks.',
      default: CONFIG_DEFAULTS.sync_interval_minutes,
      min: CONFIG_RULES.syncIntervalMinutes.min,
      max: CONFIG_RULES.syncIntervalMinutes.max,
      step: 1,
    },
    {
      key: 'store_page_size',
      type: 'number',
      required: false,
      label: 'Page size',
      help: `Records asked per page (per_page); at most ${CONFIG_RULES.storePageSize.max}. Larger pages mean fewer requests.`,
      default: CONFIG_DEFAULTS.store_page_size,
      min: CONFIG_RULES.storePageSize.min,
      max: CONFIG_RULES.storePageSize.max,
      step: 1,
    },
    {
      key: STORE_WEBHOOK_SECRET_FIELD_KEY,
      type: 'password',
      required: false,
      label: 'Store webhook signing secret',
      help:
        'Optional. When set, webhooks from your store must carry X-Webhook-Signature, the hex ' +
        `HMAC-SHA256 of the body with this secret (at least ${CONFIG_RULES.storeWebhookSecretMinLength} characters).`,
      minLength: CONFIG_RULES.storeWebhookSecretMinLength,
    },
    {
      key: STORE_WEBHOOKS_FIELD_KEY,
      type: 'select',
      required: false,
      label: 'Store webhook URLs',
      help:
        'Where your store sends its webhooks (products, orders, sync) and how they are signed, listed once the ' +
        "integration is activated with this store's credential; the last option links to a page showing the " +
        'same. For information only: whatever is selected here is ignored.',
      remote: { resource: STORE_WEBHOOKS_REMOTE_RESOURCE, label_field: 'label', value_field: 'value' },
    },
  ],
};

const catalogStep: ConfigStep = {
  key: 'catalog',
  label: 'Catalogue',
  fields: [
    {
      key: 'excluded_categories',
      type: 'multiselect',
      required: false,
      label: 'Categories to leave out',
      help: 'Products in any of these categories are not sent to ShopiMind.',
      default: CONFIG_DEFAULTS.excluded_categories,
      remote: { resource: CATEGORIES_REMOTE_RESOURCE, label_field: 'label', value_field: 'value' },
    },
  ],
};

/**
 * Our `config_schema` (spec §6), built from the rules `IntegrationConfigDto` enforces. The first step
 * is tested live (`POST /webhook/test-connection`) before the merchant can go on.
 */
export const INTEGRATION_CONFIG_SCHEMA: MultiStepConfigSchema = deepFreeze({
  steps: [storeStep, syncStep, catalogStep],
});

/** Every field of a schema, in form order. */
export function configSchemaFields(schema: ConfigSchema): ConfigField[] {
  return 'steps' in schema ? schema.steps.flatMap((step) => step.fields) : [...schema.fields];
}

/** The remote-data resources a schema needs served, without duplicates. */
export function configSchemaRemoteResources(schema: ConfigSchema): string[] {
  const resources = configSchemaFields(schema).flatMap((field) =>
    (field.type === 'select' || field.type === 'multiselect') && field.remote ? [field.remote.resource] : [],
  );
  return [...new Set(resources)];
}

/** The schema is served to ShopiMind as is: nothing may change it at run time. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) {
      deepFreeze(child);
    }
  }
  return value;
}
