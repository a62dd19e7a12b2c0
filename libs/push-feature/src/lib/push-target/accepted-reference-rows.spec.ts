import { AcceptedReferenceRows } from './accepted-reference-rows';

const stamped = (status_id: string, name: string, now = '2024-05-01T10:00:00.000Z') => ({
  status_id,
  name,
  created_at: now,
  updated_at: now,
});
const statusId = (row: { status_id: string }) => row.status_id;

describe('AcceptedReferenceRows', () => {
  let now: number;
  let rows: AcceptedReferenceRows;

  beforeEach(() => {
    now = 0;
    rows = new AcceptedReferenceRows(60_000, () => now);
  });

  it('sends what ShopiMind has not accepted yet', () => {
    rows.remember('statuses', [stamped('paid', 'Paid')], statusId);

    expect(
      rows.toSend('statuses', [stamped('paid', 'Paid'), stamped('shipped', 'Shipped')], statusId),
    ).toEqual([stamped('shipped', 'Shipped')]);
  });

  it('does not send an accepted row again when only its stamps differ', () => {
    rows.remember('statuses', [stamped('paid', 'Paid')], statusId);
    now = 59_999;

    expect(rows.toSend('statuses', [stamped('paid', 'Paid', '2024-06-01T00:00:00.000Z')], statusId)).toEqual(
      [],
    );
  });

  it('sends a row again once its content changed', () => {
    rows.remember('statuses', [stamped('paid', 'Paid')], statusId);

    expect(rows.toSend('statuses', [stamped('paid', 'Payé')], statusId)).toEqual([stamped('paid', 'Payé')]);
  });

  it('sends a row again after the resend delay', () => {
    rows.remember('statuses', [stamped('paid', 'Paid')], statusId);
    now = 60_000;

    expect(rows.toSend('statuses', [stamped('paid', 'Paid')], statusId)).toEqual([stamped('paid', 'Paid')]);
  });

  it('keeps entities apart', () => {
    rows.remember('statuses', [stamped('1', 'Paid')], statusId);

    expect(rows.toSend('categories', [stamped('1', 'Paid')], statusId)).toEqual([stamped('1', 'Paid')]);
  });
});
