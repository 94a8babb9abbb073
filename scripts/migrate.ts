import { applySchemaMigrations } from '../src/job-store/schema-migrator.js';

// `npm run migrate`: the same step the service runs on start-up, for operators who want it separate.
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error('DATABASE_URL is missing');
  process.exit(1);
}
const report = await applySchemaMigrations(databaseUrl);
console.log(`applied: ${report.applied.join(', ') || 'none'}; already applied: ${report.alreadyApplied.length}`);
