'use client'

import { useState } from 'react'
import { EVENT_DRIVEN_LIMITS, MODE_INFO, PROPAGATION_MODES, type EventDrivenState, type PropagationMode } from '@/lib/labs/event-driven'
import { LIMITS } from '@/lib/limits'
import { cn } from '@/lib/cn'
import { useRoom } from '../room-provider'
import { useLabAction } from '../use-lab-action'
import { Button } from '../ui/button'
import { Segmented, Slider } from '../ui/field'
import { Panel } from '../ui/panel'

const LAB = 'event-driven'

/** Controls of the event-driven lab: servers, mode, requests on a chosen server, and the faults. */
export function EventDrivenControls() {
  const { labs } = useRoom()
  const state = labs[LAB] as EventDrivenState | undefined
  const { run, error, busy } = useLabAction(LAB)
  const [server, setServer] = useState(1)
  const [userId, setUserId] = useState(1)
  const [l1Draft, setL1Draft] = useState<number | undefined>(undefined)
  const [latencyDraft, setLatencyDraft] = useState<number | undefined>(undefined)
  const count = state?.servers ?? 3
  const chosen = Math.min(server, count)
  const streamy = state?.mode === 'stream' || state?.mode === 'outbox'
  const hasListener = state?.mode === 'pubsub' || streamy
  const listener = state?.perServer.find((s) => s.id === `app${chosen}`)?.listener ?? 'up'
  const loadOn = (state?.load.rps ?? 0) > 0

  return (
    <Panel title="Controls" region="controls" bodyClassName="flex flex-col gap-4 p-3">
      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1 text-xs font-semibold tracking-wide text-zinc-500 uppercase">Cluster</legend>
        <span className="text-xs text-zinc-600 dark:text-zinc-400">App servers</span>
        <Segmented<string>
          label="App servers"
          value={String(count)}
          onChange={(v) => void run('setServers', { count: Number(v) })}
          options={Array.from({ length: EVENT_DRIVEN_LIMITS.maxServers - 1 }, (_, i) => ({ value: String(i + 2), label: String(i + 2) }))}
        />
        <span className="text-xs text-zinc-600 dark:text-zinc-400">How a write reaches the other servers</span>
        <Segmented<PropagationMode>
          label="Propagation mode"
          value={state?.mode}
          onChange={(mode) => void run('setMode', { mode })}
          options={PROPAGATION_MODES.map((m) => ({ value: m, label: MODE_INFO[m].label, title: MODE_INFO[m].short }))}
        />
        {state && <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="mode-info">{MODE_INFO[state.mode].short} Delivery: {MODE_INFO[state.mode].delivery}.</p>}
        <Slider
          label="L1 TTL"
          value={l1Draft ?? state?.l1TtlSeconds ?? 30}
          min={1}
          max={EVENT_DRIVEN_LIMITS.maxL1TtlSeconds}
          unit=" s"
          onChange={setL1Draft}
          onCommit={(seconds) => void run('setL1Ttl', { seconds }).then(() => setL1Draft(undefined))}
        />
      </fieldset>

      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1 text-xs font-semibold tracking-wide text-zinc-500 uppercase">Requests</legend>
        <span className="text-xs text-zinc-600 dark:text-zinc-400">On server</span>
        <Segmented<string>
          label="Server"
          value={String(chosen)}
          onChange={(v) => setServer(Number(v))}
          options={Array.from({ length: count }, (_, i) => ({ value: String(i + 1), label: `app${i + 1}` }))}
        />
        <label className="flex items-center gap-2 text-sm">
          <span>User</span>
          <input
            type="number"
            min={1}
            max={LIMITS.usersPerRoom}
            value={userId}
            onChange={(e) => setUserId(Math.min(LIMITS.usersPerRoom, Math.max(1, Number(e.target.value) || 1)))}
            className="h-8 w-20 rounded-md border border-zinc-300 bg-white px-2 font-mono text-sm dark:border-zinc-700 dark:bg-zinc-950"
            aria-label="User id"
          />
        </label>
        <div className="flex flex-wrap gap-2">
          <Button variant="primary" onClick={() => void run('read', { server: chosen, userId })}>
            Read on app{chosen}
          </Button>
          <Button onClick={() => void run('write', { server: chosen, userId })}>Write on app{chosen}</Button>
          <Button onClick={() => void run('readAll', { userId })}>Read on every server</Button>
        </div>
      </fieldset>

      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1 text-xs font-semibold tracking-wide text-zinc-500 uppercase">Faults</legend>
        <div className="flex flex-wrap gap-2">
          <Button
            variant={listener === 'up' ? 'danger' : 'secondary'}
            disabled={!hasListener}
            title={hasListener ? undefined : 'This mode has no listener to take down'}
            onClick={() => void run('listener', { server: chosen, up: listener !== 'up' })}
          >
            {listener === 'up' ? `Take app${chosen}'s listener down` : `Bring app${chosen}'s listener back`}
          </Button>
          <Button variant="danger" disabled={!streamy} title={streamy ? undefined : 'Only the stream and outbox modes have consumers'} onClick={() => void run('crashConsumer', { server: chosen })}>
            Crash app{chosen}&apos;s consumer before ack
          </Button>
          <Button variant={state?.crashWriterArmed ? 'primary' : 'danger'} onClick={() => void run('crashWriter')}>
            {state?.crashWriterArmed ? 'Next writer will crash' : 'Crash the next writer after commit'}
          </Button>
        </div>
      </fieldset>

      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1 text-xs font-semibold tracking-wide text-zinc-500 uppercase">Measure</legend>
        <div className="flex flex-wrap gap-2">
          <Button variant="primary" disabled={state?.comparing} onClick={() => void run('compare', {}, 120_000)}>
            {state?.comparing ? 'Comparing…' : 'Compare all modes'}
          </Button>
          <Button variant={loadOn ? 'danger' : 'secondary'} onClick={() => void run('load', loadOn ? { rps: 0 } : { rps: 10, users: 3, writeRatio: 0.1 })}>
            {loadOn ? 'Stop load' : 'Start load (10 rps)'}
          </Button>
        </div>
        <Slider
          label="Database latency"
          value={latencyDraft ?? state?.dbLatencyMs ?? 0}
          min={0}
          max={LIMITS.dbLatencyMs}
          step={10}
          unit=" ms"
          onChange={setLatencyDraft}
          onCommit={(ms) => void run('dbLatency', { ms, jitterMs: 0 }).then(() => setLatencyDraft(undefined))}
        />
      </fieldset>

      <div className="flex items-center gap-2 border-t border-zinc-200 pt-3 dark:border-zinc-800">
        <Button variant="ghost" onClick={() => void run('reset')}>
          Reset lab
        </Button>
        <span className={cn('text-xs text-zinc-500', !busy && 'invisible')}>working…</span>
      </div>
      {error && (
        <p role="alert" className="rounded-md bg-rose-50 px-2 py-1.5 text-xs text-rose-800 dark:bg-rose-950 dark:text-rose-200">
          {error}
        </p>
      )}
    </Panel>
  )
}
