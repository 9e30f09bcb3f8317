/**
 * The interview section's content: every lab's questions (answers, trade-offs and the demos that prove them
 * live in the labs), tagged by topic, tied to the numbered questions of the material we teach, and given the
 * lab figure worth quoting in an interview. Plain data, shared by the pages and the tests.
 */
import { LABS } from './labs/catalogue'
import type { Question } from './labs/types'

export const TOPICS = {
  basics: 'Basics',
  ttl: 'TTL and refresh',
  writes: 'Writes',
  'many-keys': 'Many keys',
  events: 'Events and several servers',
  stampede: 'Stampedes',
  warming: 'Warming',
  failures: 'Failures',
  versioning: 'Versioning',
  races: 'Races',
} as const
export type Topic = keyof typeof TOPICS

/** The interview questions of the material we teach, by number. Each must be answered by some lab question. */
export const MATERIAL_QUESTIONS: Record<number, string> = {
  1: 'What is cache invalidation?',
  2: 'What is a cache stampede?',
  3: 'How do you prevent a stampede with locking?',
  4: 'Delete or update the cache on a write?',
  5: 'Why always set a TTL?',
  6: 'What is cache warming?',
  7: 'How do you invalidate many related keys?',
  8: 'What is soft vs hard expiration?',
  9: 'Should you invalidate when the database update fails?',
  10: 'What is probabilistic early expiration?',
  11: 'How do you handle invalidation failures?',
  12: 'What is event-driven invalidation?',
  13: 'Should you cache without a TTL?',
  14: 'What is cache versioning?',
  15: 'How often should you refresh the cache?',
}

export interface QuestionMeta {
  topics: Topic[]
  /** The material's question this answers, when it answers one (follow-ups answer none). */
  material?: number
  /** A figure measured in the lab that makes the answer concrete. */
  figure?: string
}

/** Topics, material number and a lab figure for every lab question, by question id. */
export const QUESTION_META: Record<string, QuestionMeta> = {
  'what-is-cache-invalidation': { topics: ['basics', 'ttl'], material: 1 },
  'why-always-set-ttl': { topics: ['ttl', 'failures'], material: 5 },
  'cache-without-ttl': { topics: ['ttl'], material: 13 },
  'how-often-refresh': { topics: ['ttl'], material: 15 },
  'delete-vs-update': {
    topics: ['writes'],
    material: 4,
    figure:
      'with 100 ms of database latency, the read after a write took ~0.3 ms after update-on-write (a hit) and ~103 ms after delete-on-write (a miss)',
  },
  'update-wastes-work': {
    topics: ['writes'],
    figure:
      'in a write-heavy burst (45 writes, 5 reads), update-on-write stored 45 values of which 40 were overwritten or expired unread',
  },
  'invalidate-on-db-failure': { topics: ['writes', 'failures'], material: 9 },
  'invalidation-failure': { topics: ['failures'], material: 11 },
  'write-through-worth-it': {
    topics: ['writes'],
    figure:
      'write-through writes took ~206 ms against ~103 ms for delete-on-write (100 ms database latency), and every next read hit',
  },
  'write-through-cache-failure': { topics: ['writes', 'failures'] },
  'write-through-ttl': { topics: ['writes', 'ttl'] },
  'event-driven-invalidation': { topics: ['events'], material: 12 },
  'lost-invalidation-message': {
    topics: ['events', 'failures'],
    figure:
      'in the compare-all-modes run, Pub/Sub lost 1 message to a server that was down and ended with 4 stale reads; the stream lost none',
  },
  'publisher-crash-after-commit': {
    topics: ['events', 'failures'],
    figure: 'after a writer crash, the stream mode left 3 servers stale; the outbox mode left none',
  },
  'at-least-once-invalidation': { topics: ['events', 'failures'] },
  'invalidate-related-keys': { topics: ['many-keys'], material: 7 },
  'why-not-keys': {
    topics: ['many-keys'],
    figure:
      'KEYS cost about 0.3 µs a key here (33 ms over 100,000 keys); another client’s PING waited 11–41 ms during it, against 1–4 ms during a SCAN loop',
  },
  'scan-duplicates': {
    topics: ['many-keys'],
    figure:
      'with the table resized mid-walk, SSCAN returned 14–19 members twice over three walks; deleting them twice changed nothing',
  },
  'what-is-cache-versioning': { topics: ['versioning'], material: 14 },
  'old-generation': {
    topics: ['versioning', 'ttl'],
    figure:
      '20 cached users took about 10 KB per generation; without a TTL every old generation keeps its share for ever',
  },
  'stale-write-back': { topics: ['races', 'writes'] },
  'double-delete-enough': { topics: ['races', 'writes'] },
  'leases-how': { topics: ['races', 'stampede'] },
  'bp-why-always-ttl': {
    topics: ['ttl', 'failures'],
    material: 5,
    figure:
      'the same missed invalidation: the key with a 5 s TTL was read fresh within 5 s, the key without one was still stale when the demo ended',
  },
  'bp-cache-without-ttl': {
    topics: ['ttl'],
    material: 13,
    figure:
      '7 s after 6 s of post reads stopped, the arm without a TTL still held 104 keys; the arm with a 5 s TTL held none',
  },
  'bp-versioning-needs-ttl': { topics: ['versioning', 'ttl'], material: 14 },
  'bp-invalidation-failures': {
    topics: ['failures'],
    material: 11,
    figure:
      'with Redis refused for the room, ~14k reads and ~1.5k writes from 16 clients all answered ok (read p99 ~60 ms with 20 ms of database latency); the first cache hit came within 0.9 s of Redis returning',
  },
  'bp-db-failing': { topics: ['writes', 'failures'], material: 9 },
  'bp-combine': {
    topics: ['events', 'failures', 'ttl'],
    figure:
      'a lost event left app2 stale for ~1.8 s (8 reads) until its 2 s L1 TTL; without TTLs a failed write-through stayed stale for the whole 8 s run (64 reads)',
  },
  'bp-monitoring': { topics: ['failures'] },
  'what-is-cache-warming': {
    topics: ['warming'],
    material: 6,
    figure:
      'on the same seeded Zipf load (100 reads/s), a warm start hit about 59% in its first 2 s against about 44% cold, after 10–40 ms of warming (35 keys, one pipeline)',
  },
  'what-to-warm': { topics: ['warming'] },
  'scheduled-warming': { topics: ['warming', 'ttl'] },
  'refresh-interval-vs-ttl': { topics: ['warming', 'ttl'] },
  'what-is-stampede': {
    topics: ['stampede'],
    material: 2,
    figure:
      'a 1000-request burst on an expired key with 50 ms of database latency made 1000 database queries, all 1000 in flight at the peak',
  },
  lock: {
    topics: ['stampede'],
    material: 3,
    figure: 'the same burst behind a lock made 1 query and finished in 0.13–0.22 of the unprotected burst’s time',
  },
  'holder-dies': { topics: ['stampede', 'failures'] },
  coalescing: {
    topics: ['stampede', 'events'],
    figure:
      'single flight in one app server: 1 query, 0.07–0.09 of the unprotected time; with several app servers, one query per server',
  },
  'soft-hard': {
    topics: ['stampede', 'ttl'],
    material: 8,
    figure: 'past its soft expiry a key served 1000 requests stale at once while 1 background query refreshed it',
  },
  'early-expiration': { topics: ['stampede', 'ttl'], material: 10 },
}

