import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readFluentBitConfig } from '../src/fluent-bit-pipeline.js';
import { OBSERVABILITY_DIR, REPO_ROOT } from '../src/index.js';
import { serviceLogLines } from './service-log-lines.js';

interface SavedObject {
  id: string;
  type: string;
  references: { id: string; name: string; type: string }[];
  attributes: Record<string, unknown>;
}

const savedObjects = readFileSync(path.join(OBSERVABILITY_DIR, 'kibana/saved-objects.ndjson'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as SavedObject);
const dataView = savedObjects.find((object) => object.type === 'index-pattern')!;
const fieldFormats = JSON.parse(String(dataView.attributes['fieldFormatMap'])) as Record<
  string,
  { id: string; params: { urlTemplate: string } }
>;

let loggedFields: string[];
beforeAll(async () => {
  const { lines } = await serviceLogLines();
  loggedFields = [...new Set(lines.flatMap((line) => Object.keys(line)))];
});

describe('the Kibana saved objects', () => {
  it('when the data view is read, then it covers the index Fluent Bit writes, by the time field the es output adds', () => {
    expect(dataView.attributes).toMatchObject({ title: 'ordering-logs*', timeFieldName: '@timestamp' });
    for (const file of ['fluent-bit.yaml', 'fluent-bit.compose.yaml']) {
      const [output] = readFluentBitConfig(readFileSync(path.join(OBSERVABILITY_DIR, 'fluent-bit', file), 'utf8')).pipeline.outputs;
      expect(String(output!['index'])).toMatch(/^ordering-logs/);
      // The es output writes the record's time as @timestamp unless told another key.
      expect(output!['time_key']).toBeUndefined();
    }
  });

  it('when the traceId field is formatted, then it is a link to that trace in the Jaeger compose publishes', () => {
    expect(fieldFormats['traceId']!.id).toBe('url');
    const template = fieldFormats['traceId']!.params.urlTemplate;
    const [, port] = /^http:\/\/localhost:(\d+)\/trace\/\{\{value\}\}$/.exec(template) ?? [];
    expect(port).toBeDefined();
    const compose = parse(readFileSync(path.join(REPO_ROOT, 'deploy/compose/compose.yaml'), 'utf8'), { merge: true }) as {
      services: Record<string, { ports?: string[] }>;
    };
    expect(compose.services['jaeger']!.ports).toContain(`127.0.0.1:${port}:16686`);
  });

  it('when the saved search is read, then its columns are fields the logger writes and its references resolve', () => {
    const search = savedObjects.find((object) => object.type === 'search')!;
    expect(search.attributes['columns']).toEqual(expect.arrayContaining(['traceId']));
    for (const column of search.attributes['columns'] as string[]) expect(loggedFields).toContain(column);
    for (const reference of search.references)
      expect(savedObjects.map((object) => `${object.type}/${object.id}`)).toContain(`${reference.type}/${reference.id}`);
    expect(Object.keys(fieldFormats).every((field) => loggedFields.includes(field))).toBe(true);
  });

  it('when compose starts, then the one-shot import posts exactly this file to Kibana', () => {
    const compose = parse(readFileSync(path.join(REPO_ROOT, 'deploy/compose/compose.yaml'), 'utf8'), { merge: true }) as {
      services: Record<string, { volumes?: string[]; command?: string[]; depends_on?: Record<string, { condition: string }> }>;
    };
    const setup = compose.services['kibana-setup']!;
    expect(setup.volumes).toEqual(['../observability/kibana/saved-objects.ndjson:/saved-objects.ndjson:ro']);
    expect(setup.command).toEqual(
      expect.arrayContaining(['http://kibana:5601/api/saved_objects/_import?overwrite=true', 'file=@/saved-objects.ndjson']),
    );
    expect(setup.depends_on).toEqual({ kibana: { condition: 'service_healthy' } });
  });
});
