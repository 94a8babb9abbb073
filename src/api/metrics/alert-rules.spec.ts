import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../../common/index.js';
import { exportedMetricFamilies, familiesIn } from './exported-metrics.js';

interface AlertRules {
  readonly groups: readonly { readonly name: string; readonly rules: readonly AlertRule[] }[];
}

interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

describe('deploy/prometheus/alerts.yml', () => {
  const { all: exported } = exportedMetricFamilies();
  const rules = (parse(readFileSync(join(projectRoot(), 'deploy/prometheus/alerts.yml'), 'utf8')) as AlertRules).groups.flatMap((group) => group.rules);

  it('alerts on failed jobs, long pauses, live-update lag, dead letters, the outbox backlog and replicas on different definitions', () => {
    expect(rules.map((rule) => rule.alert)).toEqual([
      'ReindexJobFailed',
      'ReindexJobPausedTooLong',
      'ReindexLiveUpdateLagHigh',
      'ReindexDeadLettersGrowing',
      'ReindexOutboxBacklog',
      'ReindexReplicasRunDifferentDefinitions',
    ]);
  });

  it('reads only metrics the service exports, so a renamed metric cannot silently disable an alert', () => {
    const unknown = rules.flatMap((rule) => familiesIn(rule.expr, exported).filter((family) => !exported.has(family)).map((family) => `${rule.alert}: ${family}`));
    expect(unknown).toEqual([]);
    for (const rule of rules) expect(familiesIn(rule.expr, exported)).not.toEqual([]);
  });

  it('gives every alert a severity and a summary, and the README a line for each', () => {
    const readme = readFileSync(join(projectRoot(), 'README.md'), 'utf8');
    for (const rule of rules) {
      expect([rule.alert, rule.labels?.severity, typeof rule.annotations?.summary]).toEqual([rule.alert, expect.stringMatching(/^(warning|critical)$/), 'string']);
      expect(readme).toContain(`\`${rule.alert}\``);
    }
  });
});
