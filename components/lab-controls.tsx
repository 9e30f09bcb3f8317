'use client'

import { useState } from 'react'
import { findLab } from '@/lib/labs/catalogue'
import type { ControlSpec } from '@/lib/labs/types'
import { LIMITS } from '@/lib/limits'
import { useRoom } from './room-provider'
import { useLabAction } from './use-lab-action'
import { Button } from './ui/button'
import { Segmented, Slider } from './ui/field'
import { Panel } from './ui/panel'

/** Reads a dot path (`load.rps`) out of a lab's published settings. */
function at(state: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), state)
}

/**
 * A lab's controls drawn from its content (lib/labs/<lab>.ts `controls`): buttons, choices and sliders that
 * call the lab's actions, showing the current value from the lab's settings as the server publishes them.
 */
export function LabControls({ lab }: { lab: string }) {
  const spec = findLab(lab)!
  const { labs } = useRoom()
  const state = labs[lab]
  const { run, error, busy } = useLabAction(lab)
  const [userId, setUserId] = useState(1)
  const fill = (params: Record<string, unknown> = {}) =>
    Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v === '$user' ? userId : v]))

  const draw = (c: ControlSpec, i: number): React.ReactNode => {
    switch (c.kind) {
      case 'user':
        return (
          <label key={i} className="flex items-center gap-2 text-sm">
            <span>{c.label ?? 'User'}</span>
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
        )
      case 'button':
        return (
          <Button key={i} variant={c.variant ?? 'secondary'} title={c.title} onClick={() => void run(c.action, fill(c.params))}>
            {c.label}
          </Button>
        )
      case 'choice': {
        const current = at(state, c.state)
        return (
          <div key={i} className="flex flex-col gap-1">
            <span className="text-xs text-zinc-600 dark:text-zinc-400">{c.label}</span>
            <Segmented<string>
              label={c.label}
              value={c.options.find((o) => o.value === current) ? String(current) : undefined}
              onChange={(v) => {
                const option = c.options.find((o) => String(o.value) === v)!
                void run(c.action, { ...fill(c.params), [c.param]: option.value })
              }}
              options={c.options.map((o) => ({ value: String(o.value), label: o.label, title: o.title }))}
            />
          </div>
        )
      }
      case 'slider':
        return <SliderControl key={i} c={c} current={Number(at(state, c.state) ?? c.min)} onCommit={(v) => void run(c.action, { ...fill(c.params), [c.param]: v })} />
      case 'group':
        return (
          <fieldset key={i} className="flex flex-col gap-2">
            <legend className="mb-1 text-xs font-semibold tracking-wide text-zinc-500 uppercase">{c.label}</legend>
            <div className="flex flex-wrap items-end gap-2">{c.controls.map(draw)}</div>
            {c.note && <p className="text-xs text-zinc-500">{c.note}</p>}
          </fieldset>
        )
    }
  }

  return (
    <Panel title="Controls" region="controls" bodyClassName="flex flex-col gap-4 p-3">
      {(spec.controls ?? []).map(draw)}
      <div className="flex items-center gap-2 border-t border-zinc-200 pt-3 dark:border-zinc-800">
        <Button variant="ghost" onClick={() => void run('reset')}>
          Reset lab
        </Button>
        {busy && <span className="text-xs text-zinc-500">working…</span>}
      </div>
      {error && (
        <p role="alert" className="rounded-md bg-rose-50 px-2 py-1.5 text-xs text-rose-800 dark:bg-rose-950 dark:text-rose-200">
          {error}
        </p>
      )}
    </Panel>
  )
}

/** A slider whose value is a local draft while it is held, and the server's setting otherwise. */
function SliderControl({ c, current, onCommit }: { c: Extract<ControlSpec, { kind: 'slider' }>; current: number; onCommit(v: number): void }) {
  const [draft, setDraft] = useState<number | undefined>(undefined)
  return (
    <div className="w-full">
      <Slider
        label={c.label}
        value={draft ?? current}
        min={c.min}
        max={c.max}
        step={c.step}
        unit={c.unit}
        onChange={setDraft}
        onCommit={(v) => {
          onCommit(v)
          setDraft(undefined)
        }}
      />
    </div>
  )
}
