import {
  SpmBulkCustomerAddressData,
  SpmClient,
  SpmCustomerAddressData,
  SpmCustomerData,
  SpmCustomers,
  SpmCustomersAddresses,
  SpmHttpClient,
} from '@shopimind/sdk-shopimind';
import { sandboxCustomerFixture } from './sandbox-fixtures';
import { ShopimindSandbox, startShopimindSandbox } from './sandbox.server';

function address(overrides: Partial<SpmCustomerAddressData> = {}): SpmCustomerAddressData {
  return {
    address_id: 1,
    first_name: 'Ada',
    last_name: 'Lovelace',
    address_line_1: '12 St James Sq',
    postal_code: 'SW1Y 4JH',
    city: 'London',
    country: 'GB',
    is_active: true,
    ...overrides,
  };
}

function bulkAddress(
  customerId: string,
  overrides: Partial<SpmCustomerAddressData> = {},
): SpmBulkCustomerAddressData {
  return { ...address(overrides), customer_id: customerId };
}

// The customer-address routes, driven by the official SDK as push drives them.
describe('ShopiMind sandbox customer addresses', () => {
  let sandbox: ShopimindSandbox;
  let installationId: string;
  let api: SpmHttpClient;

  beforeAll(async () => {
    sandbox = await startShopimindSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
  });

  beforeEach(async () => {
    sandbox.reset();
    const credentials = sandbox.createInstallation();
    installationId = credentials.installationId;
    sandbox.setActive(installationId, true);
    api = SpmClient.getClient('v1', credentials.accessToken, {
      baseUrl: sandbox.url,
      labelSource: null,
      retry: false,
      timeout: 5_000,
    });
    const customers = ['cust_1', 'cust_2'].map(
      (customerId) => sandboxCustomerFixture({ customer_id: customerId }) as unknown as SpmCustomerData,
    );
    expect(await SpmCustomers.bulkSave(api, customers)).toMatchObject({ ok: true });
  });

  it('saves the addresses of several customers in one call, keyed by customer and address id', async () => {
    const envelope = await SpmCustomersAddresses.bulkSaveAll(api, [
      bulkAddress('cust_1'),
      bulkAddress('cust_2'),
      bulkAddress('cust_1', { address_id: 2, city: 'Paris', country: 'FR' }),
      bulkAddress('cust_1', { address_id: 2, city: 'Lyon', country: 'FR' }),
    ]);

    expect(envelope).toMatchObject({ ok: true, data: { sent_count: 4, rejected_count: 0 } });
    expect(
      sandbox
        .customerAddresses(installationId)
        .map((item) => [item['customer_id'], item['address_id'], item['city']]),
    ).toEqual([
      ['cust_1', 1, 'London'],
      ['cust_2', 1, 'London'],
      ['cust_1', 2, 'Lyon'],
    ]);
    expect(sandbox.requestLog(installationId).at(-1)).toMatchObject({
      method: 'POST',
      path: '/v1/customers/addresses/bulk',
      itemCount: 4,
    });
  });

  it('rejects, item by item, what the SDK types forbid and addresses of customers the shop does not have', async () => {
    const envelope = await SpmCustomersAddresses.bulkSaveAll(api, [
      bulkAddress('cust_1'),
      bulkAddress('cust_1', { address_id: 0 }),
      {
        ...bulkAddress('cust_1', { address_id: 3 }),
        city: undefined,
      } as unknown as SpmBulkCustomerAddressData,
      bulkAddress('cust_unknown', { address_id: 4 }),
      bulkAddress('', { address_id: 5 }),
    ]);

    expect(envelope.data).toMatchObject({
      sent_count: 1,
      rejected_count: 4,
      rejected_items: [
        { index: 1, errors: ['address_id must be a positive integer'] },
        { index: 2, errors: ['city is required'] },
        { index: 3, errors: ['customer_id cust_unknown is not a customer of this shop'] },
        { index: 4, errors: ['customer_id must be a non-empty string'] },
      ],
    });
    expect(sandbox.customerAddresses(installationId)).toHaveLength(1);
  });

  it("saves, lists and deletes one customer's addresses under its path", async () => {
    await SpmCustomersAddresses.bulkSave(api, 'cust_2', [
      address(),
      address({ address_id: 2 }),
      address({ address_id: 3 }),
    ]);
    await SpmCustomersAddresses.bulkSaveAll(api, [bulkAddress('cust_1')]);

    const listed = await SpmCustomersAddresses.list(api, 'cust_2');
    expect((listed.data as { data: unknown[] }).data).toHaveLength(3);

    expect(await SpmCustomersAddresses.bulkDelete(api, 'cust_2', ['1', '2'])).toMatchObject({ ok: true });
    expect(await SpmCustomersAddresses.delete(api, 'cust_2', '3')).toMatchObject({ ok: true });

    // Another customer's address of the same number stays.
    expect(sandbox.customerAddresses(installationId)).toEqual([
      expect.objectContaining({ customer_id: 'cust_1', address_id: 1 }),
    ]);
  });

  it('lists the addresses held on the control side and counts them', async () => {
    await SpmCustomersAddresses.bulkSaveAll(api, [bulkAddress('cust_1')]);

    expect(sandbox.state(installationId).customerAddresses).toHaveLength(1);
  });

  it('has no route of its own outside the customers', async () => {
    const response = await api.request({
      method: 'post',
      url: 'customers-addresses',
      data: [bulkAddress('cust_1')],
      validateStatus: () => true,
    });

    expect(response.status).toBe(404);
  });
});
