'use client'

import { useCallback, useSyncExternalStore } from 'react'
import { PROGRESS_KEY, type Grade, type Progress } from '@/lib/interview'

const EMPTY: Progress = { questions: {} }
const listeners = new Set<() => void>()
let cached: { raw: string | null; value: Progress } = { raw: null, value: EMPTY }

function read(): Progress {
  const raw = localStorage.getItem(PROGRESS_KEY)
  if (raw === cached.raw) return cached.value
  let value = EMPTY
  try {
    const parsed = raw ? (JSON.parse(raw) as Progress) : EMPTY
    if (parsed && typeof parsed.questions === 'object') value = parsed
  } catch {
    // Unreadable progress: start over.
  }
  cached = { raw, value }
  return value
}

function subscribe(l: () => void): () => void {
  listeners.add(l)
  const onStorage = (e: StorageEvent) => e.key === PROGRESS_KEY && l()
  window.addEventListener('storage', onStorage)
  return () => {
    listeners.delete(l)
    window.removeEventListener('storage', onStorage)
  }
}

/** The learner's interview progress, saved in this browser, and a way to mark a question. */
export function useProgress(): { progress: Progress; mark(id: string, grade: Grade): void; clear(): void } {
  const progress = useSyncExternalStore(subscribe, read, () => EMPTY)
  const mark = useCallback((id: string, grade: Grade) => {
    const current = read()
    const prev = current.questions[id]
    const next: Progress = { questions: { ...current.questions, [id]: { grade, attempts: (prev?.attempts ?? 0) + 1, at: Date.now() } } }
    localStorage.setItem(PROGRESS_KEY, JSON.stringify(next))
    for (const l of listeners) l()
  }, [])
  const clear = useCallback(() => {
    localStorage.removeItem(PROGRESS_KEY)
    for (const l of listeners) l()
  }, [])
  return { progress, mark, clear }
}
