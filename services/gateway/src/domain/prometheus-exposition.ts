/** One line of a scrape: `name{label="value",...} value [timestamp]`. */
export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A scrape: its samples and the metric families it declares (`# TYPE`), which may have no sample yet. */
export interface Exposition {
  samples: MetricSample[];
  declared: ReadonlySet<string>;
}

// Label values hold no unescaped quote, and values and timestamps no brace: the last `}` closes the labels.
const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\s*\{(.*)\})?\s+(\S+)(?:\s+(-?\d+))?$/;
const LABEL_PAIR = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(?:,|$)/y;
const TYPE_LINE = /^#\s*TYPE\s+([a-zA-Z_:][a-zA-Z0-9_:]*)\s/;
const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const SPECIAL_VALUES: Readonly<Record<string, number>> = { '+Inf': Infinity, Inf: Infinity, '-Inf': -Infinity, NaN: NaN };
const LABEL_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', '"': '"', n: '\n' };

const unescapeLabel = (value: string): string => value.replace(/\\(.)/g, (escape, char: string) => LABEL_ESCAPES[char] ?? escape);

const parseLabels = (inBraces: string | undefined): Record<string, string> => {
  const labels: Record<string, string> = {};
  const text = inBraces?.trimEnd() ?? '';
  LABEL_PAIR.lastIndex = 0;
  while (LABEL_PAIR.lastIndex < text.length) {
    const pair = LABEL_PAIR.exec(text);
    if (!pair) throw new Error(`malformed labels {${text}}`);
    labels[pair[1] as string] = unescapeLabel(pair[2] as string);
  }
  return labels;
};

const parseValue = (text: string): number => {
  const special = SPECIAL_VALUES[text];
  if (special !== undefined) return special;
  if (!NUMBER.test(text)) throw new Error(`not a sample value: ${text}`);
  return Number(text);
};

const parseSample = (line: string): MetricSample => {
  const parts = SAMPLE_LINE.exec(line);
  if (!parts) throw new Error('not a sample');
  // The timestamp (parts[4]), when present, is of no use to a live view.
  return { name: parts[1] as string, labels: parseLabels(parts[2]), value: parseValue(parts[3] as string) };
};

/**
 * Parses the Prometheus text exposition format (version 0.0.4, what prom-client serves). A line that is not valid
 * fails the whole scrape, as it does for Prometheus: half-read numbers would be worse than none.
 */
export const parseExposition = (text: string): Exposition => {
  const samples: MetricSample[] = [];
  const declared = new Set<string>();
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith('#')) {
      const type = TYPE_LINE.exec(line)?.[1];
      if (type) declared.add(type);
      return;
    }
    try {
      samples.push(parseSample(line));
    } catch (error) {
      throw new Error(`line ${index + 1}: ${(error as Error).message}`, { cause: error });
    }
  });
  return { samples, declared };
};

/**
 * The sum of every series of a metric (NaN ones left out). A declared metric with no series yet is 0 (a labelled
 * counter has none until first counted); one the scrape does not know at all is null.
 */
export const totalOf = (exposition: Exposition, name: string): number | null => {
  const values = exposition.samples.filter((sample) => sample.name === name && !Number.isNaN(sample.value)).map((sample) => sample.value);
  if (values.length > 0) return values.reduce((sum, value) => sum + value, 0);
  const family = name.endsWith('_total') ? name.slice(0, -'_total'.length) : name;
  return exposition.declared.has(name) || exposition.declared.has(family) ? 0 : null;
};
