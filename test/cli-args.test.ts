import { parseCommandLine, UsageError } from '../src/cli/args';

const exportShape = { valued: ['segment', 'format'], switches: ['masked'] };
const importShape = { valued: ['batch'], positional: true };

test('valued options take the next word, switches stand alone, plain words keep their order', () => {
  const line = parseCommandLine(['events', '--batch', '20', 'file.csv'], importShape);
  expect(line.positional).toEqual(['events', 'file.csv']);
  expect(line.value('batch')).toBe('20');
  expect(line.has('batch')).toBe(true);
  const exported = parseCommandLine(['--masked', '--segment', '12'], exportShape);
  expect(exported.has('masked')).toBe(true);
  expect(exported.value('masked')).toBeUndefined();
  expect(exported.value('segment')).toBe('12');
  expect(exported.has('format')).toBe(false);
});

test('a wrong command line is a usage error that names the word', () => {
  const mistake = (args: string[], shape: Parameters<typeof parseCommandLine>[1]) => {
    try {
      parseCommandLine(args, shape);
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      return (error as Error).message;
    }
    throw new Error(`${args.join(' ')} was accepted`);
  };
  expect(mistake(['--segment'], exportShape)).toBe('--segment needs a value');
  expect(mistake(['--feilds', 'id'], exportShape)).toBe('unknown option --feilds');
  expect(mistake(['12'], exportShape)).toBe('unexpected argument 12');
  expect(mistake(['events', '--masked'], importShape)).toBe('unknown option --masked');
});
