import { isDeepStrictEqual } from 'node:util';

type JsonObject = Record<string, unknown>;

/** The parts of an OpenAPI 3 document the merge reads or writes; everything else in a path item is kept as is. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; description: string; version: string };
  tags?: JsonObject[];
  paths: Record<string, JsonObject>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
}

export interface ServiceDocument {
  /** Used to rename a schema whose name another service already uses for a different schema. */
  service: string;
  /** Untrusted JSON as fetched from the service. */
  document: unknown;
}

export const PUBLIC_PATH_PREFIX = '/api/';

const SCHEMA_REF_PREFIX = '#/components/schemas/';

const DEFAULT_BEARER_AUTH = { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' };

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

const objectAt = (value: unknown, key: string): JsonObject => {
  const child = isObject(value) ? value[key] : undefined;
  return isObject(child) ? child : {};
};

/** Rewrites `$ref`s to renamed schemas anywhere inside a value, returning a new value. */
const rewriteSchemaRefs = (value: unknown, renames: ReadonlyMap<string, string>): unknown => {
  if (renames.size === 0) return value;
  if (Array.isArray(value)) return value.map((item) => rewriteSchemaRefs(item, renames));
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => {
      if (key === '$ref' && typeof child === 'string' && child.startsWith(SCHEMA_REF_PREFIX)) {
        const renamed = renames.get(child.slice(SCHEMA_REF_PREFIX.length));
        return [key, renamed ? `${SCHEMA_REF_PREFIX}${renamed}` : child];
      }
      return [key, rewriteSchemaRefs(child, renames)];
    }),
  );
};

/**
 * Names that collide with a different schema of an earlier service get the service's name as a prefix. A schema
 * identical in text but referring to a renamed one differs too, hence the repeat until nothing changes.
 */
const planSchemaRenames = (service: string, schemas: JsonObject, merged: Record<string, unknown>): Map<string, string> => {
  const renames = new Map<string, string>();
  const uniqueName = (name: string): string => {
    let candidate = `${service}.${name}`;
    for (let n = 2; candidate in merged || candidate in schemas; n++) candidate = `${service}.${name}.${n}`;
    return candidate;
  };
  let renamedAny = true;
  while (renamedAny) {
    renamedAny = false;
    for (const [name, schema] of Object.entries(schemas)) {
      if (renames.has(name) || !(name in merged)) continue;
      if (isDeepStrictEqual(merged[name], rewriteSchemaRefs(schema, renames))) continue;
      renames.set(name, uniqueName(name));
      renamedAny = true;
    }
  }
  return renames;
};

/**
 * Combines the services' own OpenAPI documents into the one document of the public API: only `/api/` paths
 * (internal endpoints stay undocumented, as they are unreachable through the gateway), every component schema
 * they may reference, the tags, and the bearer security scheme. On a clash the earlier service wins for a
 * path's operation, and a different schema under the same name is renamed in the later service's document.
 */
export const mergeOpenApiDocuments = (sources: readonly ServiceDocument[], info: OpenApiDocument['info']): OpenApiDocument => {
  const merged: OpenApiDocument = {
    openapi: '3.1.0',
    info,
    paths: {},
    components: { schemas: {}, securitySchemes: { bearerAuth: DEFAULT_BEARER_AUTH } },
  };
  const tags: JsonObject[] = [];
  let openapiVersion: string | undefined;
  let bearerAuth: unknown;

  for (const { service, document } of sources) {
    if (!isObject(document)) continue;
    if (typeof document['openapi'] === 'string') openapiVersion ??= document['openapi'];
    const components = objectAt(document, 'components');
    bearerAuth ??= objectAt(components, 'securitySchemes')['bearerAuth'];

    const schemas = objectAt(components, 'schemas');
    const renames = planSchemaRenames(service, schemas, merged.components.schemas);
    for (const [name, schema] of Object.entries(schemas)) {
      merged.components.schemas[renames.get(name) ?? name] ??= rewriteSchemaRefs(schema, renames);
    }

    for (const [path, item] of Object.entries(objectAt(document, 'paths'))) {
      if (!path.startsWith(PUBLIC_PATH_PREFIX) || !isObject(item)) continue;
      const rewritten = rewriteSchemaRefs(item, renames) as JsonObject;
      merged.paths[path] = { ...rewritten, ...merged.paths[path] };
    }

    const serviceTags = Array.isArray(document['tags']) ? document['tags'].filter(isObject) : [];
    for (const tag of serviceTags) {
      if (!tags.some((known) => known['name'] === tag['name'])) tags.push(tag);
    }
  }

  if (openapiVersion) merged.openapi = openapiVersion;
  if (isObject(bearerAuth)) merged.components.securitySchemes['bearerAuth'] = bearerAuth;
  if (tags.length > 0) merged.tags = tags;
  return merged;
};
