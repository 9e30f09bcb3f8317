'use client'

import { useState } from 'react'
import { DATA_CLASSES, type DataClass, type TtlLabState } from '@/lib/labs/ttl'
import { LIMITS } from '@/lib/limits'
import { useRoom } from '../room-provider'
import { useLabAction } from '../use-lab-action'
import { Button } from '../ui/button'
import { Segmented, Slider } from '../ui/field'
import { Panel } from '../ui/panel'

function human(seconds: number): string {
  if (seconds >= 86_400 * 7) return `${seconds / (86_400 * 7)} week`
  if (seconds >= 86_400) return `${seconds / 86_400} day`
  if (seconds >= 3600) return `${seconds / 3600} hour`
  return `${seconds / 60} min`
}

/** Controls of the TTL lab: read/update/expire a user, the TTL policy, database latency and the background load. */
export function TtlControls() {
  const { labs } = useRoom()
  const state = labs.ttl as TtlLabState | undefined
  const { run, error, busy } = useLabAction('ttl')
  const [userId, setUserId] = useState(1)
  const [custom, setCustom] = useState('10')
  // While a slider is held its value is a local draft; otherwise it shows the server's setting.
  const [latencyDraft, setLatency] = useState<number | undefined>(undefined)
  const [jitterDraft, setJitter] = useState<number | undefined>(undefined)
  const latency = latencyDraft ?? state?.dbLatencyMs ?? 0
  const jitter = jitterDraft ?? state?.dbJitterMs ?? 0
  const commitLatency = async (ms: number, jitterMs: number) => {
    await run('dbLatency', { ms, jitterMs })
    setLatency(undefined)
    setJitter(undefined)
  }
  const [load, setLoad] = useState({ rps: 5, users: 5, writePct: 10 })

  const loadOn = (state?.load.rps ?? 0) > 0
  const user = { userId }

  return (
    <Panel title="Controls" region="controls" bodyClassName="flex flex-col gap-4 p-3">
      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1 text-xs font-semibold tracking-wide text-zinc-500 uppercase">Requests</legend>
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
          <span className="text-xs text-zinc-500">key user:{userId}</span>
        </label>
        <div className="flex flex-wrap gap-2">
          <Button variant="primary" onClick={() => void run('read', user)}>
            Read user
          </Button>
          <Button onClick={() => void run('update', user)}>Update in DB</Button>
          <Button onClick={() => void run('expire', user)}>Expire now</Button>
        </div>
      </fieldset>

      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1 text-xs font-semibold tracking-wide text-zinc-500 uppercase">TTL for new cache entries</legend>
        <Segmented<DataClass>
          label="Data class"
          value={state?.dataClass === 'custom' ? undefined : state?.dataClass}
          onChange={(dataClass) => void run('setDataClass', { dataClass })}
          options={(Object.keys(DATA_CLASSES) as DataClass[]).map((c) => ({
            value: c,
            label: `${DATA_CLASSES[c].label} · ${DATA_CLASSES[c].labSeconds}s`,
            title: `${DATA_CLASSES[c].example}: ${human(DATA_CLASSES[c].realSeconds)} in production, ${DATA_CLASSES[c].labSeconds} s here`,
          }))}
        />
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <label className="flex items-center gap-1.5">
            <span className="text-xs text-zinc-600 dark:text-zinc-400">Custom</span>
            <input
              type="number"
              min={1}
              max={LIMITS.ttlSeconds}
              value={custom}
              onChange={(e) => setCustom(e.target.value)}
              className="h-7 w-20 rounded-md border border-zinc-300 bg-white px-2 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-950"
              aria-label="Custom TTL in seconds"
            />
            <span className="text-xs text-zinc-500">s</span>
          </label>
          <Button size="sm" onClick={() => void run('setTtl', { seconds: Number(custom) })}>
            Set TTL
          </Button>
          <Button size="sm" variant="danger" onClick={() => void run('setTtl', { seconds: null })} title="Cache without a TTL (to see why you should not)">
            No TTL
          </Button>
        </div>
        <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="ttl-now">
          Now caching with{' '}
          <strong className="font-mono">{state ? (state.ttlSeconds === null ? 'no TTL' : `${state.ttlSeconds} s`) : '…'}</strong>
          {state && state.dataClass !== 'custom' && ` (${DATA_CLASSES[state.dataClass].label.toLowerCase()} data)`}
        </p>
        <details className="text-xs text-zinc-500">
          <summary className="cursor-pointer select-none">The time scale</summary>
          <table className="mt-1 w-full">
            <tbody>
              {(Object.keys(DATA_CLASSES) as DataClass[]).map((c) => (
                <tr key={c}>
                  <td className="py-0.5">{DATA_CLASSES[c].label}</td>
                  <td className="py-0.5">{DATA_CLASSES[c].example}</td>
                  <td className="py-0.5 text-right font-mono">{human(DATA_CLASSES[c].realSeconds)}</td>
                  <td className="py-0.5 text-right font-mono">→ {DATA_CLASSES[c].labSeconds} s</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="mt-1">Production TTLs are compressed so a lesson does not wait an hour; their order is kept.</p>
        </details>
      </fieldset>

      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1 text-xs font-semibold tracking-wide text-zinc-500 uppercase">Database</legend>
        <Slider label="Latency per query" value={latency} min={0} max={LIMITS.dbLatencyMs} step={10} unit=" ms" onChange={setLatency} onCommit={(ms) => void commitLatency(ms, jitter)} />
        <Slider label="Jitter" value={jitter} min={0} max={LIMITS.dbJitterMs} step={10} unit=" ms" onChange={setJitter} onCommit={(j) => void commitLatency(latency, j)} />
      </fieldset>

      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1 text-xs font-semibold tracking-wide text-zinc-500 uppercase">Background load</legend>
        <Slider label="Requests per second" value={load.rps} min={1} max={LIMITS.loadRps} onChange={(rps) => setLoad({ ...load, rps })} />
        <Slider label="Spread over users" value={load.users} min={1} max={LIMITS.loadUsers} onChange={(users) => setLoad({ ...load, users })} />
        <Slider label="Updates" value={load.writePct} min={0} max={50} unit="%" onChange={(writePct) => setLoad({ ...load, writePct })} />
        <div className="flex items-center gap-2">
          <Button
            variant={loadOn ? 'danger' : 'secondary'}
            onClick={() =>
              void run('load', loadOn ? { rps: 0 } : { rps: load.rps, users: load.users, writeRatio: load.writePct / 100 })
            }
          >
            {loadOn ? 'Stop load' : 'Start load'}
          </Button>
          {loadOn && state && (
            <span className="text-xs text-zinc-500">
              {state.load.rps} rps over {state.load.users} users
            </span>
          )}
        </div>
      </fieldset>

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
