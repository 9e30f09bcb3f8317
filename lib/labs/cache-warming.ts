/**
 * The cache-warming lab: a cold start's miss storm, the same load on a cache warmed at startup, and a
 * scheduled refresh of what is trending. Content and the shapes the engine publishes; action schemas in
 * cache-warming-actions.ts, the engine's side in server/engine/labs/cache-warming.ts.
 */
import type { LabSpec } from './types'

/** The lab's bounds and defaults, read by the action schemas and the controls alike. */
export const WARMING = {
  /** The read load: reads per second and seconds per run. */
  minRps: 10,
  maxRps: 400,
  defaultRps: 100,
  minSeconds: 2,
  maxSeconds: 10,
  defaultSeconds: 5,
  defaultSeed: 7,
  /** The first seconds whose hit ratio the comparison puts side by side. */
  firstSeconds: 2,
  /** How many of the most liked posts are trending (warmed and refreshed). */
  defaultTopN: 25,
  maxTopN: 200,
  topNOptions: [10, 25, 50, 100],
  /** TTL of every key the lab caches, seconds. */
  defaultTtlSeconds: 60,
  maxTtlSeconds: 3600,
  ttlOptions: [3, 10, 30, 60],
  /** The scheduled refresh's interval, seconds. */
  minIntervalSeconds: 2,
  maxIntervalSeconds: 60,
  defaultIntervalSeconds: 5,
  intervalOptions: [2, 5, 10, 30],
  /** A schedule stops itself after this many runs (a forgotten tab does not refresh for ever). */
  maxScheduledRuns: 300,
  /** Scheduled runs the state lists. */
  listedRuns: 8,
  /** The least-liked seed post: the default post a boost sends to the top. */
  boostDefaultLikes: 100,
} as const

export type RunMode = 'cold' | 'warmed'

/** One second of a run: reads issued in it, how many hit, how many went to the database. */
export interface RunSecond {
  s: number
  reads: number
  hits: number
  dbReads: number
}

export interface RunResult {
  mode: RunMode
  seed: number
  rps: number
  seconds: number
  /** True while the load is still running (the seconds so far). */
  running: boolean
  at: number
  reads: number
  hits: number
  dbReads: number
  /** Hit ratio over all reads and over the first WARMING.firstSeconds, 0..1 (null before any read). */
  hitRatio: number | null
  firstHitRatio: number | null
  p50Ms: number | null
  p99Ms: number | null
  perSecond: RunSecond[]
  /** The warming that ran before the load (warmed runs only). */
  warm?: { ms: number; keys: number; users: number; posts: number }
}

export interface ScheduledRun {
  n: number
  at: number
  ms: number
  keys: number
  /** Posts that entered and left the trending list since the previous run. */
  added: number[]
  dropped: number[]
}

export interface TrendingPost {
  id: number
  title: string
  likes: number
}

export interface WarmingLabState {
  topN: number
  ttlSeconds: number
  load: { rps: number; seconds: number; seed: number }
  /** The run in progress, if any. */
  running: RunMode | null
  runs: Partial<Record<RunMode, RunResult>>
  schedule: {
    on: boolean
    intervalSeconds: number
    /** When the next run starts (ms since the epoch, server clock), and the server's clock when published. */
    nextRunAt: number | null
    now: number
    /** The interval while on, null while off (what the control shows). */
    every: number | null
    count: number
    runs: ScheduledRun[]
    /** The post ids the last refresh SET (null before the first). */
    refreshed: number[] | null
  }
  /** What the database says is trending (the most liked posts), as last read. */
  trending: TrendingPost[]
  stats: { label: string; value: string | number; hint?: string; warn?: boolean }[]
  dbLatencyMs: number
  dbJitterMs: number
}

/** Gauge events the engine records (the timeline shows them; demos measure them). */
export const warmingGauge = {
  /** One second of a run: its hit ratio, in percent. */
  perSecond: (mode: RunMode) => `${mode} hit ratio`,
  /** A run's first seconds, in percent. */
  firstSeconds: (mode: RunMode) => `${mode} hit ratio, first ${WARMING.firstSeconds} s`,
  warmingMs: 'warming time',
}

