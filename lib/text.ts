/**
 * Text that people type and others see (display names, poll questions and options, a lab's new user name):
 * one set of rules, checked the same way in the browser and on the server.
 *
 * - Well-formed: no lone UTF-16 surrogate (it is not valid UTF-8, so PostgreSQL and Redis clients mangle it).
 * - Printable: no C0/C1 control characters (NUL, newline, tab, escape…) and no line or paragraph separator.
 * - No bidirectional overrides or isolates (U+202A–U+202E, U+2066–U+2069): they make a name display as
 *   something else ("Ada\u202Enimda" shows as "Adaadmin") and spill over the text that follows it.
 * - Normalised to NFC and trimmed, including invisible characters at either end (zero-width spaces,
 *   Hangul fillers, the braille blank…), and it must show something: a name of only such characters is
 *   refused. Inside the text they stay, since emoji sequences and some scripts need joiners.
 * - Counted in user-perceived characters (grapheme clusters: "👩‍👩‍👧" and "é" are one each), not UTF-16 units or
 *   code points, and cut only between them. A cap on UTF-16 units as well keeps a few graphemes from
 *   carrying hundreds of combining marks ("Zalgo" text that draws over the lines around it).
 */
import { z } from 'zod'

export interface TextRules {
  /** What the text is, for messages: "Display name". */
  what: string
  /** Most user-perceived characters. */
  max: number
  /** Fewest (default 1). */
  min?: number
}

/**
 * UTF-16 units allowed in one user-perceived character: a family emoji is 11, a subdivision flag 14, a couple
 * with two skin tones 15; a letter with a dozen stacked accents is not a name.
 */
const UNITS_PER_CHARACTER = 16

const LONE_SURROGATE = /\p{Cs}/u
const CONTROL = /[\p{Cc}\u2028\u2029]/u
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/
/** A character that shows nothing on its own: spaces, format characters, fillers, the braille blank. */
const INVISIBLE = /^[\s\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]+$/u

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' })

export function graphemes(text: string): string[] {
  return Array.from(segmenter.segment(text), (s) => s.segment)
}

/** The first `max` user-perceived characters of `text`: never half a surrogate pair or half an emoji. */
export function cutGraphemes(text: string, max: number): string {
  const parts = graphemes(text)
  return parts.length <= max ? text : parts.slice(0, max).join('')
}

export type TextCheck = { ok: true; value: string } | { ok: false; message: string }

/** Checks `input` against the rules; the value is the text as it should be stored (normalised, trimmed). */
export function checkText(input: string, rules: TextRules): TextCheck {
  const { what, max, min = 1 } = rules
  if (LONE_SURROGATE.test(input)) return { ok: false, message: `${what} contains a broken character (a lone UTF-16 surrogate).` }
  if (CONTROL.test(input)) return { ok: false, message: `${what} may not contain control characters such as line breaks, tabs or NUL.` }
  if (BIDI_CONTROL.test(input)) return { ok: false, message: `${what} may not contain text-direction overrides (U+202A–U+202E, U+2066–U+2069).` }
  if (input.length > max * UNITS_PER_CHARACTER * 2) return { ok: false, message: `${what} is at most ${max} characters.` }
  const parts = graphemes(input.normalize('NFC'))
  let start = 0
  let end = parts.length
  while (start < end && INVISIBLE.test(parts[start]!)) start++
  while (end > start && INVISIBLE.test(parts[end - 1]!)) end--
  const value = parts.slice(start, end).join('')
  const count = end - start
  if (count === 0 && min > 0)
    return { ok: false, message: input.length === 0 || /^\s*$/.test(input) ? `${what} is needed.` : `${what} must show at least one visible character.` }
  if (count < min) return { ok: false, message: `${what} needs at least ${min} characters.` }
  if (count > max) return { ok: false, message: `${what} is at most ${max} characters (this one has ${count}).` }
  if (parts.some((g) => g.length > UNITS_PER_CHARACTER)) return { ok: false, message: `${what} has a character with too many combining marks.` }
  return { ok: true, value }
}

/** A zod schema for text under these rules: the output is the checked value, a failure says what is wrong. */
export function textSchema(rules: TextRules) {
  return z.string().transform((input, ctx) => {
    const checked = checkText(input, rules)
    if (checked.ok) return checked.value
    ctx.addIssue({ code: 'custom', message: checked.message })
    return z.NEVER
  })
}
