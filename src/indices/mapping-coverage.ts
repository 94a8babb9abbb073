/** Where a document and its index's mappings disagree, as dotted field paths. */
export interface MappingCoverage {
  /** Mapped, but no document fills it: a search on it finds nothing. */
  readonly unfilled: string[];
  /** Filled, but not mapped: a strict mapping rejects the document, a non-strict one guesses a type. */
  readonly unmapped: string[];
}

type Properties = Readonly<Record<string, { readonly properties?: Properties } | undefined>>;

/**
 * Compares the mappings' properties with documents: `document` fields (column names at the leaves)
 * or bodies a transform returned. A field counts as filled when any document has it (null included).
 * A mapped field without `properties` (geo_point, a keyword…) takes whatever value the document gives.
 */
export function mappingCoverage(mappings: Readonly<Record<string, unknown>>, documents: readonly Readonly<Record<string, unknown>>[]): MappingCoverage {
  const coverage: MappingCoverage = { unfilled: [], unmapped: [] };
  walk((mappings.properties ?? {}) as Properties, documents, '', coverage);
  return coverage;
}

function walk(properties: Properties, documents: readonly Readonly<Record<string, unknown>>[], prefix: string, coverage: MappingCoverage): void {
  for (const [name, property] of Object.entries(properties)) {
    const values = documents.map((document) => document[name]).filter((value) => value !== undefined);
    if (values.length === 0) {
      coverage.unfilled.push(`${prefix}${name}`);
      continue;
    }
    if (property?.properties) walk(property.properties, values.filter(isObject), `${prefix}${name}.`, coverage);
  }
  const unmapped = new Set(documents.flatMap((document) => Object.keys(document)).filter((name) => !Object.hasOwn(properties, name)));
  coverage.unmapped.push(...[...unmapped].map((name) => `${prefix}${name}`));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
