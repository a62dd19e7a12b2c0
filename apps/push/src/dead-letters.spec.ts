import type { PushOutcomeEntity } from '@storebridge/persistence';
import { formatDeadLetters, parseDeadLetterArgs } from './dead-letters-cli';

describe('dead-letters command', () => {
  it('reads the filter and the replay switch', () => {
    expect(
      parseDeadLetterArgs(['--connection=7a0e3c51', '--entity=orders', '--limit=20', '--replay']),
    ).toEqual({ filter: { connectionId: '7a0e3c51', entity: 'orders', limit: 20 }, replay: true });
    expect(parseDeadLetterArgs([])).toEqual({ filter: {}, replay: false });
  });

  it.each([['--entity=customers'], ['--limit=0'], ['--connection'], ['--replay=yes'], ['orders']])(
    'refuses %s',
    (arg) => {
      expect(() => parseDeadLetterArgs([arg])).toThrow(`unexpected argument "${arg}"`);
    },
  );

  it('prints each dead letter with its reasons and rejections', () => {
    const letter = {
      connectionId: 'c1',
      entity: 'products',
      storeId: 'p1',
      reasons: ['price: must be a number', 'name: required'],
      attempts: 2,
      updatedAt: new Date('2026-11-23T12:00:00.000Z'),
    } as PushOutcomeEntity;

    expect(formatDeadLetters([letter])).toBe(
      '1 dead letter(s):\nc1  products  p1  rejected 2x, last 2026-11-23T12:00:00.000Z\n    price: must be a number; name: required\n',
    );
    expect(formatDeadLetters([])).toBe('No dead letters.\n');
  });
});
