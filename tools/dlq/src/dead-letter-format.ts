import type { DeadLetterView } from './dead-letter-source.js';

const ERROR_WIDTH = 60;

/** One line, at most `width` characters: error texts can be long and span lines (stack-like messages). */
export const truncate = (text: string, width: number): string => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= width ? line : `${line.slice(0, width - 1)}…`;
};

const whereOf = (letter: DeadLetterView): string => letter.queue ?? letter.service;

const rowOf = (letter: DeadLetterView): string[] => [
  letter.id,
  whereOf(letter),
  letter.messageType ?? '-',
  String(letter.attempts),
  `${letter.deadAt ?? '-'}${letter.replayedAt ? ' (replayed)' : ''}`,
  truncate(letter.error, ERROR_WIDTH),
];

const HEADER = ['ID', 'SERVICE/QUEUE', 'TYPE', 'ATTEMPTS', 'DEAD AT', 'ERROR'];

export const formatTable = (letters: readonly DeadLetterView[]): string => {
  if (letters.length === 0) return 'no dead letters\n';
  const rows = [HEADER, ...letters.map(rowOf)];
  const widths = HEADER.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const lines = rows.map((row) =>
    row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  '),
  );
  return `${lines.join('\n')}\n`;
};

export const formatDetail = (letter: DeadLetterView): string => {
  const fields: Array<[string, string | undefined]> = [
    ['id', letter.id],
    ['service', letter.service],
    ['queue', letter.queue],
    ['replays to', letter.consumerQueue],
    ['url', letter.url],
    ['message id', letter.messageId ?? '-'],
    ['type', letter.messageType ?? '-'],
    ['attempts', String(letter.attempts)],
    ['dead at', letter.deadAt ?? '-'],
    ['replayed at', letter.replayedAt === undefined ? undefined : (letter.replayedAt ?? 'never')],
    ['error', letter.error],
  ];
  const present = fields.filter((field): field is [string, string] => field[1] !== undefined);
  const width = Math.max(...present.map(([label]) => label.length)) + 2;
  const lines = present.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`);
  return `${lines.join('\n')}\nmessage:\n${JSON.stringify(letter.message, null, 2)}\n`;
};

export const formatJson = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
