import Link from 'next/link'
import { LABS } from '@/lib/labs/catalogue'

export default function Home() {
  return (
    <main>
      <section className="border-b border-zinc-200 bg-gradient-to-b from-white to-zinc-50 dark:border-zinc-800 dark:from-zinc-900 dark:to-zinc-950">
        <div className="mx-auto grid max-w-6xl gap-10 px-4 py-14 lg:grid-cols-[1.1fr_1fr] lg:items-center">
          <div>
            <h1 className="text-4xl font-bold tracking-tight sm:text-5xl">
              Cache invalidation,
              <br />
              <span className="text-sky-700 dark:text-sky-400">done for real.</span>
            </h1>
            <p className="mt-5 max-w-xl text-lg leading-8 text-zinc-700 dark:text-zinc-300">
              Run each strategy against a real Redis and a real Postgres, and watch every read, miss, write, stale read
              and expiry arrive live in your browser. Then answer the interview questions with a demo that proves it.
            </p>
            <div className="mt-8 flex flex-wrap gap-3">
              <Link
                href={`/labs/${LABS[0]!.id}`}
                className="rounded-md bg-sky-600 px-5 py-2.5 text-sm font-semibold text-white shadow-sm hover:bg-sky-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 dark:bg-sky-500 dark:text-zinc-950 dark:hover:bg-sky-400"
              >
                Start with the {LABS[0]!.title} lab →
              </Link>
              <a
                href="#how"
                className="rounded-md border border-zinc-300 px-5 py-2.5 text-sm font-semibold hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 dark:border-zinc-700 dark:hover:bg-zinc-800"
              >
                How it works
              </a>
            </div>
          </div>
          <TimelinePreview />
        </div>
      </section>

      <section id="how" className="mx-auto max-w-6xl scroll-mt-16 px-4 py-14">
        <h2 className="text-2xl font-bold tracking-tight">Everything you see happened</h2>
        <div className="mt-6 grid gap-6 md:grid-cols-3">
          <Feature title="A real Redis" color="var(--color-lane-cache)">
            Your lab gets its own corner of a real Redis. Expiries on the timeline are Redis’s own, reported through keyspace
            notifications, and whatever you do to your keys with <code className="font-mono text-[0.9em]">redis-cli</code> shows up too.
          </Feature>
          <Feature title="A real database" color="var(--color-lane-db)">
            Reads that miss go to Postgres: embedded PGlite by default, or your PostgreSQL server. Every row carries a version, so
            a consistency oracle can flag each stale read and time how long the cache has been wrong.
          </Feature>
          <Feature title="A live timeline" color="var(--color-lane-client)">
            Every step of every request, in swimlanes for client, app, cache and database, tied together per request, with the
            hit ratio, database load and stale reads charted as they happen.
          </Feature>
        </div>
      </section>

      <section id="labs" className="border-t border-zinc-200 bg-white scroll-mt-16 dark:border-zinc-800 dark:bg-zinc-900">
        <div className="mx-auto max-w-6xl px-4 py-14">
          <h2 className="text-2xl font-bold tracking-tight">Labs</h2>
          <p className="mt-2 text-zinc-600 dark:text-zinc-400">
            Each lab has controls, a guided walkthrough, the code the engine ran, and the interview questions it answers.
          </p>
          <ul className="mt-6 grid gap-4 md:grid-cols-2">
            {LABS.map((lab) => (
              <li key={lab.id}>
                <Link
                  href={`/labs/${lab.id}`}
                  className="group block h-full rounded-lg border border-zinc-200 p-5 transition-colors hover:border-sky-400 hover:bg-sky-50/50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 dark:border-zinc-800 dark:hover:border-sky-700 dark:hover:bg-sky-950/30"
                >
                  <h3 className="text-lg font-semibold group-hover:text-sky-700 dark:group-hover:text-sky-400">{lab.title}</h3>
                  <p className="mt-2 text-sm text-zinc-700 dark:text-zinc-300">{lab.tagline}</p>
                  <p className="mt-4 text-xs text-zinc-500">
                    {lab.walkthrough.length} walkthrough steps · {lab.questions.length} interview questions, each with a live demo
                  </p>
                  <ul className="mt-2 space-y-0.5 text-xs text-zinc-600 dark:text-zinc-400">
                    {lab.questions.map((q) => (
                      <li key={q.id}>· {q.question}</li>
                    ))}
                  </ul>
                </Link>
              </li>
            ))}
          </ul>
        </div>
      </section>
    </main>
  )
}

function Feature({ title, color, children }: { title: string; color: string; children: React.ReactNode }) {
  return (
    <div className="rounded-lg border border-zinc-200 bg-white p-5 dark:border-zinc-800 dark:bg-zinc-900">
      <div className="mb-3 h-1.5 w-10 rounded-full" style={{ background: color }} />
      <h3 className="font-semibold">{title}</h3>
      <p className="mt-2 text-sm leading-6 text-zinc-700 dark:text-zinc-300">{children}</p>
    </div>
  )
}

/** A still picture of what the lab's timeline looks like: one miss, one hit, one stale read, one expiry. */
function TimelinePreview() {
  const rows: [string, number, string, string][] = [
    ['12:00:01.104', 0, 'read', 'user:1'],
    ['12:00:01.106', 2, 'miss', 'user:1'],
    ['12:00:01.118', 3, 'query', 'v1 12 ms'],
    ['12:00:01.120', 2, 'set', 'v1 · 20 s'],
    ['12:00:03.530', 3, 'update', '→ v2'],
    ['12:00:04.871', 2, 'hit', 'v1'],
    ['12:00:04.872', 1, 'STALE', 'v1 < v2'],
    ['12:00:21.121', 2, 'expired', 'user:1'],
  ]
  const colors = ['var(--color-lane-client)', 'var(--color-lane-app)', 'var(--color-lane-cache)', 'var(--color-lane-db)']
  const names = ['Client', 'App', 'Cache', 'Database']
  return (
    <div aria-hidden="true" className="overflow-hidden rounded-xl border border-zinc-200 bg-white font-mono text-[11px] shadow-lg dark:border-zinc-800 dark:bg-zinc-900">
      <div className="grid grid-cols-[6.5rem_repeat(4,1fr)] border-b border-zinc-200 bg-zinc-50 px-2 py-1.5 text-[10px] font-semibold tracking-wide text-zinc-500 uppercase dark:border-zinc-800 dark:bg-zinc-900">
        <span>Time</span>
        {names.map((n, i) => (
          <span key={n} className="flex items-center gap-1">
            <span className="h-1.5 w-1.5 rounded-full" style={{ background: colors[i] }} />
            {n}
          </span>
        ))}
      </div>
      {rows.map(([t, lane, kind, text]) => (
        <div key={t} className="grid grid-cols-[6.5rem_repeat(4,1fr)] items-center border-b border-zinc-100 px-2 py-1 dark:border-zinc-800/60">
          <span className="text-zinc-500">{t}</span>
          {[0, 1, 2, 3].map((l) => (
            <span key={l} className="truncate">
              {l === lane && (
                <span
                  className={`rounded px-1.5 py-0.5 ${kind === 'STALE' ? 'bg-rose-100 text-rose-900 dark:bg-rose-950 dark:text-rose-200' : kind === 'hit' ? 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200' : kind === 'miss' ? 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200' : 'bg-zinc-100 dark:bg-zinc-800'}`}
                >
                  <b>{kind}</b> {text}
                </span>
              )}
            </span>
          ))}
        </div>
      ))}
    </div>
  )
}
