/**
 * The recorder against a real Redis: numbering, stream appends (one entry per batch, id = last seq), replay
 * from any point without gaps, batched emission to browsers, trimming by MINID and firstSeq.
 */
import type { Redis } from 'ioredis'
import { describe, expect, it, onTestFinished } from 'vitest'
import { LabEvent, make, type EventInput } from '../../../lib/events'
import { roomKeys } from '../../../lib/keys'
import { isContiguous } from '../../test-support/events'
import { sleep } from '../../test-support/env'
import { claimRoom, connectRedis, useRedis } from '../../test-support/redis'
import { Recorder, type RecorderOptions } from '../recorder'

const redis = useRedis('cmd')

interface Harness {
  room: string
  recorder: Recorder
  /** Every batch the browsers were sent, in order. */
  batches: LabEvent[][]
  record(n: number, label?: string): LabEvent[]
}

/** A recorder over a fresh room; closed and its keys removed when the test finishes. */
async function harness(opts: Partial<RecorderOptions> = {}, client: Redis = redis.cmd): Promise<Harness> {
  const { id: room, release } = await claimRoom(redis.cmd, { inTest: false })
  const batches: LabEvent[][] = []
  const recorder = new Recorder(client, (r, events) => r === room && batches.push(events), { maxLen: 20_000, ...opts })
  onTestFinished(async () => {
    await recorder.closeAll()
    await release()
  })
  await recorder.open(room)
  return {
    room,
    recorder,
    batches,
    record(n, label = 'e') {
      const out: LabEvent[] = []
      for (let i = 0; i < n; i++) out.push(recorder.record(room, marker(`${label}${i}`))!)
      return out
    },
  }
}

function marker(text: string): EventInput {
  return make('marker', 'app', { text })
}

async function streamEntries(room: string): Promise<{ id: string; events: LabEvent[] }[]> {
  const entries = await redis.cmd.xrange(roomKeys(room).events, '-', '+')
  return entries.map(([id, fields]) => {
    expect(fields[0]).toBe('e')
    return { id, events: (JSON.parse(fields[1]!) as unknown[]).map((e) => LabEvent.parse(e) as LabEvent) }
  })
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)
const seqs = (events: readonly LabEvent[]) => events.map((e) => e.seq)

