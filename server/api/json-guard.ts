/**
 * Rejects input that carries a `__proto__` key anywhere. JSON.parse makes it an ordinary own property, which
 * zod then drops silently; an API should refuse it instead of quietly accepting a request that tried to
 * reach an object's prototype.
 *
 * "Anywhere" means at any depth: the walk keeps its own stack instead of recursing, so no nesting is too deep
 * for it (a recursive walk must stop somewhere, and what lies below that depth went unchecked). The work is
 * bounded by the input, which is bounded by the body and message size limits.
 */
interface Pending {
  value: unknown
  key: string
  parent: Pending | undefined
}

/** Paths longer than this are shortened in the answer: the start and the end say where the key is. */
const PATH_SHOWN = 20

export function findProtoKey(value: unknown): string | undefined {
  const stack: Pending[] = [{ value, key: '', parent: undefined }]
  for (let item = stack.pop(); item; item = stack.pop()) {
    const v = item.value
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) continue
    for (const key of Object.keys(v)) {
      const child: Pending = { value: (v as Record<string, unknown>)[key], key, parent: item }
      if (key === '__proto__') return pathOf(child)
      stack.push(child)
    }
  }
  return undefined
}

function pathOf(item: Pending): string {
  const keys: string[] = []
  for (let p: Pending | undefined = item; p?.parent; p = p.parent) keys.push(p.key)
  keys.reverse()
  if (keys.length <= PATH_SHOWN) return keys.join('.')
  const half = PATH_SHOWN / 2
  return [...keys.slice(0, half), `…${keys.length - PATH_SHOWN} more…`, ...keys.slice(-half)].join('.')
}
