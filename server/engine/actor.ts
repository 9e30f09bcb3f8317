/**
 * Who is acting, for the requests an action makes: a classroom participant's name travels with their press
 * into every request the lab runs for it (and onto the timeline), without each lab passing it along.
 */
import { AsyncLocalStorage } from 'node:async_hooks'

const actor = new AsyncLocalStorage<{ label: string }>()

export function asActor<T>(label: string | undefined, fn: () => T): T {
  return label ? actor.run({ label }, fn) : fn()
}

/** The acting person's name, inside asActor(). */
export function actorLabel(): string | undefined {
  return actor.getStore()?.label
}
