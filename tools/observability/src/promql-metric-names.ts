/**
 * The metric names a PromQL expression reads, without a full parser: enough for dashboards and rules, which use
 * selectors, functions, aggregations with by/without, binary operators with on/ignoring/group_*, ranges, offsets
 * and Grafana variables. What is not a metric name is removed first (strings, label matchers, ranges, label lists,
 * variables), then every identifier that is not a function call or a keyword is a metric name.
 */

/** Words that PromQL uses as operators or modifiers, never as metric names. */
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'and',
  'or',
  'unless',
  'atan2',
  'inf',
  'nan',
  'start',
  'end',
]);
/** Aggregation operators, which may be written `sum by (x) (...)`: a name followed by by/without is one of them. */
const AGGREGATIONS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'limitk',
  'limit_ratio',
]);
/** Keywords followed by a parenthesised list of label names. */
const LABEL_LIST_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

const STRING = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g;
// Grafana's template variables: $name, ${name}, ${name:format}, [[name]].
const VARIABLE = /\$\{[^}]*\}|\$[A-Za-z_]\w*|\[\[[^\]]*\]\]/g;
const TOKEN = /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[A-Za-z]*|[A-Za-z_:][\w:]*|\S/g;

/** The `__name__="x"` matchers of an expression: a selector may name its metric that way. */
const namesFromNameMatchers = (expr: string): string[] =>
  [...expr.matchAll(/__name__\s*=\s*["'`]([A-Za-z_:][\w:]*)["'`]/g)].map((match) => match[1]!);

/** The expression with strings, variables, label matchers and range brackets blanked out. */
const withoutNonNames = (expr: string): string =>
  expr
    .replace(VARIABLE, ' 1 ')
    .replace(STRING, ' "" ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/#[^\n]*/g, ' ');

/** The index just past the parenthesis that closes the one at `open`. */
const skipParenthesised = (tokens: string[], open: number): number => {
  let depth = 0;
  for (let index = open; index < tokens.length; index += 1) {
    if (tokens[index] === '(') depth += 1;
    if (tokens[index] === ')') depth -= 1;
    if (depth === 0) return index + 1;
  }
  return tokens.length;
};

/** Every metric name `expr` reads, each once, in order of first appearance. */
export const metricNamesIn = (expr: string): string[] => {
  const tokens = withoutNonNames(expr).match(TOKEN) ?? [];
  const names: string[] = [];
  let index = 0;
  while (index < tokens.length) {
    const token = tokens[index]!;
    const next = tokens[index + 1];
    if (LABEL_LIST_KEYWORDS.has(token) && next === '(') {
      index = skipParenthesised(tokens, index + 1);
      continue;
    }
    const isIdentifier = /^[A-Za-z_:][\w:]*$/.test(token);
    const isAggregation = AGGREGATIONS.has(token) && (next === 'by' || next === 'without');
    if (isIdentifier && next !== '(' && !isAggregation && !KEYWORDS.has(token.toLowerCase())) names.push(token);
    index += 1;
  }
  return [...new Set([...names, ...namesFromNameMatchers(expr)])];
};
