/** A search to run on both sides: a name to read it by, and a search request body (query DSL). */
export interface ComparisonQuery {
  readonly name: string;
  readonly body: Record<string, unknown>;
}

/** Words of a sampled value a query searches for: enough to rank, few enough to match more than the one document. */
const WORDS_PER_QUERY = 3;
const MIN_WORD_LENGTH = 3;

/** Full-text fields of a mapping, dotted (`title`, `venue.name`), in mapping order. */
export function textFieldsOf(mappings: Record<string, unknown>, prefix = ''): string[] {
  const properties = (mappings.properties ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(properties).flatMap(([name, field]) => {
    const path = `${prefix}${name}`;
    if (field.type === 'text') return [path];
    return field.properties ? textFieldsOf(field, `${path}.`) : [];
  });
}

/**
 * Queries like the ones users type, made from documents sampled from the index: for each document,
 * a few words of one of its text fields (taking the fields in turn), searched across every text field.
 */
export function sampleQueries(textFields: readonly string[], documents: readonly Record<string, unknown>[]): ComparisonQuery[] {
  return documents.flatMap((source, i) => {
    const fields = [...textFields.slice(i % textFields.length), ...textFields.slice(0, i % textFields.length)];
    for (const field of fields) {
      const words = wordsOf(valueAt(source, field)).slice(0, WORDS_PER_QUERY);
      if (words.length === 0) continue;
      const text = words.join(' ');
      return [{ name: `${field}: ${text}`, body: { query: { multi_match: { query: text, fields: [...textFields] } } } }];
    }
    return [];
  });
}

function valueAt(source: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), source);
}

function wordsOf(value: unknown): string[] {
  return typeof value === 'string' ? value.split(/[^\p{L}\p{N}]+/u).filter((word) => word.length >= MIN_WORD_LENGTH) : [];
}
