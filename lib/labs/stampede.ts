/**
 * The stampede lab: a real burst of concurrent reads at a key as it expires, with each way of preventing the
 * stampede side by side. Content and the shapes the engine publishes; action schemas in stampede-actions.ts,
 * the pure rules in stampede-math.ts, the engine's side in server/engine/labs/stampede.ts.
 */
import type { StrategyId } from './stampede-math'
import type { LabSpec } from './types'

/** What the server allows (the actions' schemas read these; so do the controls). */
export const STAMPEDE_LIMITS = {
  burstRequests: 5000,
  rampMs: 10_000,
  keys: 100,
  servers: 8,
  ttlMs: 120_000,
  lockTtlMs: 10_000,
  maxWaitMs: 20_000,
  beta: 10,
} as const

export type BurstStart = 'expired' | 'expiring' | 'as-is'

export interface BurstShape {
  n: number
  /** 0: all at once; else request i starts at i · rampMs / (n − 1). */
  rampMs: number
  keys: number
  distribution: 'uniform' | 'zipf'
  /** The keys' state when the burst starts: just expired, expiring expireInMs into it, or left as they are. */
  start: BurstStart
  expireInMs: number
}

export interface StampedeLabState {
  strategy: StrategyId
  servers: number
  ttlMs: number
  softTtlMs: number
  lockTtlMs: number
  maxWaitMs: number
  beta: number
  leaseServesStale: boolean
  /** Lock waiters poll with jittered backoff, or wait for the holder's notification. */
  lockWait: 'backoff' | 'notify'
  burst: BurstShape
  /** The "lock holder dies" fault is armed for the next lock or lease winner. */
  holderDies: boolean
  /** The burst running now, if any. */
  running: { id: string; strategy: StrategyId; total: number } | null
  dbLatencyMs: number
  dbJitterMs: number
}

export const DEFAULT_BURST: BurstShape = {
  n: 1000,
  rampMs: 0,
  keys: 1,
  distribution: 'uniform',
  start: 'expired',
  expireInMs: 1000,
}

export const STAMPEDE_DEFAULTS: Omit<StampedeLabState, 'running' | 'holderDies' | 'dbLatencyMs' | 'dbJitterMs'> = {
  strategy: 'none',
  servers: 1,
  ttlMs: 10_000,
  softTtlMs: 5_000,
  lockTtlMs: 1_000,
  maxWaitMs: 5_000,
  beta: 1,
  leaseServesStale: false,
  lockWait: 'backoff',
  burst: DEFAULT_BURST,
}

/** The database latency the lab starts with, so a query visibly costs something. */
export const DEFAULT_DB_LATENCY_MS = 50

/** One burst's totals, as the `burst` action answers and the comparison table shows. */
export interface BurstSummary {
  id: string
  strategy: StrategyId
  total: number
  servers: number
  dbQueries: number
  perServer: number[]
  outcomes: Record<'hit' | 'waited' | 'stale' | 'db' | 'error', number>
  p50: number
  p95: number
  p99: number
  maxMs: number
  stale: number
  errors: number
  peakInFlight: number
  /** From the first request to the last answer (and any background refresh). */
  ms: number
  refreshes: number
}

/** A burst's end event of one strategy, for checks: `{ kind: 'burst', data: { phase: 'end', strategy } }`. */
const endOf = (strategy: StrategyId) => ({ kind: 'burst' as const, data: { phase: 'end', strategy } })
const most = (strategy: StrategyId, field: string, phase?: string) => ({
  match: endOf(strategy),
  of: 'max' as const,
  field,
  ...(phase ? { phase } : {}),
})

