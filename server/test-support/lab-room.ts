/**
 * A fresh room on one lab, for a test that drives the whole app: the room's events, collected until the test
 * ends; the lab's actions, each with the events it recorded; an action's refusal; the lab's state; and the
 * room's full key names. A lab test adds its own cleanup and helpers around it.
 */
import { onTestFinished } from 'vitest'
import { roomKeys } from '../../lib/keys'
import { LabError } from '../engine/errors'
import type { TestApp } from './app'
import { collect } from './events'

export async function openLabRoom<S>(t: TestApp, lab: string) {
  const id = await t.room()
  const c = collect(t.app.engine.recorder, id)
  onTestFinished(() => c.stop())
  /** Runs an action as 'you': its result, and the events it recorded (flushed, so none is still buffered). */
  const act = async (action: string, params: Record<string, unknown> = {}) => {
    const from = c.last
    const result = (await t.app.engine.act(id, { lab, action, ...params }, 'you')) as Record<string, unknown>
    await t.app.engine.recorder.flush(id)
    return { result, events: c.after(from) }
  }
  /** Runs an action that should be refused: undefined if it ran, a LabError's status, code and message, else what it threw. */
  const fails = (action: string, params: Record<string, unknown> = {}) =>
    t.app.engine.act(id, { lab, action, ...params }, 'you').then(
      () => undefined,
      (e: unknown) => (e instanceof LabError ? { status: e.status, code: e.code, message: e.message } : e),
    )
  const state = () => t.app.engine.rooms.peek(id)!.labs.get(lab)!.state() as S
  return { id, c, act, fails, state, full: roomKeys(id).full }
}
