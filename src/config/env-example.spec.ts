import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { projectRoot } from '../common/index.js';
import { EnvironmentVariables } from './environment-variables.dto.js';

describe('.env.example', () => {
  it('documents every variable the service reads, each with a comment above it', () => {
    const lines = readFileSync(join(projectRoot(), '.env.example'), 'utf8').split('\n');
    const variables = [...new Set(getMetadataStorage().getTargetValidationMetadatas(EnvironmentVariables, '', true, false).map((metadata) => metadata.propertyName))];
    const undocumented = variables.filter((name) => {
      const at = lines.findIndex((line) => line.startsWith(`${name}=`));
      // The comment may sit above a group of related variables.
      return at < 0 || !lines.slice(0, at).reverse().find((line) => !/^[A-Z0-9_]+=/.test(line))?.startsWith('#');
    });
    expect(variables.length).toBeGreaterThan(40);
    expect(undocumented).toEqual([]);
  });
});
