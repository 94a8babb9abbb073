/** Methods that change nothing: everything a viewer token and observe mode let through. */
const READS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

export function changesSomething(method: string): boolean {
  return !READS.has(method.toUpperCase());
}
