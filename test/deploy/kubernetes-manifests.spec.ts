import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '../../src/config/app-config.js';
import { EnvironmentVariables } from '../../src/config/environment-variables.dto.js';
import { startApp } from '../../src/create-app.js';
import { TestContext } from '../support/test-context.js';

const FOLDER = join(import.meta.dirname, '..', '..', 'deploy', 'kubernetes');

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata?: { name: string };
  [field: string]: unknown;
}
interface Probe {
  httpGet: { path: string; port: string };
}
interface Container {
  env?: { name: string }[];
  envFrom?: ({ configMapRef: { name: string } } | { secretRef: { name: string } })[];
  ports: { name: string; containerPort: number }[];
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  startupProbe: Probe;
  livenessProbe: Probe;
  readinessProbe: Probe;
}

/** Every document of every file in deploy/kubernetes, parsed (a YAML error fails here). */
function manifests(): Map<string, Manifest[]> {
  const files = readdirSync(FOLDER).filter((file) => file.endsWith('.yaml'));
  return new Map(
    files.map((file) => {
      const documents = parseAllDocuments(readFileSync(join(FOLDER, file), 'utf8'));
      for (const document of documents) if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.map((error) => error.message).join('; ')}`);
      return [file, documents.map((document) => document.toJS() as Manifest)];
    }),
  );
}

const all = manifests();
const one = <T>(kind: string): T => {
  const found = [...all.values()].flat().filter((manifest) => manifest.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0] as T;
};
const deployment = one<Manifest & { spec: { replicas: number; strategy: { type: string; rollingUpdate: { maxUnavailable: number } }; selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: { terminationGracePeriodSeconds: number; containers: Container[] } } } }>('Deployment');
const container = deployment.spec.template.spec.containers[0];
const configMap = one<Manifest & { data: Record<string, string> }>('ConfigMap');
const secret = one<Manifest & { stringData: Record<string, string> }>('Secret');
/** The variables the service reads: every property of its validated env DTO. */
const serviceVariables = new Set(getMetadataStorage().getTargetValidationMetadatas(EnvironmentVariables, '', true, false).map((metadata) => metadata.propertyName));

describe('deploy/kubernetes', () => {
  it('sets only variables the service reads, with values its config accepts', () => {
    const set = [...Object.keys(configMap.data), ...Object.keys(secret.stringData), ...(container.env ?? []).map((variable) => variable.name)];
    expect(serviceVariables.size).toBeGreaterThan(30);
    expect(set.filter((name) => !serviceVariables.has(name))).toEqual([]);
    // The example's token is a placeholder, refused until replaced; everything else is accepted as it is.
    expect(() => loadConfig({ ...configMap.data, ...secret.stringData })).toThrow(/ADMIN_API_TOKEN is a placeholder published with the service/);
    expect(() => loadConfig({ ...configMap.data, ...secret.stringData, ADMIN_API_TOKEN: randomBytes(32).toString('hex'), INSTANCE_ID: 'reindexer-0' })).not.toThrow();
    // The Deployment takes them from exactly these two objects.
    expect(container.envFrom).toEqual([{ configMapRef: { name: configMap.metadata!.name } }, { secretRef: { name: secret.metadata!.name } }]);
  });

  it('runs two replicas, rolls without going below two, and keeps one through a drain', () => {
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.strategy).toMatchObject({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } });
    const labels = deployment.spec.template.metadata.labels;
    expect(deployment.spec.selector.matchLabels).toEqual(labels);
    expect(one<{ spec: { selector: Record<string, string> } }>('Service').spec.selector).toEqual(labels);
    expect(one<{ spec: { minAvailable: number; selector: { matchLabels: Record<string, string> } } }>('PodDisruptionBudget').spec).toEqual({ minAvailable: 1, selector: { matchLabels: labels } });
  });

  it('probes liveness on the process alone and readiness on the dependencies, sized and given time to shut down', () => {
    expect([container.startupProbe, container.livenessProbe].map((probe) => probe.httpGet)).toEqual([
      { path: '/health/live', port: 'http' },
      { path: '/health/live', port: 'http' },
    ]);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
    expect(container.ports).toEqual([{ name: 'http', containerPort: Number(configMap.data.PORT) }]);
    expect(container.resources).toEqual({ requests: { cpu: '1', memory: '512Mi' }, limits: { memory: '768Mi' } });
    // Longer than the 30 s a stop takes at most in test/api/startup.spec.ts and than the gateway's 60 s request timeout.
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(60);
  });

  it('applies with kustomize everything but the example Secret', () => {
    const kustomization = one<{ resources: string[] }>('Kustomization');
    expect(kustomization.resources.sort()).toEqual([...all.keys()].filter((file) => !['kustomization.yaml', 'secret.example.yaml'].includes(file)).sort());
  });

  describe('on a started service', () => {
    let context: TestContext;
    let app: INestApplication;

    beforeAll(async () => {
      context = await TestContext.create('kubernetes');
      app = await startApp(context.config({ LOG_LEVEL: 'error' }));
    });
    afterAll(async () => {
      await app?.close();
      await context?.dispose();
    });

    it('answers every probe path the Deployment names with 200, without a token', async () => {
      const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
      const paths = [...new Set([container.startupProbe, container.livenessProbe, container.readinessProbe].map((probe) => probe.httpGet.path))];
      const answers = await Promise.all(paths.map(async (path) => [path, (await fetch(`${url}${path}`)).status]));
      expect(Object.fromEntries(answers)).toEqual({ '/health/live': 200, '/health/ready': 200 });
    });
  });
});
