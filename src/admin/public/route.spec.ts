import { jobHash, jobOfHash } from './route.js';

describe('the console address', () => {
  it('opens the job a #/jobs/<id> link names, and is the link of the job it opens', () => {
    expect(jobOfHash('#/jobs/123')).toBe(123);
    expect(jobOfHash('#/jobs/2147483647')).toBe(2_147_483_647);
    expect(jobHash(123)).toBe('#/jobs/123');
    expect(jobOfHash(jobHash(7))).toBe(7);
  });

  it('opens no job for any other address, rather than asking the API for an id it refuses', () => {
    for (const hash of ['', '#', '#/jobs', '#/jobs/', '#/jobs/0', '#/jobs/007', '#/jobs/-1', '#/jobs/1.5', '#/jobs/0x10', '#/jobs/1e3', '#/jobs/2147483648', '#/jobs/12/x', '#jobs/12', '#/indices/12', '#/jobs/12?x']) {
      expect({ hash, job: jobOfHash(hash) }).toEqual({ hash, job: null });
    }
  });
});