export interface InterviewQuestion extends Question {
  lab: string
  labTitle: string
  meta: QuestionMeta
}

/** Every question of every lab, in catalogue order, with its metadata. */
export function interviewQuestions(): InterviewQuestion[] {
  return LABS.flatMap((lab) =>
    lab.questions.map((q) => ({ ...q, lab: lab.id, labTitle: lab.title, meta: QUESTION_META[q.id] ?? { topics: [] } })),
  )
}

/** Where "show me" goes: the lab, told to run the demo, scrolled to the question. */
export function showMeHref(q: Pick<InterviewQuestion, 'lab' | 'demo' | 'id'>): string {
  return `/labs/${q.lab}?run=${encodeURIComponent(q.demo)}#q-${q.id}`
}

/** A learner's marks, kept in the browser. */
export type Grade = 'got-it' | 'partly' | 'missed'
export interface Progress {
  /** Last grade and how many times each question was practised. */
  questions: Record<string, { grade: Grade; attempts: number; at: number }>
}

export const PROGRESS_KEY = 'cachelab.interview'

/** Topics where the learner's latest grades are weakest, worst first (ignoring topics not practised). */
export function weakTopics(
  progress: Progress,
  questions: readonly InterviewQuestion[],
): { topic: Topic; score: number; practised: number }[] {
  const score: Record<Grade, number> = { 'got-it': 1, partly: 0.5, missed: 0 }
  const byTopic = new Map<Topic, number[]>()
  for (const q of questions) {
    const p = progress.questions[q.id]
    if (!p) continue
    for (const t of q.meta.topics) byTopic.set(t, [...(byTopic.get(t) ?? []), score[p.grade]])
  }
  return [...byTopic.entries()]
    .map(([topic, s]) => ({ topic, score: s.reduce((a, b) => a + b, 0) / s.length, practised: s.length }))
    .filter((t) => t.score < 1)
    .sort((a, b) => a.score - b.score || b.practised - a.practised)
}

/** A quiz session: `n` questions from the chosen topics (all if none), shuffled by `random`. */
export function quizSession(
  questions: readonly InterviewQuestion[],
  n: number,
  topics: readonly Topic[],
  random: () => number = Math.random,
): InterviewQuestion[] {
  const pool = questions.filter((q) => topics.length === 0 || q.meta.topics.some((t) => topics.includes(t)))
  const shuffled = [...pool]
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!]
  }
  return shuffled.slice(0, Math.max(1, n))
}
