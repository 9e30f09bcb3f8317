import { describe, expect, it } from 'vitest'
import { checkText, cutGraphemes, graphemes, textSchema } from './text'

const name = { what: 'Display name', max: 30 }
const refused = (input: string) => {
  const r = checkText(input, name)
  if (r.ok) throw new Error(`accepted ${JSON.stringify(input)} as ${JSON.stringify(r.value)}`)
  return r.message
}

describe('checkText', () => {
  it('refuses each class of bad text with a message that names it', () => {
    expect(refused('Ada\u0000')).toMatch(/control characters/)
    expect(refused('Ada\nLovelace')).toMatch(/control characters/)
    expect(refused('Ada\u0085')).toMatch(/control characters/) // C1 "next line"
    expect(refused('Ada\u2028x')).toMatch(/control characters/)
    expect(refused('Ada\ud800')).toMatch(/lone UTF-16 surrogate/)
    expect(refused('\udc00Ada')).toMatch(/lone UTF-16 surrogate/)
    expect(refused('Ada\u202Enimda')).toMatch(/text-direction overrides/)
    expect(refused('\u2067Ada')).toMatch(/text-direction overrides/)
    expect(refused('\u200b\u200c\u200d\ufeff')).toMatch(/at least one visible character/)
    expect(refused('\u3164\u3164')).toMatch(/at least one visible character/) // Hangul filler
    expect(refused('\u2800')).toMatch(/at least one visible character/) // braille blank
    expect(refused('   ')).toBe('Display name is needed.')
    expect(refused('x'.repeat(31))).toBe('Display name is at most 30 characters (this one has 31).')
    expect(refused('a' + '\u0301'.repeat(40))).toMatch(/too many combining marks/)
  })

  it('accepts 30 user-perceived characters of any script or emoji, and counts them as people do', () => {
    for (const text of ['👩‍👩‍👧'.repeat(30), '東京'.repeat(15), 'Zoë'.repeat(10), 'é'.normalize('NFD').repeat(30), '🏴󠁧󠁢󠁳󠁣󠁴󠁿'.repeat(30), 'مريم'.repeat(7) + 'ab']) {
      const r = checkText(text, name)
      expect(r, text).toMatchObject({ ok: true })
      expect(graphemes(r.ok ? r.value : '').length).toBe(30)
    }
  })

  it('trims spaces and invisible characters at the ends, keeps joiners inside, and normalises to NFC', () => {
    expect(checkText('  \u200bAda\u200b  ', name)).toEqual({ ok: true, value: 'Ada' })
    expect(checkText('e\u0301', name)).toEqual({ ok: true, value: 'é' })
    expect(checkText('❤️', name)).toEqual({ ok: true, value: '❤️' }) // the variation selector stays
    expect(checkText('👩‍💻', name)).toEqual({ ok: true, value: '👩‍💻' })
  })
})

describe('cutGraphemes', () => {
  it('cuts between user-perceived characters, never inside a surrogate pair or an emoji sequence', () => {
    expect(cutGraphemes('ab👍🏽c', 3)).toBe('ab👍🏽')
    expect(cutGraphemes('👩‍👩‍👧x', 1)).toBe('👩‍👩‍👧')
    const cut = cutGraphemes('😀'.repeat(40), 30)
    expect(cut).toBe('😀'.repeat(30))
    expect(/\p{Cs}/u.test(cut)).toBe(false) // no lone surrogate left
  })
})

describe('textSchema', () => {
  it('outputs the checked value, and a failure carries the message', () => {
    const schema = textSchema(name)
    expect(schema.parse('  Ada ')).toBe('Ada')
    const bad = schema.safeParse('A\nB')
    expect(bad.success).toBe(false)
    expect(bad.error?.issues[0]?.message).toMatch(/control characters/)
  })
})
