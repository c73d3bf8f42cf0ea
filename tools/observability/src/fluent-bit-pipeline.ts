import { parse } from 'yaml';

/** One input, filter, output or parser of a Fluent Bit YAML config: its name and properties. */
export type Section = { name: string; match?: string; tag?: string } & Record<string, unknown>;

export interface FluentBitConfig {
  service?: Record<string, unknown>;
  parsers?: Section[];
  pipeline: { inputs: Section[]; filters?: Section[]; outputs: Section[] };
}

export type LogRecord = Record<string, unknown>;

/** Reads a Fluent Bit 3 YAML config; fails unless it has a pipeline with inputs and outputs, each named. */
export const readFluentBitConfig = (text: string): FluentBitConfig => {
  const config = parse(text) as Partial<FluentBitConfig> | null;
  const pipeline = config?.pipeline;
  if (!pipeline || !Array.isArray(pipeline.inputs) || !Array.isArray(pipeline.outputs))
    throw new Error('a Fluent Bit config has pipeline.inputs and pipeline.outputs');
  for (const section of [...pipeline.inputs, ...(pipeline.filters ?? []), ...pipeline.outputs, ...(config.parsers ?? [])]) {
    if (typeof section.name !== 'string') throw new Error(`a section has no name: ${JSON.stringify(section)}`);
  }
  return config as FluentBitConfig;
};

const isOn = (value: unknown): boolean => value === true || value === 'on' || value === 'On' || value === 'true';
const asList = (value: unknown): string[] => (value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)]);

/** Fluent Bit's tag match: `*` stands for any run of characters. */
export const tagMatches = (pattern: string, tag: string): boolean =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  ).test(tag);

const parserNamed = (config: FluentBitConfig, name: unknown): Section => {
  const parser = (config.parsers ?? []).find((candidate) => candidate.name === name);
  if (!parser) throw new Error(`parser '${String(name)}' is not defined`);
  return parser;
};

/** A json parser applied to a text: the parsed object (its time key kept or not), or undefined if not JSON. */
const applyJsonParser = (parser: Section, text: unknown): LogRecord | undefined => {
  if (parser['format'] !== 'json') throw new Error(`parser '${parser.name}': only the json format is simulated`);
  if (typeof text !== 'string') return undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    const record = { ...(parsed as LogRecord) };
    if (typeof parser['time_key'] === 'string' && !isOn(parser['time_keep'])) delete record[parser['time_key']];
    return record;
  } catch {
    return undefined;
  }
};

/** The CRI log format the cri multiline parser reads: `<time> <stream> <P|F> <content>`. */
const CRI_LINE = /^(\S+) (stdout|stderr) ([PF]) (.*)$/;

