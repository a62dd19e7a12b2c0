import { parseDate } from './date.parser';

/** What a canonical ISO string should give: itself when Date reads it back unchanged, else nothing. */
function throughDate(text: string): string | undefined {
  const date = new Date(text);
  return !Number.isNaN(date.getTime()) && date.toISOString() === text ? text : undefined;
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

describe('parseDate', () => {
  it.each([
    ['2024-02-29T12:30:00.123Z', '2024-02-29T12:30:00.123Z'],
    ['2000-02-29T00:00:00.000Z', '2000-02-29T00:00:00.000Z'],
    ['1999-12-31T23:59:59.999Z', '1999-12-31T23:59:59.999Z'],
    ['2024-03-10 08:00:00', '2024-03-10T08:00:00.000Z'],
    ['2024-03-10T08:00:00+02:00', '2024-03-10T06:00:00.000Z'],
    [1_700_000_000, '2023-11-14T22:13:20.000Z'],
    ['1700000000000', '2023-11-14T22:13:20.000Z'],
  ])('reads %p as %p', (value, expected) => {
    expect(parseDate(value)).toBe(expected);
  });

  it.each([
    '2023-02-29T12:30:00.000Z',
    '1900-02-29T12:30:00.000Z',
    '2024-04-31T12:30:00.000Z',
    '2024-13-01T12:30:00.000Z',
    '2024-00-10T12:30:00.000Z',
    '2024-01-00T12:30:00.000Z',
    '2024-01-10T24:00:00.000Z',
    '2024-01-10T12:60:00.000Z',
    '2024-01-10T12:30:60.000Z',
    '2023-02-29 10:00:00',
    '2024-04-31T10:00:00+02:00',
    '0050-01-01',
  ])('refuses %p, a time that does not exist', (value) => {
    expect(parseDate(value)).toBeUndefined();
  });

  it('takes a canonical ISO string exactly when Date reads it back unchanged', () => {
    const disagreements: string[] = [];
    for (const year of [1000, 1600, 1900, 2000, 2023, 2024, 2100, 9999]) {
      for (let month = 0; month <= 13; month += 1) {
        for (let day = 0; day <= 32; day += 1) {
          for (const time of [
            '00:00:00.000',
            '23:59:59.999',
            '24:00:00.000',
            '12:60:00.000',
            '12:00:60.000',
          ]) {
            const text = `${pad(year, 4)}-${pad(month)}-${pad(day)}T${time}Z`;
            if (parseDate(text) !== throughDate(text)) {
              disagreements.push(text);
            }
          }
        }
      }
    }

    expect(disagreements).toEqual([]);
  });
});
