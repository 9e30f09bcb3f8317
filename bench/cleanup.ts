/**
 * Cleanup that survives Ctrl-C. A bench registers how to undo each thing it creates right after creating
 * it; its `finally` runs them, and so does SIGINT/SIGTERM (then the process exits). Each step runs once,
 * newest first.
 */
type Step = () => Promise<unknown>

const steps: Step[] = []
let signalled = false

/** Registers a step; returns it, to run early (it is then not run again). */
export function onCleanup(step: Step): Step {
  let done = false
  const once: Step = async () => {
    if (done) return
    done = true
    await step()
  }
  steps.push(once)
  return once
}

/** Runs every registered step, newest first; failures are reported, not thrown. */
export async function cleanUp(): Promise<void> {
  while (steps.length > 0) {
    const step = steps.pop()!
    await step().catch((err: unknown) => process.stderr.write(`bench cleanup step failed: ${(err as Error).message}\n`))
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (signalled) process.exit(130)
    signalled = true
    process.stderr.write(`\n${signal}: cleaning up what the bench created (again to skip)\n`)
    void cleanUp().finally(() => process.exit(130))
  })
}
