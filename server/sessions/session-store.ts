/**
 * Classroom sessions, kept in Redis so every server instance sees the same ones: a join code, the room the
 * class works in, the host (who proves it with a secret only their browser holds), the participants (a
 * stable id and a display name each), what everyone's screen shows, whether participants may fire requests,
 * and the current prediction poll. Sessions end after SESSION_IDLE_MS without activity (their keys expire).
 */
import { randomBytes, randomInt } from 'node:crypto'
import type { Redis } from 'ioredis'
import { roomKeys } from '../../lib/keys'
import { LIMITS } from '../../lib/limits'
import { CODE_ALPHABET, CODE_LENGTH, type Poll, type SessionState } from '../../lib/session'
import { cutGraphemes } from '../../lib/text'
import { errors } from '../engine/errors'
import type { ClassroomMarks } from './classroom-marks'
import { CodeGuard } from './code-guard'
import { hashSecret, secretMatches } from './host-secret'
import { SecretGuard } from './secret-guard'

export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000

const key = {
  session: (code: string) => `cachelab:session:${code}`,
  participants: (code: string) => `cachelab:session:${code}:participants`,
  answers: (code: string, poll: string) => `cachelab:session:${code}:poll:${poll}`,
}

export function newCode(): string {
  let code = ''
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]
  return code
}


export interface Participant {
  id: string
  name: string
  joinedAt: number
}

export class SessionStore {
  /** Holds back guessing of codes: lookups by code from outside go through it. */
  readonly guard = new CodeGuard()
  /** Holds back forged host secrets, per address and per session. */
  readonly secrets = new SecretGuard()

  /** `marks`: where rooms are marked as classrooms' (the database); without it, only the room's Redis metadata. */
  constructor(
    private readonly redis: Redis,
    readonly marks?: ClassroomMarks,
  ) {}

