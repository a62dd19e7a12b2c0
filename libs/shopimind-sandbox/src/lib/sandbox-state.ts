import { randomBytes } from 'node:crypto';
import { SANDBOX_ENTITIES, SandboxEntity, SandboxItem } from './sandbox-entities';
import {
  DEFAULT_PRODUCT_ACCEPT_LOG_CAPACITY,
  ProductAcceptLog,
  validateAcceptLogCapacity,
} from './sandbox-product-accepts';

/**
 * revoked: installed (or deactivated), the key exists but every API call answers 401.
 * active: between activate and deactivate. uninstalled: the key is revoked forever.
 */
export type InstallationStatus = 'revoked' | 'active' | 'uninstalled';

export interface CreateInstallationInput {
  installationId?: string;
  shopDomain?: string;
  shopName?: string;
}

export interface SandboxCredentials {
  installationId: string;
  accessToken: string;
}

export interface SandboxInstallationInfo extends SandboxCredentials {
  status: InstallationStatus;
  shopDomain: string;
  shopName: string;
}

export interface SandboxDataSource {
  id_data_source: number;
  id_shop: number;
  label: string;
  type: string;
  is_default: boolean;
  config: string | null;
  active: boolean;
  parent_id: number | null;
  created_at: string;
  updated_at: string;
}

export interface SandboxRequestLogEntry {
  at: string;
  method: string;
  path: string;
  status: number;
  /** Items in a bulk write, ids in a bulk delete, 0 otherwise. */
  itemCount: number;
  /** The installation the key belongs to, null when the key is missing or unknown. */
  installationId: string | null;
  /** True when the answer was a fault injected by the sandbox: nothing was applied. */
  injected: boolean;
  /**
   * API requests the sandbox was handling when this one arrived, itself included (all installations
   * together): how many calls a client keeps in flight. Optional only for entries written by hand.
   */
  inFlight?: number;
}

export interface InstallationRecord extends SandboxInstallationInfo {
  idShop: number;
  items: Record<SandboxEntity, Map<string, SandboxItem>>;
  dataSources: SandboxDataSource[];
  /** When each product record was accepted, for benchmarks timing a change until ShopiMind holds it. */
  productAccepts: ProductAcceptLog;
}

function emptyItems(): Record<SandboxEntity, Map<string, SandboxItem>> {
  return Object.fromEntries(
    SANDBOX_ENTITIES.map((entity) => [entity, new Map<string, SandboxItem>()]),
  ) as Record<SandboxEntity, Map<string, SandboxItem>>;
}

/** Everything the sandbox remembers, scoped per installation. */
export class SandboxState {
  private readonly installations = new Map<string, InstallationRecord>();
  private readonly installationsByToken = new Map<string, InstallationRecord>();
  private log: SandboxRequestLogEntry[] = [];
  private nextShopId = 1;
  private nextDataSourceId = 1;

  private readonly productAcceptLogCapacity: number;

  constructor(productAcceptLogCapacity = DEFAULT_PRODUCT_ACCEPT_LOG_CAPACITY) {
    // A wrong capacity fails when the sandbox starts, not at its first installation.
    this.productAcceptLogCapacity = validateAcceptLogCapacity(productAcceptLogCapacity);
  }

  createInstallation(input: CreateInstallationInput = {}): SandboxCredentials {
    const installationId = input.installationId ?? `inst_${randomBytes(8).toString('hex')}`;
    if (this.installations.has(installationId)) {
      throw new Error(`installation ${installationId} already exists`);
    }
    const idShop = this.nextShopId++;
    const record: InstallationRecord = {
      installationId,
      accessToken: `spm_${randomBytes(24).toString('hex')}`,
      status: 'revoked',
      shopDomain: input.shopDomain ?? `shop-${idShop}.example.com`,
      shopName: input.shopName ?? `Sandbox shop ${idShop}`,
      idShop,
      items: emptyItems(),
      dataSources: [],
      productAccepts: new ProductAcceptLog(this.productAcceptLogCapacity),
    };
    this.installations.set(installationId, record);
    this.installationsByToken.set(record.accessToken, record);
    return { installationId, accessToken: record.accessToken };
  }

  require(installationId: string): InstallationRecord {
    const record = this.installations.get(installationId);
    if (record === undefined) {
      throw new Error(`unknown sandbox installation ${installationId}`);
    }
    return record;
  }

  findByToken(accessToken: string): InstallationRecord | undefined {
    return this.installationsByToken.get(accessToken);
  }

  all(): InstallationRecord[] {
    return [...this.installations.values()];
  }

  setActive(installationId: string, active: boolean): void {
    const record = this.require(installationId);
    if (record.status === 'uninstalled') {
      throw new Error(`installation ${installationId} is uninstalled; its key is revoked forever`);
    }
    record.status = active ? 'active' : 'revoked';
  }

  uninstall(installationId: string): void {
    this.require(installationId).status = 'uninstalled';
  }

  allocateDataSourceId(): number {
    return this.nextDataSourceId++;
  }

  recordRequest(entry: SandboxRequestLogEntry): void {
    this.log.push(entry);
  }

  requestLog(installationId?: string): SandboxRequestLogEntry[] {
    const entries =
      installationId === undefined ? this.log : this.log.filter((e) => e.installationId === installationId);
    return entries.map((entry) => ({ ...entry }));
  }

  reset(): void {
    this.installations.clear();
    this.installationsByToken.clear();
    this.log = [];
    this.nextShopId = 1;
    this.nextDataSourceId = 1;
  }
}
