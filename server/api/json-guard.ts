/**
 * Rejects input that carries a `__proto__` key anywhere. JSON.parse makes it an ordinary own property, which
 * zod then drops silently; an API should refuse it instead of quietly accepting a request that tried to
 * reach an object's prototype.
 */
export function findProtoKey(value: unknown, path: string[] = [], depth = 0): string | undefined {
  if (depth > 32 || value === null || typeof value !== 'object') return undefined
  for (const key of Object.keys(value)) {
    if (key === '__proto__') return [...path, key].join('.')
    const found = findProtoKey((value as Record<string, unknown>)[key], [...path, key], depth + 1)
    if (found) return found
  }
  return undefined
}
