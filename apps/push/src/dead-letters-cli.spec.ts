import {
  DEAD_LETTERS_EXIT,
  DEAD_LETTERS_USAGE,
  deadLetterCommand,
  parseDeadLetterArgs,
} from './dead-letters-cli';

describe('deadLetterCommand', () => {
  it.each([['--help'], ['-h'], ['--entity=orders', '--help']])(
    'prints the usage on stdout for %j',
    (...argv) => {
      expect(deadLetterCommand(argv)).toEqual({
        kind: 'exit',
        exitCode: DEAD_LETTERS_EXIT.ok,
        stream: 'stdout',
        output: DEAD_LETTERS_USAGE,
      });
    },
  );

  it('names every option in the usage', () => {
    for (const option of ['--connection', '--entity', '--limit', '--replay', '--help', '-h']) {
      expect(DEAD_LETTERS_USAGE).toContain(option);
    }
  });

  it('runs with the filter and the switch, in either --name=value or --name value form', () => {
    expect(deadLetterCommand(['--connection', '7a0e3c51', '--entity', 'products', '--limit', '5'])).toEqual({
      kind: 'run',
      args: { filter: { connectionId: '7a0e3c51', entity: 'products', limit: 5 }, replay: false },
    });
    expect(deadLetterCommand(['--replay'])).toEqual({ kind: 'run', args: { filter: {}, replay: true } });
  });

  it.each([
    [['--entity=customers'], 'unexpected argument "--entity=customers": --entity is one of products, orders'],
    [['--limit', '0'], 'unexpected argument "--limit 0": --limit is a whole number from 1'],
    [['--limit=ten'], 'unexpected argument "--limit=ten": --limit is a whole number from 1'],
    [['--limit=-3'], '--limit is a whole number from 1'],
    [['--connection', '--replay'], 'unexpected argument "--connection": --connection needs a value'],
    [['--connection='], '--connection needs a value'],
    [['--replay=yes'], 'unexpected argument "--replay=yes": --replay takes no value'],
    [['--help=1'], '--help takes no value'],
    [['--conection=x'], 'unexpected argument "--conection=x": no such option'],
    [['-x'], 'unexpected argument "-x": no such option'],
    [['orders'], 'unexpected argument "orders"'],
    [['--', '--replay'], 'unexpected argument "--"'],
  ])('refuses %j with the reason and the usage on stderr, exit code 2', (argv, message) => {
    const command = deadLetterCommand(argv);
    expect(command).toMatchObject({ kind: 'exit', exitCode: DEAD_LETTERS_EXIT.usage, stream: 'stderr' });
    const output = command.kind === 'exit' ? command.output : '';
    expect(output.split('\n')[0]).toContain(message);
    expect(output.endsWith(DEAD_LETTERS_USAGE)).toBe(true);
  });

  it('keeps the last value of a repeated option, as parseArgs does', () => {
    expect(parseDeadLetterArgs(['--limit=3', '--limit=4']).filter.limit).toBe(4);
  });
});