/** The record a tail input makes of one line of a log file, with the tag it gets. */
export const readByInput = (config: FluentBitConfig, input: Section, file: string, line: string): { tag: string; record: LogRecord } => {
  if (input.name !== 'tail') throw new Error(`input '${input.name}': only tail is simulated`);
  const tag = String(input.tag ?? 'tail').replace('*', file.replace(/^\//, '').replace(/\//g, '.'));
  if (input['multiline.parser'] === 'cri') {
    const match = CRI_LINE.exec(line);
    if (!match) throw new Error(`not a CRI log line: ${line}`);
    return { tag, record: { time: match[1], stream: match[2], _p: match[3], log: match[4] } };
  }
  if (input['parser'] !== undefined) return { tag, record: applyJsonParser(parserNamed(config, input['parser']), line) ?? { log: line } };
  return { tag, record: { log: line } };
};

type Filter = (config: FluentBitConfig, filter: Section, record: LogRecord) => LogRecord | undefined;

/** The kubernetes filter, as far as the record's own fields go: merge_log parses `log` into the top level. */
const kubernetesFilter: Filter = (_config, filter, record) => {
  const merged = isOn(filter['merge_log']) ? applyJsonParser({ name: 'merge_log', format: 'json' }, record['log']) : undefined;
  const result: LogRecord = { ...record, ...(merged ?? {}), kubernetes: { namespace_name: 'ordering' } };
  if (merged && !isOn(filter['keep_log'])) delete result['log'];
  return result;
};

const parserFilter: Filter = (config, filter, record) => {
  const key = String(filter['key_name']);
  const parsed = applyJsonParser(parserNamed(config, filter['parser']), record[key]);
  if (!parsed) return record;
  const kept = isOn(filter['reserve_data']) ? { ...record } : {};
  if (!isOn(filter['preserve_key'])) delete kept[key];
  return { ...kept, ...parsed };
};

/** `regex KEY REGEX`: keep records whose KEY matches; `exclude KEY REGEX`: drop them. */
const grepFilter: Filter = (_config, filter, record) => {
  const rules = (property: string) =>
    asList(filter[property]).map((rule) => {
      const [key = '', ...pattern] = rule.split(' ');
      return { key, pattern: new RegExp(pattern.join(' ')) };
    });
  const test = ({ key, pattern }: { key: string; pattern: RegExp }) => record[key] !== undefined && pattern.test(String(record[key]));
  if (!rules('regex').every(test)) return undefined;
  if (rules('exclude').some(test)) return undefined;
  return record;
};

const modifyFilter: Filter = (_config, filter, record) => {
  const result = { ...record };
  for (const key of asList(filter['remove'])) delete result[key];
  for (const prefix of asList(filter['remove_wildcard']))
    for (const key of Object.keys(result)) if (key.startsWith(prefix)) delete result[key];
  return result;
};

const FILTERS: Record<string, Filter> = { kubernetes: kubernetesFilter, parser: parserFilter, grep: grepFilter, modify: modifyFilter };

/** The names of the filters this simulation knows; a config using another one cannot be checked. */
export const SIMULATED_FILTERS = Object.keys(FILTERS);

/** The record after every filter whose match covers the tag, in order; undefined if one drops it. */
export const runFilters = (config: FluentBitConfig, tag: string, record: LogRecord): LogRecord | undefined =>
  (config.pipeline.filters ?? []).reduce<LogRecord | undefined>((current, filter) => {
    if (current === undefined || !tagMatches(String(filter.match ?? '*'), tag)) return current;
    const apply = FILTERS[filter.name];
    if (!apply) throw new Error(`filter '${filter.name}' is not simulated`);
    return apply(config, filter, current);
  }, record);

/** One line of one file through the whole pipeline: what the outputs matching its tag receive. */
export const ship = (config: FluentBitConfig, file: string, line: string): { outputs: Section[]; record: LogRecord | undefined } => {
  const input = config.pipeline.inputs[0]!;
  const { tag, record } = readByInput(config, input, file, line);
  return {
    outputs: config.pipeline.outputs.filter((output) => tagMatches(String(output.match ?? '*'), tag)),
    record: runFilters(config, tag, record),
  };
};

/**
 * A pipeline that cannot lose lines by construction: every input tagged, every filter and output matching an
 * input's tag, every input's tag reaching an output, every parser named by a filter or input defined.
 */
export const findPipelineProblems = (config: FluentBitConfig): string[] => {
  const tags = config.pipeline.inputs.map((input) => String(input.tag ?? ''));
  const matchesSomeInput = (section: Section) => tags.some((tag) => tagMatches(String(section.match ?? ''), tag));
  const parserNames = new Set((config.parsers ?? []).map((parser) => parser.name));
  return [
    ...config.pipeline.inputs.filter((input) => !input.tag).map((input) => `input ${input.name}: no tag`),
    ...(config.pipeline.filters ?? [])
      .filter((filter) => !matchesSomeInput(filter))
      .map((filter) => `filter ${filter.name}: matches no input`),
    ...config.pipeline.outputs.filter((output) => !matchesSomeInput(output)).map((output) => `output ${output.name}: matches no input`),
    ...tags
      .filter((tag) => !config.pipeline.outputs.some((output) => tagMatches(String(output.match ?? ''), tag)))
      .map((tag) => `input tag ${tag}: no output`),
    ...[...config.pipeline.inputs, ...(config.pipeline.filters ?? [])]
      .filter((section) => section['parser'] !== undefined && !parserNames.has(String(section['parser'])))
      .map((section) => `${section.name}: parser '${String(section['parser'])}' is not defined`),
  ];
};