  /** A new session for a room: its code and the host's secret (returned once, stored only as a hash). */
  async create(room: string, lab: string): Promise<{ code: string; hostSecret: string }> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const code = newCode()
      const hostSecret = randomBytes(24).toString('hex')
      const state: SessionState = {
        code,
        room,
        lab,
        step: 0,
        participation: 'watch',
        poll: null,
        endedAt: null,
      }
      const created = await this.redis.set(
        key.session(code),
        JSON.stringify({ state, hostHash: hashSecret(hostSecret) }),
        'PX',
        SESSION_IDLE_MS,
        'NX',
      )
      if (created) return { code, hostSecret }
    }
    throw new Error('could not find a free session code')
  }

  async get(code: string): Promise<{ state: SessionState; hostHash: string } | undefined> {
    const raw = await this.redis.get(key.session(code))
    return raw ? (JSON.parse(raw) as { state: SessionState; hostHash: string }) : undefined
  }

  async state(code: string): Promise<SessionState> {
    const s = await this.get(code)
    if (!s) throw errors.unknownSession(code)
    return s.state
  }

  /**
   * The session's state if `secret` is its host's. The right secret is never refused, whatever others from
   * the same address or on the same session have got wrong. A failure (no such session: E_UNKNOWN_SESSION,
   * a wrong secret: E_FORBIDDEN) is counted, against `from`'s code guesses or against the secret budgets of
   * `from` and of the session; once one is spent every failure is answered E_LIMIT alike, so the refusal
   * does not tell whether the code exists. `from` is the client's address when known.
   */
  async checkHost(code: string, secret: string, from?: string): Promise<SessionState> {
    const s = await this.get(code)
    if (s && secretMatches(s.hostHash, secret)) return s.state
    if ((from !== undefined && this.guard.exhausted(from)) || this.secrets.exhausted(code, from))
      throw errors.tooMany(
        'Too many wrong codes or host secrets from this address, or wrong host secrets for this session; wait a minute. The host’s own browser is not held back.',
      )
    if (!s) {
      if (from !== undefined) this.guard.miss(from)
      throw errors.unknownSession(code)
    }
    this.secrets.wrong(code, from)
    throw errors.forbidden('Only the host can do that.')
  }

  /**
   * A session's state, looked up by code from `from` (a client address). Lookups go through the code guard,
   * except from someone who proves they were let in before, whose address has spent its guesses (a class
   * behind one NAT address): the host with the right secret, or a participant with the id this session gave
   * them (96 random bits, as unguessable as the secret). A proof that fails counts as a forged secret and is
   * refused E_LIMIT like any other lookup from there, so it tells nothing.
   */
  async lookup(code: string, from: string, proof: { secret?: string; participant?: string } = {}): Promise<SessionState> {
    if (this.guard.exhausted(from)) {
      if (proof.secret) return this.checkHost(code, proof.secret, from)
      if (proof.participant) {
        const s = await this.get(code)
        if (s && (await this.participant(code, proof.participant))) return s.state
        if (s && !this.secrets.exhausted(code, from)) this.secrets.wrong(code, from)
      }
    }
    return this.guard.lookup(from, () => this.state(code))
  }

  /** Changes the session's state (and keeps it alive for another idle period). */
  async update(code: string, change: (state: SessionState) => SessionState): Promise<SessionState> {
    const s = await this.get(code)
    if (!s) throw errors.unknownSession(code)
    const state = change(s.state)
    await this.redis.set(key.session(code), JSON.stringify({ state, hostHash: s.hostHash }), 'PX', SESSION_IDLE_MS)
    await this.redis.pexpire(key.participants(code), SESSION_IDLE_MS)
    return state
  }

  /**
   * A participant joins (or comes back: a known id keeps its name unless a new one is given). Names arrive
   * checked by the protocol's schema (lib/text.ts); the cut here only guards callers that skip it, and cuts
   * between user-perceived characters, never inside one. Stored as plain text; the browser renders them as text.
   */
  async join(code: string, name: string, id?: string): Promise<Participant> {
    if (!(await this.get(code))) throw errors.unknownSession(code)
    const existing = id ? await this.participant(code, id) : undefined
    const clean = cutGraphemes(name.trim(), LIMITS.nameLength)
    const participant: Participant = existing
      ? { ...existing, name: clean || existing.name }
      : { id: randomBytes(12).toString('hex'), name: clean, joinedAt: Date.now() }
    if (!participant.name) throw errors.invalid('A display name is needed to join.')
    await this.redis
      .multi()
      .hset(key.participants(code), participant.id, JSON.stringify(participant))
      .pexpire(key.participants(code), SESSION_IDLE_MS)
      .exec()
    return participant
  }

  async participant(code: string, id: string): Promise<Participant | undefined> {
    const raw = await this.redis.hget(key.participants(code), id)
    return raw ? (JSON.parse(raw) as Participant) : undefined
  }

  async participants(code: string): Promise<Participant[]> {
    const all = await this.redis.hvals(key.participants(code))
    return all.map((raw) => JSON.parse(raw) as Participant).sort((a, b) => a.joinedAt - b.joinedAt)
  }

  /** Records a participant's answer to the open poll (one per participant; a new answer replaces it). */
  async answer(code: string, poll: Poll, participant: string, option: number): Promise<void> {
    if (option < 0 || option >= poll.options.length) throw errors.invalid(`No option ${option} in this poll.`)
    await this.redis
      .multi()
      .hset(key.answers(code, poll.id), participant, String(option))
      .pexpire(key.answers(code, poll.id), SESSION_IDLE_MS)
      .exec()
  }

  /** How many participants chose each option. */
  async tally(code: string, poll: Poll): Promise<number[]> {
    const answers = await this.redis.hvals(key.answers(code, poll.id))
    const counts = poll.options.map(() => 0)
    for (const a of answers) {
      const i = Number(a)
      if (Number.isInteger(i) && i >= 0 && i < counts.length) counts[i]! += 1
    }
    return counts
  }

  /**
   * Marks a room as a session's, so it can only be entered through the session: in the database with the
   * host secret's hash (answered while Redis is down, and after the session's keys expired), and in the
   * room's Redis metadata.
   */
  async markRoom(room: string, code: string): Promise<void> {
    const session = await this.get(code)
    if (!session) throw errors.unknownSession(code)
    await this.marks?.mark(room, { code, hostHash: session.hostHash })
    await this.redis.hset(roomKeys(room).meta, 'session', code)
  }

  /**
   * The code of the session a room belongs to, if it does. With the database's marks this never asks Redis,
   * and a classroom's room stays one after its session ended; without them, only while the session exists.
   */
  async sessionOfRoom(room: string): Promise<string | undefined> {
    if (this.marks) return (await this.marks.of(room))?.code
    const code = await this.redis.hget(roomKeys(room).meta, 'session')
    if (!code) return undefined
    return (await this.redis.exists(key.session(code))) ? code : undefined
  }

  /** Forgets a session at once (its keys would expire after SESSION_IDLE_MS anyway). */
  async remove(code: string): Promise<void> {
    await this.redis.del(key.session(code), key.participants(code))
  }

  async end(code: string): Promise<void> {
    await this.update(code, (s) => ({ ...s, endedAt: Date.now(), participation: 'watch' }))
  }
}