export const stampedeLab: LabSpec = {
  id: 'stampede',
  title: 'Cache stampedes',
  tagline:
    'Fire a real burst of concurrent reads at a key as it expires, and watch what each protection does to the database.',
  intro:
    'A hot key expires and, in the same instant, a thousand requests miss it. Each one does what cache-aside says: query the database and store the row. That is a stampede, and the database takes a thousand identical queries at once. This lab fires real bursts (up to 5000 concurrent reads through Redis and the database) at a key as it expires, and runs the same burst through each way of preventing it: a Redis lock, request coalescing inside each app server, probabilistic early expiration (the linear rule and XFetch), soft expiry with a background refresh, and leases. A few requests of each burst are drawn in full on the timeline; the rest are counted exactly, in a histogram over time and a latency distribution.',
  sources: [
    'server/engine/strategies/stampede/none.ts',
    'server/engine/strategies/stampede/lock.ts',
    'server/engine/lua/lock-release-1.lua',
    'server/engine/strategies/stampede/coalescing.ts',
    'server/engine/strategies/stampede/early-expiration.ts',
    'lib/labs/stampede-math.ts',
    'server/engine/strategies/stampede/soft-expiry.ts',
    'server/engine/strategies/stampede/leases.ts',
    'server/engine/lua/stampede-lease-get-3.lua',
    'server/engine/lua/stampede-lease-fill-3.lua',
    'server/engine/labs/stampede-burst.ts',
  ],
  codeFor: { burst: 'fireBurst', compare: 'fireBurst', killHolder: 'readWithLock', read: 'readUnprotected' },
  classAction: { action: 'read', params: { userId: 1 } },
  controls: [
    {
      kind: 'group',
      label: 'Database and app servers',
      controls: [
        {
          kind: 'slider',
          label: 'DB latency',
          action: 'dbLatency',
          param: 'ms',
          state: 'dbLatencyMs',
          min: 0,
          max: 1000,
          step: 10,
          unit: ' ms',
        },
        {
          kind: 'slider',
          label: 'App servers',
          action: 'settings',
          param: 'servers',
          state: 'servers',
          min: 1,
          max: STAMPEDE_LIMITS.servers,
        },
      ],
      note: 'Each app server has its own single-flight table, so coalescing makes one query per server.',
    },
    {
      kind: 'group',
      label: 'Lock and leases',
      controls: [
        {
          kind: 'slider',
          label: 'Lock / lease TTL',
          action: 'settings',
          param: 'lockTtlMs',
          state: 'lockTtlMs',
          min: 100,
          max: 5000,
          step: 100,
          unit: ' ms',
        },
        {
          kind: 'slider',
          label: 'Longest wait',
          action: 'settings',
          param: 'maxWaitMs',
          state: 'maxWaitMs',
          min: 500,
          max: 20_000,
          step: 500,
          unit: ' ms',
        },
        {
          kind: 'choice',
          label: 'Lock waiters',
          action: 'settings',
          param: 'lockWait',
          state: 'lockWait',
          options: [
            { value: 'backoff', label: 'poll with backoff' },
            {
              value: 'notify',
              label: 'wait for a notification',
              title: 'The holder PUBLISHes the key once it is stored',
            },
          ],
        },
        {
          kind: 'choice',
          label: 'Readers denied a lease',
          action: 'settings',
          param: 'leaseServesStale',
          state: 'leaseServesStale',
          options: [
            { value: false, label: 'wait' },
            { value: true, label: 'take the stale copy' },
          ],
        },
        {
          kind: 'button',
          label: 'Lock holder dies',
          action: 'killHolder',
          params: { times: 1 },
          variant: 'danger',
          title: 'The next request to take the lock or lease dies holding it',
        },
      ],
    },
    {
      kind: 'group',
      label: 'Expiry',
      controls: [
        {
          kind: 'slider',
          label: 'TTL (hard expiry)',
          action: 'settings',
          param: 'ttlMs',
          state: 'ttlMs',
          min: 1000,
          max: 60_000,
          step: 1000,
          unit: ' ms',
        },
        {
          kind: 'slider',
          label: 'Soft expiry',
          action: 'settings',
          param: 'softTtlMs',
          state: 'softTtlMs',
          min: 500,
          max: 60_000,
          step: 500,
          unit: ' ms',
        },
        {
          kind: 'slider',
          label: 'XFetch β',
          action: 'settings',
          param: 'beta',
          state: 'beta',
          min: 0,
          max: 5,
          step: 0.25,
        },
      ],
    },
  ],
  walkthrough: [
    {
      id: 'stampede',
      title: 'A stampede, for real',
      body: 'User 1 is a hot key. Its TTL has just run out, and 1000 requests arrive together. With no protection each of them misses, queries the database and writes the row back.\n\nWatch the in-flight gauge: the database holds hundreds of identical queries at once, and the last answers wait for all the others.',
      task: 'Pick "No protection" and fire a burst of 1000 at the expired key.',
      run: [
        { action: 'settings', params: { strategy: 'none' } },
        { action: 'burst', params: { strategy: 'none', n: 1000, rampMs: 0, keys: 1, start: 'expired' } },
      ],
      look: 'charts',
      done: endOf('none'),
    },
    {
      id: 'lock',
      title: 'One loader behind a lock',
      body: 'The lock strategy lets the first miss take `SET lock:user:1 <token> NX PX 1000`. It alone queries and stores; everyone else sleeps a few milliseconds (with jitter, so they do not retry in step) and reads the cache again.\n\nThe token matters at release time: the lock is deleted by a Lua compare-and-delete only if it still holds our token. A plain DEL could remove a lock someone else took after ours expired.',
      task: 'Fire the same burst with the lock.',
      run: [
        { action: 'settings', params: { strategy: 'lock' } },
        { action: 'burst', params: { strategy: 'lock', n: 1000, rampMs: 0, keys: 1, start: 'expired' } },
      ],
      look: 'charts',
      done: endOf('lock'),
    },
    {
      id: 'holder-dies',
      title: 'When the lock holder dies',
      body: 'Arm the fault and the request that wins the lock dies without loading or releasing. Nobody else can take the lock, so everyone waits until its TTL frees it; then one waiter takes it and loads.\n\nThe lock TTL is the price of a crash: short enough that a dead holder does not stall the key for long, longer than a normal load so a slow holder does not lose its lock halfway.',
      task: 'Press "Lock holder dies", then fire the lock burst again.',
      run: [
        { action: 'killHolder', params: { times: 1 } },
        { action: 'burst', params: { strategy: 'lock', n: 1000, rampMs: 0, keys: 1, start: 'expired' } },
      ],
      look: 'charts',
      done: endOf('lock'),
    },
    {
      id: 'coalescing',
      title: 'Coalescing inside each app server',
      body: 'Request coalescing (single flight) needs no Redis at all: concurrent misses in one process share one promise. It is the fastest of all, but it only coordinates one process.\n\nWith four app servers the burst is spread over them, and each makes its own query: four in all.',
      task: 'Set 4 app servers and fire a coalescing burst.',
      run: [
        { action: 'settings', params: { strategy: 'coalescing', servers: 4 } },
        { action: 'burst', params: { strategy: 'coalescing', n: 1000, rampMs: 0, keys: 1, start: 'expired' } },
      ],
      look: 'charts',
      done: endOf('coalescing'),
    },
    {
      id: 'early',
      title: 'Refresh before it expires',
      body: "Locks and coalescing absorb a stampede; early expiration avoids it. On every hit, a read may decide to recompute the value before its TTL ends. XFetch decides with `now − Δ·β·ln(random) ≥ expiry`, Δ the time the last recompute took: the chance climbs steeply only in the last few Δ.\n\nThis burst is ramped over a second across the key's expiry. See in the plot where the refreshes happened, and how few there were.",
      task: 'Fire an XFetch burst ramped over 1 s, on a key that expires 500 ms in.',
      run: [
        { action: 'settings', params: { strategy: 'xfetch', servers: 1 } },
        {
          action: 'burst',
          params: { strategy: 'xfetch', n: 2000, rampMs: 1000, keys: 1, start: 'expiring', expireInMs: 500 },
        },
      ],
      look: 'charts',
      done: endOf('xfetch'),
    },
    {
      id: 'soft',
      title: 'Soft expiry: serve stale, refresh once',
      body: "The value carries a soft expiry inside it, earlier than the key's TTL (the hard expiry). Past the soft one, readers get the old value at once and one of them, chosen by `SET refresh:user:1 NX`, refreshes it in the background.\n\nEvery request in the burst answers from the cache: the stale column counts them. Past the hard expiry there is nothing left to serve, and it is a plain miss again.",
      task: 'Fire a soft-expiry burst at a key past its soft expiry.',
      run: [
        { action: 'settings', params: { strategy: 'soft' } },
        { action: 'burst', params: { strategy: 'soft', n: 1000, rampMs: 0, keys: 1, start: 'expired' } },
      ],
      look: 'charts',
      done: endOf('soft'),
    },
    {
      id: 'compare',
      title: 'Every strategy on the same burst',
      body: 'Leases (as memcache has them) make the miss hand out one lease per key per interval; the others wait, or take a stale copy. Now run all seven on the same burst: same keys, same order, same starting state.\n\nChange the number of requests, the database latency or the app servers, and run it again.',
      task: 'Run every strategy on the same burst.',
      run: [
        { action: 'settings', params: { servers: 1 } },
        { action: 'compare', params: { n: 1000, rampMs: 0, keys: 1, start: 'expired' } },
      ],
      look: 'charts',
      done: endOf('leases'),
    },
  ],
  questions: [
    {
      id: 'what-is-stampede',
      question: 'What is a cache stampede?',
      answer:
        'A hot key expires and many requests miss it at the same moment. Each one does the cache-aside thing, queries the database and writes the value back, so the database gets a spike of identical queries exactly when the cache stops protecting it. Under load that spike can be enough to tip it over, and the slow answers pile up more requests behind them.',
      tradeoff:
        'It only happens to hot keys at expiry (or after a flush or a cold start), so it is easy to miss in testing and sudden in production.',
      demo: 'burst-unprotected',
    },
    {
      id: 'lock',
      question: 'How does a lock prevent a stampede?',
      answer:
        "The first request to miss takes a lock in Redis with SET lock:key token NX PX. Only the holder queries the database and stores the value; the others wait with jittered backoff and read the cache again, finding the fresh value. The lock has a TTL so a crashed holder cannot block the key for ever, and it is released with a compare-and-delete on the token so one request never deletes another one's lock.",
      tradeoff:
        'Waiters pay latency (the load plus their backoff) and add polling traffic to Redis; the lock TTL must outlast a normal load.',
      demo: 'lock-one-query',
    },
    {
      id: 'holder-dies',
      question: 'What happens if the request holding the lock crashes?',
      answer:
        'Nobody releases the lock, so the others keep waiting until its TTL removes it. Then one waiter takes it and loads. That is why the lock needs a TTL, and why release must check the owner: a holder that was only slow, and lost its lock to the TTL, must not delete the lock the next request took.',
      tradeoff:
        'A short lock TTL recovers quickly from a crash but can expire under a slow load and let a second loader in; a long one stalls readers after a crash.',
      demo: 'holder-dies',
    },
    {
      id: 'coalescing',
      question: 'How is request coalescing different from a distributed lock?',
      answer:
        'Coalescing (single flight) lives inside one process: concurrent misses for a key share one in-flight promise, with no round trip to coordinate, so it is the cheapest protection. But each process coalesces only its own requests, so N app servers still make N queries. A Redis lock coordinates across every server, at the cost of network calls and waiting.',
      tradeoff: 'Many deployments use both: coalescing in the process first, then a lock or lease across processes.',
      demo: 'coalescing-per-server',
    },
    {
      id: 'soft-hard',
      question: 'What is soft vs hard expiration?',
      answer:
        "Hard expiry is the key's TTL: after it the value is gone and reads miss. Soft expiry is an earlier time stored with the value: after it the value still exists but counts as stale. A read past the soft expiry serves the stale value at once and triggers one background refresh, deduplicated with a claim key, so users never wait on the database and the database sees one query.",
      tradeoff:
        'Users get slightly old data during the refresh window, and past the hard expiry it is a plain miss again.',
      demo: 'soft-serves-stale',
    },
    {
      id: 'early-expiration',
      question: 'What is probabilistic early expiration?',
      answer:
        'Each hit may decide, at random, to recompute the value before it expires, with a chance that grows as the expiry approaches. One request refreshes while everyone else keeps hitting, so the key never expires under load. The simple rule uses 1 − remaining/TTL; XFetch refreshes when now − Δ·β·ln(random) ≥ expiry, with Δ the last recompute time, which keeps refreshes rare until the last few Δ and starts slow recomputes earlier.',
      tradeoff:
        'It needs traffic before the expiry to work, and some refreshes are wasted; the linear rule refreshes far too often near the end of a long TTL.',
      demo: 'xfetch-early',
    },
  ],
  demos: [
    {
      id: 'burst-unprotected',
      title: '1000 requests, an expired key, no protection',
      steps: [
        { do: { action: 'reset' } },
        { say: 'User 1 has just expired. 1000 requests arrive at once, with no protection.' },
        { phase: 'burst' },
        { do: { action: 'burst', params: { strategy: 'none', n: 1000, rampMs: 0, keys: 1, start: 'expired' } } },
      ],
      checks: [
        {
          text: 'Every one of the 1000 requests queried the database',
          measure: most('none', 'dbQueries', 'burst'),
          min: 1000,
        },
        {
          text: 'Hundreds of those queries were in flight at the same time',
          measure: most('none', 'peakInFlight', 'burst'),
          min: 100,
        },
      ],
    },
    {
      id: 'lock-one-query',
      title: 'The same burst behind a lock',
      steps: [
        { do: { action: 'reset' } },
        { say: 'First with no protection, then with SET lock:user:1 <token> NX PX, the lock living 10 s.' },
        // A lock TTL longer than the load takes even on a loaded machine (the default 1 s was outlived there:
        // 5 loaders, and 994 waiters past the 5 s wait), so the one query is the lock's doing, not luck.
        { do: { action: 'settings', params: { lockTtlMs: 10_000, maxWaitMs: 20_000 } } },
        { do: { action: 'burst', params: { strategy: 'none', n: 1000, rampMs: 0, keys: 1, start: 'expired' } } },
        { do: { action: 'burst', params: { strategy: 'lock', n: 1000, rampMs: 0, keys: 1, start: 'expired' } } },
      ],
      checks: [
        {
          text: 'With the lock, exactly one request queried the database',
          measure: most('lock', 'dbQueries'),
          min: 1,
          max: 1,
        },
        { text: 'Every request behind the lock got an answer', measure: most('lock', 'errors'), max: 0 },
        {
          text: 'The loader released its own lock',
          measure: { match: { kind: 'lock', data: { op: 'release' } } },
          min: 1,
          max: 1,
        },
        {
          text: 'The lock made fewer queries than no protection',
          left: most('lock', 'dbQueries'),
          op: 'lt',
          right: most('none', 'dbQueries'),
        },
      ],
    },
    {
      id: 'holder-dies',
      title: 'The lock holder dies, then one is only slow: the lock TTL takes over, the token protects',
      steps: [
        { do: { action: 'reset' } },
        // 5 s, not 500 ms: longer than the waiter's load takes on a loaded machine (with 500 ms, 9 loaders and
        // 291 waiters past the 5 s wait were seen there; with 2 s, a query of 2.5 s let in a second loader);
        // the waiters may wait 20 s.
        { do: { action: 'settings', params: { lockTtlMs: 5000, maxWaitMs: 20_000 } } },
        { say: 'The next request to take the lock will die holding it. The lock lives 5 s.' },
        { do: { action: 'killHolder', params: { times: 1 } } },
        { phase: 'dies' },
        { do: { action: 'burst', params: { strategy: 'lock', n: 300, rampMs: 0, keys: 1, start: 'expired' } } },
        { phase: 'slow' },
        {
          say: 'Now a holder that is only slow: the lock lives 100 ms, the query takes 300 ms. Its lock expires under it.',
        },
        { do: { action: 'settings', params: { lockTtlMs: 100 } } },
        { do: { action: 'dbLatency', params: { ms: 300, jitterMs: 0 } } },
        { do: { action: 'burst', params: { strategy: 'lock', n: 300, rampMs: 0, keys: 1, start: 'expired' } } },
      ],
      checks: [
        { text: 'The holder died: one request failed', measure: most('lock', 'errors', 'dies'), min: 1, max: 1 },
        {
          text: 'After the lock expired, one waiter took it and loaded: one query',
          measure: most('lock', 'dbQueries', 'dies'),
          min: 1,
          max: 1,
        },
        {
          text: 'The typical request waited out the lock TTL (5 s)',
          measure: most('lock', 'p50', 'dies'),
          min: 4950,
        },
        {
          text: 'With a lock TTL shorter than the load, a second request took the lock and loaded too',
          measure: most('lock', 'dbQueries', 'slow'),
          min: 2,
        },
        {
          text: "The slow holder's release found the lock was no longer its own and left it alone",
          measure: { match: { kind: 'lock', data: { op: 'not-owner' } }, phase: 'slow' },
          min: 1,
        },
      ],
    },
    {
      id: 'coalescing-per-server',
      title: 'Coalescing: one query per app server',
      steps: [
        { do: { action: 'reset' } },
        { say: 'Four app servers, each coalescing its own misses.' },
        // The lock lives 10 s: the default 1 s was outlived by the load on a loaded machine (2 to 6 loaders).
        { do: { action: 'settings', params: { servers: 4, lockTtlMs: 10_000, maxWaitMs: 20_000 } } },
        { do: { action: 'burst', params: { strategy: 'coalescing', n: 1000, rampMs: 0, keys: 1, start: 'expired' } } },
        { say: 'The same four servers behind one Redis lock.' },
        { do: { action: 'burst', params: { strategy: 'lock', n: 1000, rampMs: 0, keys: 1, start: 'expired' } } },
      ],
      checks: [
        {
          text: 'Coalescing made one query per app server: 4',
          measure: most('coalescing', 'dbQueries'),
          min: 4,
          max: 4,
        },
        { text: 'The Redis lock made one query across all four', measure: most('lock', 'dbQueries'), min: 1, max: 1 },
      ],
    },
    {
      id: 'soft-serves-stale',
      title: 'Soft expiry: everyone served at once, one refresh',
      steps: [
        { do: { action: 'reset' } },
        { say: 'User 1 is past its soft expiry and before its hard one. 1000 requests arrive.' },
        { do: { action: 'burst', params: { strategy: 'soft', n: 1000, rampMs: 0, keys: 1, start: 'expired' } } },
      ],
      checks: [
        { text: 'All 1000 were served the stale value from the cache', measure: most('soft', 'stale'), min: 1000 },
        { text: 'One background refresh: one database query', measure: most('soft', 'dbQueries'), min: 1, max: 1 },
        { text: 'Nobody got an error', measure: most('soft', 'errors'), max: 0 },
      ],
    },
    {
      id: 'xfetch-early',
      title: 'XFetch refreshes before the expiry',
      steps: [
        { do: { action: 'reset' } },
        { do: { action: 'settings', params: { beta: 1 } } },
        { say: '2000 requests over one second; the key expires 500 ms in. First without protection.' },
        {
          do: {
            action: 'burst',
            params: { strategy: 'none', n: 2000, rampMs: 1000, keys: 1, start: 'expiring', expireInMs: 500 },
          },
        },
        { say: 'Now XFetch, on the same ramp.' },
        {
          do: {
            action: 'burst',
            params: { strategy: 'xfetch', n: 2000, rampMs: 1000, keys: 1, start: 'expiring', expireInMs: 500 },
          },
        },
      ],
      checks: [
        { text: 'XFetch refreshed early at least once', measure: most('xfetch', 'refreshes'), min: 1 },
        {
          text: 'XFetch made fewer queries than the stampede at the expiry',
          left: most('xfetch', 'dbQueries'),
          op: 'lt',
          right: most('none', 'dbQueries'),
        },
        { text: 'Nobody got an error', measure: most('xfetch', 'errors'), max: 0 },
      ],
    },
  ],
}
