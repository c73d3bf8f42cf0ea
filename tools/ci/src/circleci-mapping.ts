/** One line of the path-filtering orb's mapping: a path regex, the pipeline parameter it sets, and the value. */
export interface MappingRow {
  pattern: RegExp;
  parameter: string;
  value: unknown;
}

/** Parses a mapping the way the orb does: whitespace-separated columns, `#` comments, regexes anchored at both ends. */
export const parseMapping = (mapping: string): MappingRow[] =>
  mapping
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [regex, parameter, value, ...rest] = line.split(/\s+/);
      if (!regex || !parameter || value === undefined || rest.length > 1) throw new Error(`invalid mapping line: ${line}`);
      return { pattern: new RegExp(`^${regex}$`), parameter, value: JSON.parse(value) as unknown };
    });

/** The services whose `build-<service>` parameter the mapping sets to true for these changed files, sorted. */
export const servicesFromMapping = (changedFiles: string[], rows: MappingRow[]): string[] => {
  const parameters = new Set(
    rows.filter((row) => row.value === true && changedFiles.some((file) => row.pattern.test(file))).map((row) => row.parameter),
  );
  return [...parameters].flatMap((parameter) => (parameter.startsWith('build-') ? [parameter.slice('build-'.length)] : [])).sort();
};
