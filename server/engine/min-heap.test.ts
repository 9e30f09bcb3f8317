import { describe, expect, it } from 'vitest'
import { MinHeap } from './min-heap'

/** A small deterministic PRNG, so a failure can be replayed. */
function lcg(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

describe('MinHeap', () => {
  it('is empty at first', () => {
    const heap = new MinHeap<string>()
    expect([heap.size, heap.peek(), heap.pop()]).toEqual([0, undefined, undefined])
  })

  it('pops in priority order whatever the push order', () => {
    const heap = new MinHeap<string>()
    for (const at of [5, 1, 4, 1, 9, 2, 6, 3, 0, 8, 7]) heap.push(at, `v${at}`)
    expect(heap.size).toBe(11)
    expect(heap.peek()).toEqual({ at: 0, value: 'v0' })
    const out: number[] = []
    for (let top = heap.pop(); top; top = heap.pop()) out.push(top.at)
    expect(out).toEqual([0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(heap.size).toBe(0)
  })

  it('keeps every value, equal priorities included', () => {
    const heap = new MinHeap<string>()
    for (const v of ['a', 'b', 'c']) heap.push(10, v)
    heap.push(5, 'first')
    const out = [heap.pop(), heap.pop(), heap.pop(), heap.pop()].map((e) => e?.value)
    expect(out[0]).toBe('first')
    expect(out.slice(1).sort()).toEqual(['a', 'b', 'c'])
  })

  it('agrees with a sorted list under random interleaved pushes and pops', () => {
    const random = lcg(42)
    const heap = new MinHeap<number>()
    const reference: number[] = []
    for (let i = 0; i < 5000; i++) {
      if (random() < 0.6 || reference.length === 0) {
        const at = Math.floor(random() * 1000)
        heap.push(at, i)
        reference.push(at)
        reference.sort((a, b) => a - b)
      } else {
        expect(heap.pop()?.at).toBe(reference.shift())
      }
      expect(heap.size).toBe(reference.length)
      expect(heap.peek()?.at).toBe(reference[0])
    }
  })

  it('clear empties it', () => {
    const heap = new MinHeap<number>()
    heap.push(1, 1)
    heap.push(2, 2)
    heap.clear()
    expect([heap.size, heap.pop()]).toEqual([0, undefined])
    heap.push(3, 3)
    expect(heap.pop()).toEqual({ at: 3, value: 3 })
  })
})
