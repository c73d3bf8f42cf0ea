import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prometheusFiles } from '../src/prometheus-config.js';
import { locatePrometheus, prometheusArgs } from '../src/prometheus-process.js';

describe('locatePrometheus', () => {
  let dir: string;
  let withBinary: string;
  let withPlainFile: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'launcher-locate-prometheus-'));
    withBinary = path.join(dir, 'bin');
    withPlainFile = path.join(dir, 'plain');
    await mkdir(withBinary);
    await mkdir(withPlainFile);
    await writeFile(path.join(withBinary, 'prometheus'), '#!/bin/sh\n');
    await chmod(path.join(withBinary, 'prometheus'), 0o755);
    await writeFile(path.join(withPlainFile, 'prometheus'), 'not executable');
    await chmod(path.join(withPlainFile, 'prometheus'), 0o644);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('when PATH has a prometheus executable after a folder with a non-executable one, then the executable is found', () => {
    expect(locatePrometheus(undefined, `${withPlainFile}:${withBinary}`)).toBe(path.join(withBinary, 'prometheus'));
  });

  it('when nothing on PATH is a prometheus executable, then there is none', () => {
    expect(locatePrometheus(undefined, `${withPlainFile}:${dir}`)).toBeUndefined();
    expect(locatePrometheus(undefined, undefined)).toBeUndefined();
  });

  it('when PROMETHEUS_BIN names a file, then only that file counts, and only if it is executable', () => {
    expect(locatePrometheus(path.join(withBinary, 'prometheus'), '')).toBe(path.join(withBinary, 'prometheus'));
    expect(locatePrometheus(path.join(withPlainFile, 'prometheus'), withBinary)).toBeUndefined();
  });
});

describe('prometheusArgs', () => {
  it("when started, then Prometheus reads the launcher's config, keeps its data in DATA_DIR and listens on loopback only", () => {
    const files = prometheusFiles('/data');

    expect(prometheusArgs({ files, port: 9095 })).toEqual([
      '--config.file=/data/prometheus/prometheus.yml',
      '--storage.tsdb.path=/data/prometheus/data',
      '--web.listen-address=127.0.0.1:9095',
    ]);
  });
});
