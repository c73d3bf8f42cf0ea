import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import ts from 'typescript';
import type { Manifest } from './kustomize.js';

/** Which npm module holds the models of an apiVersion (its group and version). */
const modelModule = (apiVersion: string): string | undefined => {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (group === '') return `kubernetes-models/${version}`;
  if (['apps', 'autoscaling', 'policy', 'networking.k8s.io', 'batch', 'rbac.authorization.k8s.io'].includes(group!))
    return `kubernetes-models/${apiVersion}`;
  if (group!.endsWith('.istio.io')) return `@kubernetes-models/istio/${apiVersion}`;
  if (group === 'argoproj.io') return `@kubernetes-models/argo-cd/${apiVersion}`;
  if (group === 'external-secrets.io') return `@kubernetes-models/external-secrets/${apiVersion}`;
  if (group === 'monitoring.coreos.com') return `@kubernetes-models/prometheus-operator/${apiVersion}`;
  return undefined;
};

export interface SchemaProblem {
  object: string;
  message: string;
}

const describe = (manifest: Manifest): string => `${manifest.kind}/${manifest.metadata?.name ?? '?'}`;

interface ModelClass {
  new (data: unknown): { validate(): void };
}

// The model packages ship CommonJS builds; require keeps this synchronous.
const requireModel = createRequire(import.meta.url);

const here = path.dirname(fileURLToPath(import.meta.url));

/** Kinds no model package covers, checked by a JSON schema of our own in tools/ci/schemas instead. */
const OWN_SCHEMAS: Record<string, string> = {
  'kiali.io/v1alpha1 Kiali': 'kiali.schema.json',
};
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
const ownValidators = new Map<string, ValidateFunction>();
const ownValidator = (manifest: Manifest): ValidateFunction | undefined => {
  const key = `${manifest.apiVersion} ${manifest.kind}`;
  const file = OWN_SCHEMAS[key];
  if (!file) return undefined;
  if (!ownValidators.has(key))
    ownValidators.set(key, ajv.compile(JSON.parse(readFileSync(path.join(here, '../schemas', file), 'utf8')) as object));
  return ownValidators.get(key);
};

const ownSchemaProblems = (manifest: Manifest, validate: ValidateFunction): SchemaProblem[] =>
  validate(manifest)
    ? []
    : (validate.errors ?? []).map((error) => ({
        object: describe(manifest),
        message: `${error.instancePath || '/'} ${error.message ?? 'is invalid'}${error.params['additionalProperty'] ? `: '${String(error.params['additionalProperty'])}'` : ''}`,
      }));

/**
 * Problems found by the JSON schema of each object's model (types, enums, required fields, patterns): the
 * kubernetes-models packages, or for a kind they do not cover, our own schema (OWN_SCHEMAS). An unknown apiVersion
 * or kind is a problem too: nothing goes unchecked.
 */
export const findSchemaProblems = (manifests: Manifest[]): SchemaProblem[] =>
  manifests.flatMap((manifest) => {
    const module = modelModule(manifest.apiVersion);
    const Model = module ? (requireModel(module) as Record<string, ModelClass | undefined>)[manifest.kind] : undefined;
    const ownSchema = Model ? undefined : ownValidator(manifest);
    if (ownSchema) return ownSchemaProblems(manifest, ownSchema);
    if (!Model) return [{ object: describe(manifest), message: `no schema for ${manifest.apiVersion} ${manifest.kind}` }];
    try {
      new Model(manifest).validate();
      return [];
    } catch (error) {
      return [{ object: describe(manifest), message: error instanceof Error ? error.message : String(error) }];
    }
  });

/**
 * Problems the models' TypeScript types find and their JSON schemas do not: a field that does not exist (the
 * schemas allow unknown fields; a misspelled `readinessProbe` would otherwise pass). Each object is checked as an
 * object literal of its model's interface, so excess-property checks apply at every depth.
 */
export const findTypeProblems = (manifests: Manifest[]): SchemaProblem[] => {
  const imports = new Map<string, string>();
  const lines: string[] = [];
  const owners: number[] = [];
  manifests.forEach((manifest, index) => {
    const module = modelModule(manifest.apiVersion);
    if (!module) return;
    const key = `${module}#${manifest.kind}`;
    if (!imports.has(key)) imports.set(key, `T${imports.size}`);
    const body = `export const o${index}: ${imports.get(key)} = ${JSON.stringify(manifest, null, 1)};`.split('\n');
    lines.push(...body);
    owners.push(...body.map(() => index));
  });
  const header = [...imports].map(([key, alias]) => {
    const [module, kind] = key.split('#');
    return `import type { I${kind} as ${alias} } from '${module}';`;
  });
  const fileName = path.join(here, '__rendered-manifests__.ts');
  const source = [...header, ...lines].join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  };
  const host = ts.createCompilerHost(options);
  const original = host.getSourceFile.bind(host);
  host.getSourceFile = (name, languageVersion, ...rest) =>
    name === fileName ? ts.createSourceFile(name, source, languageVersion) : original(name, languageVersion, ...rest);
  const originalExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === fileName || originalExists(name);
  const program = ts.createProgram([fileName], options, host);
  const file = program.getSourceFile(fileName)!;
  return [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)].map((diagnostic) => {
    const line = diagnostic.start === undefined ? -1 : file.getLineAndCharacterOfPosition(diagnostic.start).line - header.length;
    const owner = owners[line];
    return {
      object: owner === undefined ? '(imports)' : describe(manifests[owner]!),
      message: ts.flattenDiagnosticMessageText(diagnostic.messageText, ' '),
    };
  });
};

/** Every problem of every object: schema first, then fields that do not exist. */
export const validateManifests = (manifests: Manifest[]): SchemaProblem[] => [
  ...findSchemaProblems(manifests),
  ...findTypeProblems(manifests),
];