export const warmingLab: LabSpec = {
  id: 'cache-warming',
  title: 'Cache warming',
  tagline:
    'Start cold and watch the miss storm, start warmed and watch the same load hit, then keep the trending posts warm on a schedule.',
  intro:
    "A cache that has just started (a deploy, a restart, a new region, a flushed Redis) is empty, and every first read of a key is a miss and a database query, all at once. Warming loads the keys readers will ask for before they ask: the popular users and the trending posts. This lab replays the same seeded Zipf read load over 100 users and 500 posts on a cold cache and on a warmed one, side by side, then refreshes the trending posts on a schedule and shows the refresh picking up a post that has just started trending.",
  sources: ['server/engine/strategies/warming.ts', 'server/engine/strategies/zipf-load.ts', 'server/engine/labs/cache-warming.ts'],
  codeFor: {
    run: 'warmTop',
    read: 'readCached',
    refresh: 'refreshTrending',
    schedule: 'refreshTrending',
    boost: 'boostPost',
  },
  controls: [
    {
      kind: 'choice',
      label: 'Trending posts (warmed and refreshed)',
      action: 'setTopN',
      param: 'n',
      state: 'topN',
      options: WARMING.topNOptions.map((n) => ({ value: n, label: `top ${n}` })),
    },
    {
      kind: 'choice',
      label: 'Scheduled warming',
      action: 'schedule',
      param: 'intervalSeconds',
      state: 'schedule.every',
      options: [
        { value: null, label: 'off' },
        ...WARMING.intervalOptions.map((s) => ({ value: s, label: `every ${s} s` })),
      ],
    },
    {
      kind: 'group',
      label: 'Trending',
      controls: [
        { kind: 'button', label: 'Refresh now', action: 'refresh' },
        {
          kind: 'button',
          label: 'Boost post 500',
          action: 'boost',
          params: { postId: 500 },
          title: 'Give the least liked post enough likes to top the trending list (in the database only)',
        },
      ],
    },
    {
      kind: 'choice',
      label: 'Database latency',
      action: 'dbLatency',
      param: 'ms',
      state: 'dbLatencyMs',
      options: [
        { value: 0, label: '0 ms' },
        { value: 20, label: '20 ms' },
        { value: 100, label: '100 ms', title: 'Misses cost 100 ms, and concurrent misses on one hot key each query the database' },
      ],
    },
    {
      kind: 'choice',
      label: 'TTL of cached keys',
      action: 'setTtl',
      param: 'seconds',
      state: 'ttlSeconds',
      options: WARMING.ttlOptions.map((s) => ({ value: s, label: `${s} s` })),
    },
  ],
  classAction: { action: 'read' },
  walkthrough: [
    {
      id: 'cold',
      title: 'A cold start',
      body: `The app has just started and Redis is empty. Readers do not wait: ${WARMING.defaultRps} reads a second arrive at once, most of them for a few popular users and trending posts (a Zipf distribution, as real traffic is).\n\nEvery first read of a key misses and goes to the database. Watch the timeline fill with misses and queries, and the hit ratio start low and climb as the cache fills itself, one miss at a time.`,
      task: 'Press "Cold start".',
      run: [{ action: 'run', params: { warm: false } }],
      look: 'panels',
      done: { kind: 'gauge', data: { name: warmingGauge.firstSeconds('cold') } },
    },
    {
      id: 'warm',
      title: 'Warm it first',
      body: "Now the same start, but before the load the app loads the popular users (the users table's `popular` column) and the 25 most liked posts: two queries and one pipeline of SETs, a single round trip to Redis. The panel shows how long that took.\n\nThe load is the very same reads in the very same order (same seed). This time the hot keys are already there.",
      task: 'Press "Warm start".',
      run: [{ action: 'run', params: { warm: true } }],
      look: 'panels',
      done: { kind: 'gauge', data: { name: warmingGauge.firstSeconds('warmed') } },
    },
    {
      id: 'compare',
      title: 'Cold and warmed, side by side',
      body: `Compare the two runs: the hit ratio of the first ${WARMING.firstSeconds} seconds, the database reads, the latency. Warming did not make the cache bigger or the database faster; it moved the misses to before the traffic, where nobody waits for them.\n\nWarming is not free: it reads rows nobody may ask for, and it only pays off for keys that are hot. Try "top 100" and compare the warming time with what it buys.\n\nThen give the database 100 ms of latency and run both again: every cold miss now costs a reader 100 ms, and a read of a hot key that arrives while its first miss is still at the database misses too and sends another query. The warmed run's hot keys answer from the cache at once.`,
      look: 'panels',
    },
    {
      id: 'schedule',
      title: 'Keep the hot keys warm',
      body: 'Warming once at startup is not enough: keys expire, and what is trending changes. A scheduled job re-reads what is trending from the database every few seconds and SETs it again with a fresh TTL. Each run appears on the timeline as a request labelled "scheduled refresh", and the panel counts down to the next.',
      task: 'Pick "every 5 s" under "Scheduled warming".',
      run: [{ action: 'schedule', params: { on: true, intervalSeconds: 5 } }],
      look: 'panels',
      done: { kind: 'request', data: { action: 'refresh' } },
    },
    {
      id: 'boost',
      title: 'Something new starts trending',
      body: 'Post 500 is the least liked post, so it is not in the cache. Give it enough likes to top the list: this writes the database only, and tells the cache nothing.',
      task: 'Press "Boost post 500".',
      run: [{ action: 'boost', params: { postId: 500 } }],
      look: 'panels',
      done: { kind: 'update', key: 'post:500' },
    },
    {
      id: 'picked-up',
      title: 'The next refresh picks it up',
      body: "The schedule asks the database what is trending, so within one interval `post:500` is SET in the cache, before its readers ask for it, and the panel lists it as new in that run. A post that fell out of the top is no longer refreshed: its key is left to its TTL.",
      task: 'Wait for the next scheduled refresh.',
      look: 'timeline',
      done: { kind: 'set', key: 'post:500' },
    },
    {
      id: 'ttl-vs-interval',
      title: 'The TTL must outlast the interval',
      body: 'Set the TTL to 3 s while the schedule runs every 5 s: each refreshed key now expires two seconds before the next run, and reads in that gap miss (the `expired` events are Redis\'s own). A refresh interval shorter than the TTL keeps hot keys permanently warm; the interval, not the TTL, then bounds how stale a refreshed key can be.',
      task: 'Pick TTL "3 s" and watch the trending keys expire between runs.',
      run: [{ action: 'setTtl', params: { seconds: 3 } }, { action: 'refresh' }],
      look: 'timeline',
      done: { kind: 'expired' },
    },
    {
      id: 'stop',
      title: 'Stop the schedule',
      body: 'A scheduled job is load on the database whether anyone reads or not: refresh what is hot, as often as its staleness matters, and no more. Stop the schedule (leaving this lab stops it too).',
      task: 'Pick "off" under "Scheduled warming".',
      run: [{ action: 'schedule', params: { on: false } }, { action: 'setTtl', params: { seconds: 60 } }],
      look: 'controls',
      done: { kind: 'setting', data: { name: 'schedule', value: 'off' } },
    },
  ],
  questions: [
    {
      id: 'what-is-cache-warming',
      question: 'What is cache warming?',
      answer:
        'Loading the cache with the data readers are about to ask for before they ask: at startup, the popular users and the trending posts, read from the database in a few queries and written to Redis in one pipeline. Without it a fresh cache sends every first read to the database at once, exactly when the app is starting.',
      tradeoff:
        'It moves the misses to before the traffic, where nobody waits for them, but it reads rows nobody may ask for and delays startup a little; it pays off only for the hot head of the traffic.',
      demo: 'warm-vs-cold',
    },
    {
      id: 'what-to-warm',
      question: 'What should you warm, and how much?',
      answer:
        'The hot head of the traffic: reads follow a long-tailed (Zipf) distribution, so a few popular users and trending posts take most of the reads. Warm those, chosen by something the database knows (a popular flag, likes, views), and let cache-aside fill the long tail on demand.',
      tradeoff:
        'Warming more keys costs startup time, database reads and memory for keys that may never be read; warming too few leaves the first seconds cold.',
      demo: 'warm-vs-cold',
    },
    {
      id: 'scheduled-warming',
      question: 'How do you keep hot data warm after startup, as what is popular changes?',
      answer:
        'A scheduled job: every interval it asks the database what is hot right now (the trending query) and SETs those keys again with a fresh TTL. A post that has just started trending is cached on the next run, before its readers arrive; one that dropped out is no longer refreshed and leaves with its TTL.',
      tradeoff:
        'Each run is database load whether anyone reads or not, and a key can be as old as one interval; a shorter interval means fresher keys and more queries.',
      demo: 'scheduled-refresh',
    },
    {
      id: 'refresh-interval-vs-ttl',
      question: 'How often should you refresh the cache: how do the refresh interval, the TTL and staleness relate?',
      answer:
        'By how stale the data may be: trending content minutes, profiles an hour, static content a day. With scheduled refresh the interval bounds the staleness (a change waits at most one interval), and the TTL must be longer than the interval, or keys expire between runs and reads miss. The TTL stays as the safety net if the job stops.',
      tradeoff:
        'A short interval keeps data fresh at the cost of constant queries; a TTL shorter than the interval wastes the refresh; a TTL far longer than the interval keeps stale data alive if the job dies.',
      demo: 'interval-vs-ttl',
    },
  ],
  demos: [
    {
      id: 'warm-vs-cold',
      title: 'The same seeded load hits more on a warmed cache than on a cold one',
      steps: [
        { do: { action: 'reset' } },
        { phase: 'cold' },
        { say: 'Cold start: the cache is emptied and 100 reads/s (Zipf, seed 7) start for 3 s.' },
        { do: { action: 'run', params: { warm: false, rps: 100, seconds: 3, seed: 7 } } },
        { phase: 'warmed' },
        { say: 'Warm start: the cache is emptied, warmed with the popular users and the top 25 posts, then the same reads start.' },
        { do: { action: 'run', params: { warm: true, rps: 100, seconds: 3, seed: 7 } } },
      ],
      checks: [
        {
          text: 'Warming SET the popular users and trending posts in one pipeline before the load',
          measure: { match: { kind: 'command', data: { cmd: 'PIPELINE SET PX' } }, phase: 'warmed' },
          min: 1,
          max: 1,
        },
        {
          text: 'The warmed run hit the cache more often than the cold run, on the same reads',
          left: { match: { kind: 'hit' }, phase: 'warmed' },
          op: 'gt',
          right: { match: { kind: 'hit' }, phase: 'cold' },
        },
        {
          text: 'Its first seconds had a higher hit ratio',
          left: { match: { kind: 'gauge', data: { name: warmingGauge.firstSeconds('warmed') } }, of: 'max', field: 'value' },
          op: 'gt',
          right: { match: { kind: 'gauge', data: { name: warmingGauge.firstSeconds('cold') } }, of: 'max', field: 'value' },
        },
        {
          text: 'and sent fewer reads to the database (the warming queries included)',
          left: { match: { kind: 'query' }, phase: 'warmed' },
          op: 'lt',
          right: { match: { kind: 'query' }, phase: 'cold' },
        },
      ],
    },
    {
      id: 'scheduled-refresh',
      title: 'A scheduled refresh caches a post as soon as it starts trending',
      steps: [
        { do: { action: 'reset' } },
        { phase: 'before' },
        { say: 'Refresh the trending posts every 2 s.' },
        { do: { action: 'schedule', params: { on: true, intervalSeconds: 2 } } },
        { waitFor: { kind: 'request', data: { action: 'refresh' } }, timeoutMs: 8000 },
        { phase: 'boost' },
        { say: 'Post 500, the least liked, gets enough likes to top the list: a database write, the cache is not told.' },
        { do: { action: 'boost', params: { postId: 500 } } },
        { waitFor: { kind: 'set', key: 'post:500' }, timeoutMs: 8000 },
        { phase: 'read' },
        { say: 'Its first reader finds it already cached.' },
        { do: { action: 'read', params: { entity: 'post', id: 500 } } },
        { do: { action: 'schedule', params: { on: false } } },
      ],
      checks: [
        {
          text: 'Before the boost the schedule did not cache post 500',
          measure: { match: { kind: 'set', key: 'post:500' }, phase: 'before' },
          max: 0,
        },
        {
          text: 'After the boost a scheduled refresh SET post:500, nobody having read it',
          measure: { match: { kind: 'set', key: 'post:500' }, phase: 'boost' },
          min: 1,
        },
        {
          text: 'The first read of post 500 was a hit',
          measure: { match: { kind: 'hit', key: 'post:500' }, phase: 'read' },
          min: 1,
        },
        {
          text: 'and served the boosted version, not a stale one',
          measure: { match: { kind: 'stale-read' }, phase: 'read' },
          max: 0,
        },
      ],
    },
    {
      id: 'interval-vs-ttl',
      title: 'The interval bounds staleness; a TTL shorter than the interval lets keys expire between runs',
      steps: [
        { do: { action: 'reset' } },
        { say: 'TTL 30 s, refresh every 3 s. Post 27 is the most liked post.' },
        { do: { action: 'schedule', params: { on: true, intervalSeconds: 3 } } },
        { do: { action: 'refresh' } },
        { do: { action: 'read', params: { entity: 'post', id: 27 } } },
        { phase: 'stale' },
        { say: 'Post 27 gets more likes in the database; the cache is not told, so reads are stale until the next run.' },
        { do: { action: 'boost', params: { postId: 27, likes: 10 } } },
        { do: { action: 'read', params: { entity: 'post', id: 27 } } },
        { waitFor: { kind: 'set', key: 'post:27' }, timeoutMs: 8000 },
        { phase: 'fresh' },
        { do: { action: 'read', params: { entity: 'post', id: 27 } } },
        { phase: 'short-ttl' },
        { say: 'Now a 2 s TTL under the same 3 s interval: each refreshed key expires a second before the next run.' },
        { do: { action: 'setTtl', params: { seconds: 2 } } },
        { do: { action: 'refresh' } },
        { waitFor: { kind: 'expired', key: 'post:27' }, timeoutMs: 6000 },
        { do: { action: 'read', params: { entity: 'post', id: 27 } } },
        { do: { action: 'schedule', params: { on: false } } },
      ],
      checks: [
        {
          text: 'Between the write and the next run, the cached post was stale',
          measure: { match: { kind: 'stale-read', key: 'post:27' }, phase: 'stale' },
          min: 1,
        },
        {
          text: 'The next scheduled run replaced it without anyone invalidating it',
          measure: { match: { kind: 'set', key: 'post:27' }, phase: 'stale' },
          min: 1,
        },
        {
          text: 'After that run the read was a fresh hit',
          measure: { match: { kind: 'stale-read' }, phase: 'fresh' },
          max: 0,
        },
        {
          text: 'With the TTL shorter than the interval, Redis expired the refreshed key before the next run',
          measure: { match: { kind: 'expired', key: 'post:27', src: 'redis' }, phase: 'short-ttl' },
          min: 1,
        },
        {
          text: 'and the read in that gap missed',
          measure: { match: { kind: 'miss', key: 'post:27' }, phase: 'short-ttl' },
          min: 1,
        },
      ],
    },
  ],
}

/** A 0..1 ratio as a percentage, or a dash. */
export function formatRatio(r: number | null | undefined): string {
  return r === null || r === undefined ? '—' : `${(r * 100).toFixed(1)}%`
}
