/**
 * The code panel's source: the engine files a lab names, read from disk (so it is the code that runs, not
 * a copy) and highlighted on the server with shiki, light and dark colours per token. Only files a lab
 * lists can be read. Each exported function's line range is returned so the panel can point at the code
 * the last action ran.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { LabSpec } from '../../lib/labs/types'

export interface SourceToken {
  t: string
  /** Light colour. */
  c?: string
  /** Dark colour. */
  d?: string
}
export interface SourceFile {
  path: string
  lines: SourceToken[][]
  functions: { name: string; start: number; end: number }[]
}

const cache = new Map<string, Promise<SourceFile[]>>()

export function labSource(lab: LabSpec, root: string, dev: boolean): Promise<SourceFile[]> {
  let files = dev ? undefined : cache.get(lab.id)
  if (!files) {
    files = Promise.all(lab.sources.map((file) => highlight(root, file)))
    files.catch(() => cache.delete(lab.id))
    cache.set(lab.id, files)
  }
  return files
}

async function highlight(root: string, file: string): Promise<SourceFile> {
  const abs = path.resolve(root, file)
  if (!abs.startsWith(root + path.sep)) throw new Error(`source path escapes the project: ${file}`)
  const code = await readFile(abs, 'utf8')
  const { codeToTokens } = await import('shiki')
  const lang = file.endsWith('.lua') ? 'lua' : 'ts'
  const { tokens } = await codeToTokens(code, { lang, themes: { light: 'github-light', dark: 'github-dark' } })
  const lines = tokens.map((line) =>
    line.map((tok) => {
      const style = (tok.htmlStyle ?? {}) as Record<string, string>
      return { t: tok.content, c: style.color, d: style['--shiki-dark'] }
    }),
  )
  return { path: file, lines, functions: functionRanges(code) }
}

/**
 * 1-based line ranges of top-level exported functions, found by counting the braces outside parentheses
 * from the signature on (so a one-liner ends on its own line and an overload signature is skipped). Braces
 * inside strings or comments are not special-cased: the lab sources keep them balanced.
 */
export function functionRanges(code: string): SourceFile['functions'] {
  const lines = code.replace(/\r\n?/g, '\n').split('\n')
  const out: SourceFile['functions'] = []
  lines.forEach((line, i) => {
    const m = /^export (?:async )?function (\w+)/.exec(line)
    if (!m) return
    let depth = 0
    let parens = 0
    let opened = false
    let end = -1
    for (let j = i; j < lines.length && end < 0; j++) {
      for (const ch of lines[j]!) {
        // Braces inside the parameter list (object types, defaults) are not the body.
        if (ch === '(') parens += 1
        else if (ch === ')') parens -= 1
        else if (ch === '{' && parens === 0) {
          depth += 1
          opened = true
        } else if (ch === '}' && parens === 0) depth -= 1
      }
      if (opened && depth <= 0) end = j
      else if (!opened && /;\s*$/.test(lines[j]!)) break // an overload signature: no body
    }
    if (end < 0) return
    let start = i
    while (start > 0 && /^(\s*\*|\/\*\*)/.test(lines[start - 1]!)) start -= 1
    out.push({ name: m[1]!, start: start + 1, end: end + 1 })
  })
  return out
}