describe('Recorder', () => {
  it('numbers each room from 1, and records nothing for a room it has not opened', async () => {
    const a = await harness()
    const b = await harness({}, redis.cmd)
    expect(await a.recorder.open(a.room)).toBe(0)
    expect(seqs(a.record(3))).toEqual([1, 2, 3])
    await a.recorder.open(b.room)
    expect(a.recorder.record(b.room, marker('b'))?.seq).toBe(1)
    expect(a.recorder.record('nosuchroom1', marker('x'))).toBeUndefined()
    expect([a.recorder.lastSeq(a.room), a.recorder.lastSeq(b.room), a.recorder.lastSeq('nosuchroom1')]).toEqual([
      3, 1, 0,
    ])
    await a.recorder.close(b.room) // before b's cleanup removes b's keys
  })

  it('times events by the wall clock (the one deadlines and the browser use), keeping an explicit time', async () => {
    const h = await harness()
    const before = Date.now()
    const [e] = h.record(1)
    expect(e!.time).toBeGreaterThanOrEqual(before)
    expect(e!.time).toBeLessThanOrEqual(Date.now())
    expect(h.recorder.record(h.room, { ...marker('t'), time: 1234.5 })!.time).toBe(1234.5)
  })

  it('tells in-process listeners of each event as it is recorded, until they unsubscribe', async () => {
    const h = await harness()
    const heard: number[] = []
    const stop = h.recorder.listen(h.room, (e) => heard.push(e.seq))
    const first = h.recorder.record(h.room, marker('a'))!
    expect(heard).toEqual([first.seq])
    h.record(2)
    stop()
    h.record(2)
    expect(heard).toEqual([1, 2, 3])
  })

  it('appends to the room stream in batches, each entry id being the last seq it holds', async () => {
    const h = await harness()
    const recorded = h.record(600)
    await h.recorder.flush(h.room)
    const entries = await streamEntries(h.room)
    expect(entries.length).toBeGreaterThan(0)
    expect(entries.length).toBeLessThan(10)
    for (const entry of entries) expect(entry.id).toBe(`${entry.events.at(-1)!.seq}-0`)
    expect(entries.flatMap((e) => e.events)).toEqual(recorded)
  })

  it('replays exactly the events after N, in order, across many stream entries and pages', async () => {
    const h = await harness()
    for (let round = 0; round < 6; round++) {
      h.record(300, `r${round}-`)
      await h.recorder.flush(h.room)
    }
    expect((await streamEntries(h.room)).length).toBeGreaterThanOrEqual(6)
    const all = await h.recorder.replay(h.room, 0, 2000)
    expect(seqs(all.events)).toEqual(range(1, 1800))
    expect([all.firstSeq, all.lastSeq]).toEqual([1, 1800])
    for (const after of [1, 255, 256, 257, 437, 899, 1500, 1799]) {
      const r = await h.recorder.replay(h.room, after, 2000)
      expect(seqs(r.events), `after ${after}`).toEqual(range(after + 1, 1800))
    }
    expect(seqs((await h.recorder.replay(h.room, 437, 100)).events)).toEqual(range(438, 537))
    expect(seqs((await h.recorder.replay(h.room, 1700, 1)).events)).toEqual([1701])
    expect((await h.recorder.replay(h.room, 1800, 2000)).events).toEqual([])
    expect((await h.recorder.replay(h.room, 5000, 2000)).events).toEqual([])
  })

  it('replay includes events recorded but not yet appended', async () => {
    const h = await harness()
    h.record(10)
    await h.recorder.flush(h.room)
    h.record(5) // still in memory: the append runs on the next turn of the event loop
    const r = await h.recorder.replay(h.room, 8, 2000)
    expect(seqs(r.events)).toEqual(range(9, 15))
    expect(r.lastSeq).toBe(15)
  })

  it('a new recorder (a restarted process) continues the numbering and replays from the stream alone', async () => {
    const h = await harness()
    const recorded = h.record(700)
    await h.recorder.flush(h.room)
    const other = connectRedis('recorder-restart')
    onTestFinished(() => void other.disconnect())
    const restarted = new Recorder(other, () => {}, { maxLen: 20_000 })
    onTestFinished(() => restarted.closeAll())
    expect(await restarted.open(h.room)).toBe(700)
    expect(restarted.record(h.room, marker('after restart'))?.seq).toBe(701)
    const r = await restarted.replay(h.room, 650, 2000)
    expect(seqs(r.events)).toEqual(range(651, 701))
    expect(r.events.slice(0, 50)).toEqual(recorded.slice(650))
  })

  it('sends browsers a few batches, not one message per event', async () => {
    const h = await harness()
    h.record(500)
    await h.recorder.flush(h.room)
    expect(h.batches.length).toBeGreaterThan(0)
    expect(h.batches.length).toBeLessThanOrEqual(3)
    expect(isContiguous(h.batches.flat().map((e) => e.seq))).toBe(true)
    expect(h.batches.flat()).toHaveLength(500)
  })

  it('holds events back to at most one batch per interval while they trickle in', async () => {
    const h = await harness({ emitIntervalMs: 50 })
    const started = Date.now()
    for (let i = 0; i < 40; i++) {
      h.record(1)
      await sleep(5)
    }
    await h.recorder.flush(h.room)
    const elapsed = Date.now() - started
    const sent = h.batches.flat().map((e) => e.seq)
    expect(sent).toEqual(range(1, 40))
    // One batch right away, then at most one per 50 ms window.
    expect(h.batches.length).toBeLessThanOrEqual(Math.ceil(elapsed / 50) + 2)
    expect(h.batches.length).toBeLessThan(40)
  })

  it('trims the stream by MINID to roughly the last maxLen events, and firstSeq follows', async () => {
    const maxLen = 1000
    const h = await harness({ maxLen })
    for (let round = 0; round < 20; round++) {
      h.record(250)
      await h.recorder.flush(h.room)
    }
    const entries = await streamEntries(h.room)
    const kept = entries.flatMap((e) => e.events)
    const first = kept[0]!.seq
    expect(kept.at(-1)!.seq).toBe(5000)
    expect(kept.length).toBeGreaterThanOrEqual(maxLen)
    expect(kept.length).toBeLessThanOrEqual(maxLen + 2 * 256)
    expect(isContiguous(seqs(kept), first)).toBe(true)
    expect(await h.recorder.firstSeq(h.room)).toBe(first)
    const r = await h.recorder.replay(h.room, 0, 2000)
    expect(r.firstSeq).toBe(first)
    expect(seqs(r.events)).toEqual(range(first, 5000))
  })

  it('firstSeq is 0 for a room without events, then the lowest seq held', async () => {
    const h = await harness()
    expect(await h.recorder.firstSeq(h.room)).toBe(0)
    h.record(1)
    expect(await h.recorder.firstSeq(h.room)).toBe(1) // from memory, before the append
    await h.recorder.flush(h.room)
    expect(await h.recorder.firstSeq(h.room)).toBe(1)
    expect(await h.recorder.firstSeq('nosuchroom2')).toBe(0)
  })

  it('close flushes what is pending, then stops recording for the room', async () => {
    const h = await harness()
    h.record(42)
    await h.recorder.close(h.room)
    expect(h.recorder.isOpen(h.room)).toBe(false)
    expect(h.recorder.record(h.room, marker('late'))).toBeUndefined()
    expect((await streamEntries(h.room)).flatMap((e) => seqs(e.events))).toEqual(range(1, 42))
    expect(h.batches.flat()).toHaveLength(42)
  })
})
