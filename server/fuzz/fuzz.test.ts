/**
 * The fuzz run in its short form (the long one is `npm run fuzz`): a few thousand malformed HTTP requests and
 * socket messages against the app, from a fixed seed. Each must be answered with a clear error (or, for a
 * mutation that happened to stay valid, succeed); no server error, no missing answer, no crash, and the
 * victim room next door sees nothing.
 */
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../config'
import { useTestApp } from '../test-support/app'
import { runFuzz } from './run'

const t = useTestApp({ database: 'pglite' })

describe('fuzzing the API and the socket', () => {
  it('answers every malformed request with a clear error and touches no other room', async () => {
    const room = await t.room()
    const victim = await t.room()
    const created: string[] = []
    const report = await runFuzz({
      url: t.url,
      room,
      victim,
      httpCount: 3000,
      socketCount: 3000,
      seed: 20261126,
      maxBytes: resolveConfig({}).maxBodyBytes,
      created: ({ room: r, code }) => {
        if (r) t.track(r)
        if (code) created.push(code)
      },
    })
    for (const code of created) await t.app.sessions.remove(code)
    expect(report.failures).toEqual([])
    expect(report.http.sent).toBe(3000)
    expect(report.http.clearErrors + report.http.accepted).toBe(3000)
    expect(report.http.clearErrors).toBeGreaterThan(2400)
    expect(report.socket.sent).toBe(3000)
    expect(report.socket.clearErrors + report.socket.accepted + report.socket.closedOverSize + report.socket.unknownIgnored).toBe(3000)
    expect(report.process).toEqual({ uncaughtExceptions: 0, unhandledRejections: 0 })
    expect(report.victim.eventsDuringRun).toBe(0)
    // Every attempt on a room the fuzzer does not hold was refused (a classroom's without its secret, /metrics).
    expect(report.crossRoom.attempts).toBeGreaterThan(30)
    expect(report.crossRoom.refused).toBe(report.crossRoom.attempts)
    // The victim's room still works.
    const after = await t.app.engine.act(victim, { lab: 'ttl', action: 'read', userId: 1 }, 'api')
    expect(after).toMatchObject({ version: 1 })
  }, 180_000)
})
