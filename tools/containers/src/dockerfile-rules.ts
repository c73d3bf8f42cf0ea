import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';

/** The standard tag: real users pull it, CI builds a stand-in with this name (build-base-image.sh). */
export const BASE_IMAGE = 'node:20-bookworm-slim';

// DiagnosticSeverity.Error and .Warning of the language-server protocol.
const REPORTED_SEVERITIES = new Set([1, 2]);

/** What dockerfile-utils reports as an error or a warning (syntax, unknown instructions, bad flags, ...). */
export const findSyntaxProblems = (content: string): string[] =>
  validate(content)
    .filter((diagnostic) => REPORTED_SEVERITIES.has(diagnostic.severity ?? 1))
    .map((diagnostic) => `line ${diagnostic.range.start.line + 1}: ${diagnostic.message}`);

const isExecForm = (instruction: Instruction): boolean => {
  try {
    const parsed: unknown = JSON.parse(instruction.getArgumentsContent() ?? '');
    return Array.isArray(parsed) && parsed.length > 0 && parsed.every((part) => typeof part === 'string');
  } catch {
    return false;
  }
};

const keyword = (instruction: Instruction): string => instruction.getKeyword().toUpperCase();

/** Our own rules for the monorepo's Dockerfile; each problem is one line. */
export const findRuleViolations = (content: string): string[] => {
  const dockerfile = DockerfileParser.parse(content);
  const problems: string[] = [];

  // BuildKit would try to pull the frontend named by a syntax directive, and no registry is reachable in CI.
  if (/^#\s*syntax\s*=/im.test(content)) problems.push('no "# syntax=" directive');

  const stages = new Set<string>();
  for (const from of dockerfile.getFROMs()) {
    const image = from.getImage() ?? '';
    if (!stages.has(image) && image !== BASE_IMAGE) problems.push(`FROM ${image}: every base image is ${BASE_IMAGE}`);
    const stage = from.getBuildStage();
    if (stage !== null) stages.add(stage);
  }

  const instructions = dockerfile.getInstructions();
  const lastFrom = instructions.findLastIndex((instruction) => keyword(instruction) === 'FROM');
  if (lastFrom === -1) return [...problems, 'no FROM instruction'];
  const finalStage = instructions.slice(lastFrom + 1);
  const inFinal = (name: string) => finalStage.filter((instruction) => keyword(instruction) === name);

  const user = inFinal('USER').at(-1)?.getArgumentsContent()?.trim().split(':')[0];
  if (user === undefined) problems.push('the final stage sets no USER (it would run as root)');
  else if (user === 'root' || user === '0') problems.push(`the final stage runs as ${user}`);

  const healthcheck = inFinal('HEALTHCHECK').at(-1);
  if (healthcheck === undefined) problems.push('the final stage has no HEALTHCHECK');
  else if (/^none$/i.test(healthcheck.getArgumentsContent()?.trim() ?? '')) problems.push('HEALTHCHECK NONE in the final stage');

  const commands = [...inFinal('CMD'), ...inFinal('ENTRYPOINT')];
  if (commands.length === 0) problems.push('the final stage has neither CMD nor ENTRYPOINT');
  for (const command of commands) {
    if (!isExecForm(command)) problems.push(`${keyword(command)} must use the exec form (JSON array), so that SIGTERM reaches node`);
  }
  return problems;
};
