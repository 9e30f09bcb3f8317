import { describe, expect, it } from 'vitest'
import { hitRatio, keyOf, trendingChange } from './warming'

describe('warming, the pure parts', () => {
  it('names what entered and left the trending list, in list order', () => {
    expect(trendingChange([27, 54, 81], [500, 27, 54])).toEqual({ added: [500], dropped: [81] })
    expect(trendingChange([1, 2], [2, 1])).toEqual({ added: [], dropped: [] })
    expect(trendingChange([], [3, 4])).toEqual({ added: [3, 4], dropped: [] })
  })

  it('hit ratio is null without reads', () => {
    expect(hitRatio(0, 0)).toBeNull()
    expect(hitRatio(3, 4)).toBe(0.75)
  })

  it('keys are the names every other lab uses', () => {
    expect(keyOf('user', 7)).toBe('user:7')
    expect(keyOf('post', 500)).toBe('post:500')
  })
})
