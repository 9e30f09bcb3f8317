/** A binary min-heap ordered by a numeric priority: the expiry watch keeps its deadlines in one. */
export class MinHeap<T> {
  private items: { at: number; value: T }[] = []

  get size(): number {
    return this.items.length
  }

  peek(): { at: number; value: T } | undefined {
    return this.items[0]
  }

  push(at: number, value: T): void {
    const items = this.items
    items.push({ at, value })
    let i = items.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (items[parent]!.at <= items[i]!.at) break
      ;[items[parent], items[i]] = [items[i]!, items[parent]!]
      i = parent
    }
  }

  pop(): { at: number; value: T } | undefined {
    const items = this.items
    const top = items[0]
    const last = items.pop()
    if (items.length > 0 && last) {
      items[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let min = i
        if (l < items.length && items[l]!.at < items[min]!.at) min = l
        if (r < items.length && items[r]!.at < items[min]!.at) min = r
        if (min === i) break
        ;[items[min], items[i]] = [items[i]!, items[min]!]
        i = min
      }
    }
    return top
  }

  clear(): void {
    this.items = []
  }
}
