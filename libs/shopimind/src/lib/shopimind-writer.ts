import {
  createShopimindHttpClient,
  sdk,
  type ShopimindCustomer,
  type ShopimindHttpClient,
  type ShopimindOrder,
  type ShopimindOrderStatus,
  type ShopimindProduct,
} from './shopimind-sdk';
import { classifyWrite, type WriteOutcome } from './write-outcome';

export class ShopimindWriteError extends Error {
  constructor(
    message: string,
    readonly outcome: WriteOutcome,
  ) {
    super(message);
  }
}

interface DataSourceRow {
  id_data_source: number;
  label: string;
}

/** Admin routes answer `{ statusCode, data }`: the payload is one level down. */
function apiPayload(body: unknown): unknown {
  return typeof body === 'object' && body !== null && 'data' in body
    ? (body as { data: unknown }).data
    : body;
}

function isDataSourceRow(value: unknown): value is DataSourceRow {
  return (
    typeof value === 'object' && value !== null && typeof (value as DataSourceRow).id_data_source === 'number'
  );
}

/** ShopiMind writes for one installation, each outcome classified (spec §9). */
export class ShopimindWriter {
  private readonly client: ShopimindHttpClient;

  constructor(accessToken: string, baseUrl: string) {
    this.client = createShopimindHttpClient(accessToken, { baseUrl });
  }

  /** Finds the data source labelled `label` or creates it (type `api`), so repeating this is harmless. */
  async ensureDataSource(label: string): Promise<number> {
    const listed = await sdk.listDataSources(this.client);
    if (!listed.ok) {
      throw new ShopimindWriteError(
        `listing data sources failed (HTTP ${listed.statusCode})`,
        classifyWrite(listed),
      );
    }
    const rows = apiPayload(listed.data);
    const existing = (Array.isArray(rows) ? rows : [])
      .filter(isDataSourceRow)
      .find((row) => row.label === label);
    if (existing) {
      return existing.id_data_source;
    }
    const created = await sdk.createDataSource(this.client, label);
    const row = apiPayload(created.data);
    if (!created.ok || !isDataSourceRow(row)) {
      throw new ShopimindWriteError(
        `creating data source failed (HTTP ${created.statusCode})`,
        classifyWrite(created),
      );
    }
    return row.id_data_source;
  }

  async saveProducts(items: ShopimindProduct[]): Promise<WriteOutcome> {
    return classifyWrite(await sdk.saveProducts(this.client, items));
  }

  async deleteProducts(productIds: number[]): Promise<WriteOutcome> {
    return classifyWrite(await sdk.deleteProducts(this.client, productIds));
  }

  async saveOrders(items: ShopimindOrder[]): Promise<WriteOutcome> {
    return classifyWrite(await sdk.saveOrders(this.client, items));
  }

  /** Order ids are the store's own (strings), unlike product ids. */
  async deleteOrders(orderIds: string[]): Promise<WriteOutcome> {
    return classifyWrite(await sdk.deleteOrders(this.client, orderIds));
  }

  async saveCustomers(items: ShopimindCustomer[]): Promise<WriteOutcome> {
    return classifyWrite(await sdk.saveCustomers(this.client, items));
  }

  async saveOrderStatuses(items: ShopimindOrderStatus[]): Promise<WriteOutcome> {
    return classifyWrite(await sdk.saveOrderStatuses(this.client, items));
  }
}
