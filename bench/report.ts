/**
 * Bench figures. Each is printed as one line the moment it is measured,
 * `hit-path throughput ratio: 0.93 x (target >= 0.8)`, and kept so the runner can write them all to
 * bench/out/results.json. Lines starting with `#` are context (setup, sample sizes), not figures.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export interface Target {
  op: '>=' | '<='
  value: number
}

export interface Figure {
  /** The bench that measured it (`hit-path`). */
  bench: string
  name: string
  value: number
  unit: string
  target?: Target
  /** Whether the value meets the target; absent when there is none. */
  pass?: boolean
  /** Extra numbers behind the figure (per-round values, sample counts). */
  detail?: Record<string, unknown>
}

export interface FigureOptions {
  target?: Target
  detail?: Record<string, unknown>
}

/** What a bench reports through: figures, and context lines. */
export interface Reporter {
  figure(name: string, value: number, unit: string, opts?: FigureOptions): Figure
  note(text: string): void
}

export class Report {
  readonly figures: Figure[] = []

  constructor(private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)) {}

  /** A reporter that files figures under one bench's id. */
  for(bench: string): Reporter {
    return {
      figure: (name, value, unit, opts = {}) => {
        const figure: Figure = { bench, name, value, unit }
        if (opts.target) {
          figure.target = opts.target
          figure.pass = meets(value, opts.target)
        }
        if (opts.detail) figure.detail = opts.detail
        this.figures.push(figure)
        this.write(formatFigure(figure))
        return figure
      },
      note: (text) => this.write(`# ${text.replace(/^#\s*/, '')}`),
    }
  }

  /** Figures whose target was missed. */
  misses(): Figure[] {
    return this.figures.filter((f) => f.pass === false)
  }

  /** Writes the figures and the runs with what they ran on, as JSON. */
  save(file: string, runs: RunRecord[]): void {
    mkdirSync(path.dirname(file), { recursive: true })
    const summary = {
      finishedAt: new Date().toISOString(),
      machine: { node: process.version, platform: `${os.platform()} ${os.arch()}`, cpus: os.cpus().length },
      runs,
      figures: this.figures,
    }
    writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`)
  }
}

export interface RunRecord {
  bench: string
  ok: boolean
  seconds: number
  error?: string
}

export function meets(value: number, target: Target): boolean {
  return target.op === '>=' ? value >= target.value : value <= target.value
}

export function formatFigure(f: Figure): string {
  const target = f.target ? ` (target ${f.target.op} ${f.target.value})` : ''
  return `${f.name}: ${formatValue(f.value)} ${f.unit}${target}`
}

/** Integers as they are; other values to two decimals below 10, one below 100, none above. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v) || Number.isInteger(v)) return String(v)
  const abs = Math.abs(v)
  if (abs >= 100) return String(Math.round(v))
  if (abs >= 10) return v.toFixed(1)
  return v.toFixed(2)
}
