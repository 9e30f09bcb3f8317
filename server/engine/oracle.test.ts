import { describe, expect, it } from 'vitest'
import { Oracle } from './oracle'

describe('Oracle', () => {
  it('knows nothing of an entity it has not seen: no read of it is stale', () => {
    const o = new Oracle()
    expect(o.truth('user:1')).toBeUndefined()
    expect(o.judge('user:1', 1, 1000)).toEqual({ stale: false })
    expect(o.staleSince('user:1', 1)).toBeNull()
  })

  it('measures a stale window from the commit of the next version, not of the newest', () => {
    const o = new Oracle()
    o.committed('user:1', 1, 1000)
    o.committed('user:1', 2, 2000)
    o.committed('user:1', 3, 3500)
    expect(o.truth('user:1')).toBe(3)
    expect(o.judge('user:1', 1, 5000)).toEqual({ stale: true, truth: 3, staleForMs: 3000 })
    expect(o.judge('user:1', 2, 5000)).toEqual({ stale: true, truth: 3, staleForMs: 1500 })
    expect(o.judge('user:1', 3, 5000)).toEqual({ stale: false })
    expect([o.staleSince('user:1', 1), o.staleSince('user:1', 2), o.staleSince('user:1', 3)]).toEqual([
      2000,
      3500,
      null,
    ])
  })

  it('does not call a version newer than it knows stale', () => {
    const o = new Oracle()
    o.committed('user:1', 2, 1000)
    expect(o.judge('user:1', 5, 2000)).toEqual({ stale: false })
  })

  it('calls a version newer than the database holds uncommitted, and nothing else', () => {
    const o = new Oracle()
    expect(o.uncommitted('user:1', 3)).toBeUndefined()
    o.committed('user:1', 2, 1000)
    expect(o.uncommitted('user:1', 3)).toBe(2)
    expect(o.uncommitted('user:1', 2)).toBeUndefined()
    expect(o.uncommitted('user:1', 1)).toBeUndefined()
    o.committed('user:1', 3, 2000)
    expect(o.uncommitted('user:1', 3)).toBeUndefined()
  })

  it('ignores a commit that is not newer, so the window keeps its start', () => {
    const o = new Oracle()
    o.committed('user:1', 1, 1000)
    o.committed('user:1', 2, 2000)
    o.committed('user:1', 2, 4000)
    o.observed('user:1', 1, 4500)
    expect(o.truth('user:1')).toBe(2)
    expect(o.judge('user:1', 1, 5000)).toEqual({ stale: true, truth: 2, staleForMs: 3000 })
  })

  it('takes a version read from the database as current since the read at the latest', () => {
    const o = new Oracle()
    o.observed('user:1', 4, 10_000)
    expect(o.judge('user:1', 3, 12_500)).toEqual({ stale: true, truth: 4, staleForMs: 2500 })
  })

  it('never reports a negative window', () => {
    const o = new Oracle()
    o.committed('user:1', 1, 1000)
    o.committed('user:1', 2, 5000)
    expect(o.judge('user:1', 1, 4000)).toEqual({ stale: true, truth: 2, staleForMs: 0 })
  })

  it('keeps entities apart, and forgets everything on forget()', () => {
    const o = new Oracle()
    o.committed('user:1', 1, 1000)
    o.committed('user:1', 2, 2000)
    o.committed('user:2', 7, 1500)
    expect(o.judge('user:2', 1, 3000)).toEqual({ stale: true, truth: 7, staleForMs: 1500 })
    expect(o.judge('user:1', 1, 3000)).toEqual({ stale: true, truth: 2, staleForMs: 1000 })
    o.forget()
    expect([o.truth('user:1'), o.truth('user:2')]).toEqual([undefined, undefined])
    expect(o.judge('user:1', 1, 3000)).toEqual({ stale: false })
  })
})
