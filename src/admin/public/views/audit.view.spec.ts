import { cellTexts } from '../element-queries.js';
import { dateTime } from '../format.js';
import { auditNote, auditView, type AuditRow } from './audit.view.js';

const AT = '2026-12-07T10:00:00.000Z';
const entry = (fields: Partial<AuditRow>): AuditRow => ({ id: 7, actor: 'alice', role: 'operator', method: 'POST', path: '/jobs/3/cancel', status: 200, instanceId: 'host-1', createdAt: AT, ...fields });

describe('audit view', () => {
  it('shows who asked what, and the answer', () => {
    const [cancel, refused] = auditView({ entries: [entry({}), entry({ id: 6, actor: 'bob', role: 'viewer', method: 'DELETE', path: '/dead-letters?all=true', status: 403 })], next: null });
    expect(cellTexts(cancel)).toEqual([dateTime(AT), 'alice (operator)', 'POST /jobs/3/cancel', '200', 'host-1']);
    expect(cellTexts(refused)).toEqual([dateTime(AT), 'bob (viewer)', 'DELETE /dead-letters?all=true', '403', 'host-1']);
    expect(refused.children[3]).toMatchObject({ attrs: { class: 'refused' } });
  });

  it('says how much is shown', () => {
    expect(auditNote({ entries: [], next: null })).toBe('No operator actions yet.');
    expect(auditNote({ entries: [entry({})], next: 6 })).toMatch(/^The newest 1, newest first \(GET \/audit\?before=… pages through the rest\)/);
    expect(auditNote({ entries: [entry({})], next: null })).toMatch(/^The newest 1, newest first\. /);
  });
});
