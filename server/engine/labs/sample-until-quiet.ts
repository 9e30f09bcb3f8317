/**
 * A sampler that measures while something changes and pauses once nothing has for a while, so a lab that
 * draws Redis's figures as gauge events (key versioning's memory, best practices' rates and keyspace) does
 * not poll Redis every second for as long as its room stays open.
 */

export interface QuietSamplerOptions {
  /** Measures once, records what changed, and says whether anything worth watching did. */
  sample: () => Promise<boolean>
  /**
   * Whether something still under way will change the figures (a load, a key waiting for its TTL): while it
   * is, a sample without changes does not count as quiet.
   */
  busy: () => boolean
  /** How often it samples while running, in ms. */
  everyMs: number
  /** Quiet samples in a row before it pauses. */
  quietSamples: number
}

export interface QuietSampler {
  /** Something changed: sample now, and keep sampling until things are quiet again. */
  kick(): void
  /** Stops the timer; a sample under way still finishes (await `settled`). */
  pause(): void
  /** Resolves once the sample under way, if any, has finished; never rejects. */
  settled(): Promise<void>
}

export function sampleUntilQuiet(opts: QuietSamplerOptions): QuietSampler {
  let timer: NodeJS.Timeout | undefined
  let sampling: Promise<void> | undefined
  let quiet = 0

  const tick = () => {
    // A sample slower than the interval (a busy Redis) is not joined by another one.
    if (sampling) return
    sampling = opts
      .sample()
      .then((changed) => {
        quiet = changed || opts.busy() ? 0 : quiet + 1
        if (quiet >= opts.quietSamples) pause()
      })
      .catch(() => {}) // the engine's own Redis is down: the status banner says so; try again next tick
      .finally(() => (sampling = undefined))
  }
  const pause = () => {
    clearInterval(timer)
    timer = undefined
  }
  const kick = () => {
    quiet = 0
    if (!timer) {
      timer = setInterval(tick, opts.everyMs)
      timer.unref()
      tick()
    }
  }
  const settled = async () => {
    await sampling
  }
  return { kick, pause, settled }
}
