import { isRecord } from '@storebridge/untrusted-input';
import { InstallationRecord, SandboxDataSource, SandboxState } from './sandbox-state';
import { ApiResponse, apiData, apiError } from './sandbox-response';

/** Data sources (`/v1/data-sources`), the routes behind the SDK's SpmDataSources. */

const DEFAULT_TYPE = 'custom';

interface DataSourceChanges {
  label?: string;
  type?: string;
  config?: string | null;
  parent_id?: number | null;
  is_default?: boolean;
  active?: boolean;
}

type Parsed = { ok: true; changes: DataSourceChanges } | { ok: false; errors: string[] };

function parseChanges(body: unknown, allowActive: boolean): Parsed {
  if (!isRecord(body)) {
    return { ok: false, errors: ['body must be a JSON object'] };
  }
  const errors: string[] = [];
  const changes: DataSourceChanges = {};
  const { label, type, config, parent_id: parentId, is_default: isDefault, active } = body;
  if (label !== undefined) {
    if (typeof label === 'string' && label.trim() !== '') {
      changes.label = label.trim();
    } else {
      errors.push('label must be a non-empty string');
    }
  }
  if (type !== undefined) {
    if (typeof type === 'string' && type !== '') {
      changes.type = type;
    } else {
      errors.push('type must be a non-empty string');
    }
  }
  if (config !== undefined) {
    if (config === null || typeof config === 'string') {
      changes.config = config;
    } else if (isRecord(config)) {
      changes.config = JSON.stringify(config);
    } else {
      errors.push('config must be a string, an object or null');
    }
  }
  if (parentId !== undefined) {
    if (parentId === null || (Number.isSafeInteger(parentId) && (parentId as number) > 0)) {
      changes.parent_id = parentId as number | null;
    } else {
      errors.push('parent_id must be a positive integer or null');
    }
  }
  if (isDefault !== undefined) {
    if (typeof isDefault === 'boolean') {
      changes.is_default = isDefault;
    } else {
      errors.push('is_default must be a boolean');
    }
  }
  if (active !== undefined) {
    if (!allowActive) {
      errors.push('active cannot be set on creation');
    } else if (typeof active === 'boolean') {
      changes.active = active;
    } else {
      errors.push('active must be a boolean');
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, changes };
}

function labelTaken(installation: InstallationRecord, label: string, exceptId?: number): boolean {
  return installation.dataSources.some(
    (source) => source.label === label && source.id_data_source !== exceptId,
  );
}

function findSource(installation: InstallationRecord, rawId: string): SandboxDataSource | undefined {
  return installation.dataSources.find((source) => String(source.id_data_source) === rawId);
}

/** A parent must exist in the same shop and must not make the tree circular. */
function parentError(
  installation: InstallationRecord,
  parentId: number | null | undefined,
  selfId?: number,
): string | undefined {
  if (parentId === null || parentId === undefined) {
    return undefined;
  }
  let current = installation.dataSources.find((source) => source.id_data_source === parentId);
  if (current === undefined) {
    return `parent_id ${parentId} does not exist`;
  }
  while (current !== undefined) {
    if (current.id_data_source === selfId) {
      return 'parent_id would create a circular reference';
    }
    const next: number | null = current.parent_id;
    current =
      next === null ? undefined : installation.dataSources.find((source) => source.id_data_source === next);
  }
  return undefined;
}

export function listDataSources(installation: InstallationRecord): ApiResponse {
  return apiData(
    200,
    installation.dataSources.map((source) => ({ ...source })),
  );
}

export function createDataSource(
  state: SandboxState,
  installation: InstallationRecord,
  body: unknown,
): ApiResponse {
  const parsed = parseChanges(body, false);
  if (!parsed.ok) {
    return apiError(400, parsed.errors.join('; '));
  }
  const { changes } = parsed;
  if (changes.label === undefined) {
    return apiError(400, 'label is required');
  }
  if (labelTaken(installation, changes.label)) {
    return apiError(409, `A data source labelled "${changes.label}" already exists`);
  }
  const invalidParent = parentError(installation, changes.parent_id);
  if (invalidParent !== undefined) {
    return apiError(400, invalidParent);
  }
  const now = new Date().toISOString();
  const source: SandboxDataSource = {
    id_data_source: state.allocateDataSourceId(),
    id_shop: installation.idShop,
    label: changes.label,
    type: changes.type ?? DEFAULT_TYPE,
    is_default: changes.is_default ?? false,
    config: changes.config ?? null,
    active: true,
    parent_id: changes.parent_id ?? null,
    created_at: now,
    updated_at: now,
  };
  installation.dataSources.push(source);
  return apiData(201, { ...source });
}

export function updateDataSource(
  installation: InstallationRecord,
  rawId: string,
  body: unknown,
): ApiResponse {
  const source = findSource(installation, rawId);
  if (source === undefined) {
    return apiError(404, `Data source ${rawId} not found`);
  }
  const parsed = parseChanges(body, true);
  if (!parsed.ok) {
    return apiError(400, parsed.errors.join('; '));
  }
  const { changes } = parsed;
  if (changes.label !== undefined && labelTaken(installation, changes.label, source.id_data_source)) {
    return apiError(409, `A data source labelled "${changes.label}" already exists`);
  }
  const invalidParent = parentError(installation, changes.parent_id, source.id_data_source);
  if (invalidParent !== undefined) {
    return apiError(400, invalidParent);
  }
  Object.assign(source, changes, { updated_at: new Date().toISOString() });
  return apiData(200, { ...source });
}

/** Soft delete, as ShopiMind does: the source stays listed with `active: false`. */
export function deleteDataSource(installation: InstallationRecord, rawId: string): ApiResponse {
  const source = findSource(installation, rawId);
  if (source === undefined) {
    return apiError(404, `Data source ${rawId} not found`);
  }
  if (source.is_default) {
    return apiError(400, 'The default data source cannot be deleted');
  }
  const now = new Date().toISOString();
  for (const child of installation.dataSources.filter((s) => s.parent_id === source.id_data_source)) {
    child.parent_id = null;
    child.updated_at = now;
  }
  source.active = false;
  source.updated_at = now;
  return apiData(200, { ...source });
}
