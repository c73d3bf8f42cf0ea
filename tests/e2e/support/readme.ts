import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const README_PATH = fileURLToPath(new URL('../../../README.md', import.meta.url));

/** The first fenced code block after the heading that starts with `heading` (e.g. `## Walk-through`). */
export const codeBlockUnder = (markdown: string, heading: string): string => {
  const lines = markdown.split(/\r?\n/);
  const start = lines.findIndex((line) => line.startsWith(heading));
  if (start === -1) throw new Error(`README.md has no heading starting with "${heading}"`);
  const open = lines.findIndex((line, i) => i > start && /^```/.test(line));
  const nextHeading = lines.findIndex((line, i) => i > start && /^#{1,6} /.test(line));
  if (open === -1 || (nextHeading !== -1 && nextHeading < open)) throw new Error(`no code block under "${heading}" in README.md`);
  const close = lines.findIndex((line, i) => i > open && /^```\s*$/.test(line));
  if (close === -1) throw new Error(`the code block under "${heading}" in README.md is not closed`);
  return lines.slice(open + 1, close).join('\n');
};

export const readReadme = (): string => readFileSync(README_PATH, 'utf8');

/** The text after the walk-through block, which shows an example problem body in backticks. */
export const inlineCodeAfter = (markdown: string, marker: string): string[] => {
  const at = markdown.indexOf(marker);
  if (at === -1) return [];
  return [...markdown.slice(at).matchAll(/`([^`\n]+)`/g)].map((match) => match[1] ?? '');
};

/**
 * Splits output made of JSON values printed back to back (curl -s prints bodies without a newline) into the values.
 * Anything between values that is not whitespace is returned as an error, so unexpected output is not ignored.
 */
export const splitJsonValues = (text: string): { values: unknown[]; junk: string[] } => {
  const values: unknown[] = [];
  const junk: string[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i] ?? '';
    if (/\s/.test(char)) {
      i += 1;
      continue;
    }
    if (char !== '{' && char !== '[') {
      const end = text.slice(i).search(/[{[]/);
      const stop = end === -1 ? text.length : i + end;
      junk.push(text.slice(i, stop));
      i = stop;
      continue;
    }
    let depth = 0;
    let inString = false;
    let j = i;
    for (; j < text.length; j += 1) {
      const c = text[j];
      if (inString) {
        if (c === '\\') j += 1;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth += 1;
      else if (c === '}' || c === ']') {
        depth -= 1;
        if (depth === 0) break;
      }
    }
    const slice = text.slice(i, j + 1);
    try {
      values.push(JSON.parse(slice));
    } catch {
      junk.push(slice);
    }
    i = j + 1;
  }
  return { values, junk };
};
