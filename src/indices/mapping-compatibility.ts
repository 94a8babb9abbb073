type Properties = Record<string, { type?: unknown; properties?: Properties }>;

/**
 * Fields the code's mappings declare that an index does not map with the same type (dotted paths):
 * documents the code writes, with values in those fields, would be rejected by a strict index or
 * mapped dynamically by another. Empty when every document the code builds fits the index.
 */
export function fieldsMissingFrom(indexMappings: Record<string, unknown>, codeMappings: Record<string, unknown>): string[] {
  return missing((indexMappings.properties ?? {}) as Properties, (codeMappings.properties ?? {}) as Properties, '');
}

function missing(index: Properties, code: Properties, prefix: string): string[] {
  return Object.entries(code).flatMap(([name, field]) => {
    const path = `${prefix}${name}`;
    const mapped = index[name];
    if (!mapped || (mapped.type ?? 'object') !== (field.type ?? 'object')) return [path];
    return field.properties ? missing(mapped.properties ?? {}, field.properties, `${path}.`) : [];
  });
}
