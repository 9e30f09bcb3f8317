/**
 * The browser's side of a classroom session: enters as the host (with the secret this browser was given when
 * it started the session) or as a participant (code and display name; the participant id is kept so a
 * reconnect or a refresh comes back as the same person), follows the session's state and presence, and
 * sends the host's controls or a participant's answers and fires. Re-enters by itself after a reconnect.
 */
import type { RoomInfo } from './protocol'
import type { Participation, PollOption, PollMetric, Presence, SessionState } from './session'
import { getSocket, request } from './socket'

const hostKey = (code: string) => `cachelab.host.${code}`
const PARTICIPANT_KEY = 'cachelab.participant'

export function saveHostSecret(code: string, secret: string): void {
  localStorage.setItem(hostKey(code), secret)
}

export function hostSecret(code: string): string | undefined {
  return localStorage.getItem(hostKey(code)) ?? undefined
}

interface SavedParticipant {
  code: string
  id: string
  name: string
}

/** The name typed on the join page, kept for this tab until the session page enters with it. */
export function savePendingName(code: string, name: string): void {
  sessionStorage.setItem(`cachelab.join.${code}`, name)
}

export function pendingName(code: string): string | undefined {
  return sessionStorage.getItem(`cachelab.join.${code}`) ?? undefined
}

export function savedParticipant(code: string): SavedParticipant | undefined {
  try {
    const p = JSON.parse(localStorage.getItem(PARTICIPANT_KEY) ?? 'null') as SavedParticipant | null
    return p && p.code === code ? p : undefined
  } catch {
    return undefined
  }
}

export interface SessionSnapshot {
  state: SessionState | undefined
  presence: Presence
  me: { id: string; name: string } | undefined
}

export class SessionClient {
  private snapshot: SessionSnapshot = { state: undefined, presence: { count: 0, names: [] }, me: undefined }
  private listeners = new Set<() => void>()
  private detach: (() => void) | undefined

  constructor(
    readonly code: string,
    readonly role: 'host' | 'participant',
    private readonly name?: string,
  ) {}

  /** Enters the session and its room; what RoomClient calls on every (re)connect. */
  enter = async (): Promise<RoomInfo> => {
    this.listen()
    if (this.role === 'host') {
      const secret = hostSecret(this.code)
      if (!secret) throw new Error('This browser did not start this session, so it cannot host it.')
      const res = await request('session:host', { code: this.code, secret })
      this.set({ state: res.session, presence: res.presence })
      return res.room
    }
    const saved = savedParticipant(this.code)
    const name = this.name ?? pendingName(this.code) ?? saved?.name
    if (!name) throw new Error('A display name is needed to join.')
    const res = await request('session:join', { code: this.code, name, participant: saved?.id })
    if (res.participant) {
      localStorage.setItem(PARTICIPANT_KEY, JSON.stringify({ code: this.code, ...res.participant }))
      sessionStorage.removeItem(`cachelab.join.${this.code}`)
      this.set({ me: res.participant })
    }
    this.set({ state: res.session, presence: res.presence })
    return res.room
  }

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l)
    return () => this.listeners.delete(l)
  }

  getSnapshot = (): SessionSnapshot => this.snapshot

  stop(): void {
    this.detach?.()
    this.detach = undefined
  }

  // Host controls: each needs the secret; the server checks it.
  view(lab: string, step: number) {
    return this.control({ op: 'view', lab, step })
  }
  participation(participation: Participation) {
    return this.control({ op: 'participation', participation })
  }
  openPoll(question: string, options: PollOption[], metric: PollMetric | null) {
    return this.control({ op: 'poll-open', question, options, metric })
  }
  closePoll() {
    return this.control({ op: 'poll-close' })
  }
  revealPoll() {
    return this.control({ op: 'poll-reveal' })
  }
  clearPoll() {
    return this.control({ op: 'poll-clear' })
  }
  end() {
    return this.control({ op: 'end' })
  }

  // Participant actions.
  async answer(option: number): Promise<void> {
    await request('session:answer', { code: this.code, option })
  }
  async fire(): Promise<number> {
    return (await request('session:fire', { code: this.code })).sent
  }

  private async control(msg: Record<string, unknown>): Promise<SessionState> {
    const secret = hostSecret(this.code)
    const res = await request('session:control', { code: this.code, secret, ...msg })
    this.set({ state: res.session })
    return res.session
  }

  private listen(): void {
    if (this.detach) return
    const socket = getSocket()
    const onState = (state: SessionState) => state.code === this.code && this.set({ state })
    const onPresence = (presence: Presence) => this.set({ presence })
    socket.on('session:state', onState)
    socket.on('session:presence', onPresence)
    this.detach = () => {
      socket.off('session:state', onState)
      socket.off('session:presence', onPresence)
    }
  }

  private set(patch: Partial<SessionSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch }
    for (const l of this.listeners) l()
  }
}

/**
 * A session's current state, or undefined when there is no such session (ended long ago, or a typo). A
 * browser that hosts the session or took part in it says so, so the code-guessing limit (spent by others at
 * the same address) never keeps it out. A refusal carries the server's reason.
 */
export async function fetchSession(code: string): Promise<SessionState | undefined> {
  const headers: Record<string, string> = {}
  const secret = hostSecret(code)
  const participant = savedParticipant(code)?.id
  if (secret) headers['x-host-secret'] = secret
  else if (participant) headers['x-participant'] = participant
  const res = await fetch(`/api/sessions/${encodeURIComponent(code)}`, { headers })
  if (res.status === 404 || res.status === 400) return undefined
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } }
    throw new Error(body.error?.message ?? `Could not look the session up (HTTP ${res.status})`)
  }
  return (await res.json()) as SessionState
}

/** Starts a session on a lab; this browser keeps the host secret, so it (and only it) can host. */
export async function startSession(lab: string): Promise<string> {
  const res = await fetch('/api/sessions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ lab }) })
  const body = (await res.json().catch(() => ({}))) as { code?: string; hostSecret?: string; error?: { message?: string } }
  if (!res.ok || !body.code || !body.hostSecret) throw new Error(body.error?.message ?? `Could not start a session (HTTP ${res.status})`)
  saveHostSecret(body.code, body.hostSecret)
  return body.code
}
