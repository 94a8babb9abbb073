import { bytes, changeText, clock, clusterName, dateTime, duration, engineName, milliseconds, number, paceText, percent, scheduleSummary, seconds, stateName } from './format.js';

const AT = '2026-12-02T10:00:00.000Z';

describe('console formatters of numbers and times', () => {
  it('writes numbers the English way, and a dash for a value the API does not have', () => {
    expect(number(1234567)).toBe('1,234,567');
    expect(number(0)).toBe('0');
    expect(number(null)).toBe('—');
    expect(number(undefined)).toBe('—');
    expect(milliseconds(12.345)).toBe('12.3');
    expect(milliseconds(1500)).toBe('1,500');
    expect(milliseconds(null)).toBe('—');
    expect(percent(0.876)).toBe('88 %');
    expect(percent(1)).toBe('100 %');
    expect(percent(null)).toBe('—');
  });

  it('writes a lag in milliseconds below a second and in seconds to a tenth above', () => {
    expect(seconds(0.0424)).toBe('42 ms');
    expect(seconds(1)).toBe('1.0 s');
    expect(seconds(12.34)).toBe('12.3 s');
    expect(seconds(null)).toBe('—');
  });

  it('writes sizes on disk in decimal units to three figures', () => {
    expect(bytes(812)).toBe('812 B');
    expect(bytes(4_310_000)).toBe('4.31 MB');
    expect(bytes(12_000_000_000)).toBe('12.0 GB');
    expect(bytes(0)).toBe('0 B');
    expect(bytes(null)).toBe('—');
  });

  it('writes a span of time the way the chart axis reads it', () => {
    expect(duration(38_400)).toBe('38s');
    expect(duration(245_000)).toBe('4m05');
    expect(duration(7_800_000)).toBe('2h10');
  });

  it('writes times and dates ISO-like in the browser time zone, and a dash for none', () => {
    expect(clock(AT)).toMatch(/^\d{2}:00:00$/);
    expect(dateTime(AT)).toMatch(/^2026-12-0[123] \d{2}:00:00$/);
    expect(clock(Date.parse(AT))).toBe(clock(AT));
    expect(clock(null)).toBe('—');
    expect(dateTime(null)).toBe('—');
  });

});

describe('console captions', () => {
  it('names an engine and a cluster by its UUID, as the clusters panel shows them, or the bare UUID before it answered', () => {
    const clusters = [
      { role: 'current', info: { engine: 'elasticsearch', version: '7.10.2', clusterUuid: 'uuid-es' } },
      { role: 'next', info: { engine: 'opensearch', version: '3.1.0', clusterUuid: 'uuid-os' } },
      { role: 'next', info: null },
    ];

    expect(engineName({ engine: 'opensearch', version: '3.1.0' })).toBe('OpenSearch 3.1.0');
    expect(engineName({ engine: 'solr', version: '9' })).toBe('solr 9');
    expect(clusterName(clusters, 'uuid-es')).toBe('current (Elasticsearch 7.10.2)');
    expect(clusterName(clusters, 'uuid-os')).toBe('next (OpenSearch 3.1.0)');
    expect(clusterName([], 'uuid-os')).toBe('uuid-os');
  });

  it('says the pace in force and who set it, and a dash once none is', () => {
    expect(paceText({ maxDocsPerSecond: 2000, maxDocsPerSecondSetBy: 'operator' })).toBe('max 2,000/s (set by operator)');
    expect(paceText({ maxDocsPerSecond: 1000, maxDocsPerSecondSetBy: 'auto' })).toBe('max 1,000/s (auto)');
    expect(paceText({ maxDocsPerSecond: 0, maxDocsPerSecondSetBy: 'REINDEX_MAX_DOCS_PER_SECOND' })).toBe('unlimited');
    expect(paceText({ maxDocsPerSecond: 250, maxDocsPerSecondSetBy: null })).toBe('max 250/s');
    expect(paceText({ maxDocsPerSecond: null, maxDocsPerSecondSetBy: 'auto' })).toBe('—');
  });

  it('sums a schedule up: what it runs, how often, and when next, or that it is off', () => {
    const schedule = { enabled: true, intervalMinutes: 1440, mode: 'FULL', nextRunAt: AT };

    expect(scheduleSummary(schedule)).toBe(`every 1,440 min, full rebuild; next ${dateTime(AT)}`);
    expect(scheduleSummary({ ...schedule, enabled: false, intervalMinutes: 240, mode: 'SYNC' })).toBe('off (every 240 min, sync)');
    expect(scheduleSummary(null)).toBe('none');
  });

  it('writes a job state and a difference between the code and the live index', () => {
    expect(stateName('RUNNING', 'BACKFILL')).toBe('RUNNING/BACKFILL');
    expect(stateName('PENDING', null)).toBe('PENDING');
    expect(changeText({ path: 'mappings.title.type', change: 'changed', code: 'text', live: 'keyword' })).toBe('mappings.title.type: differs (code "text", live "keyword")');
    expect(changeText({ path: 'number_of_replicas', change: 'added', code: 1 })).toBe('number_of_replicas: only in the code (1)');
    expect(changeText({ path: 'mappings.old', change: 'removed', live: { type: 'keyword' } })).toBe('mappings.old: only live ({"type":"keyword"})');
  });
});
