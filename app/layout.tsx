import type { Metadata, Viewport } from 'next'
import { headers } from 'next/headers'
import Link from 'next/link'
import { ThemeToggle } from '@/components/theme-toggle'
import './globals.css'

export const metadata: Metadata = {
  title: { default: 'Cache Invalidation Lab', template: '%s · Cache Invalidation Lab' },
  description:
    'Learn cache invalidation by doing it: real Redis, real Postgres, every cache and database event live in your browser.',
}

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#fafafa' },
    { media: '(prefers-color-scheme: dark)', color: '#09090b' },
  ],
}

/** Applies the saved or system theme before the first paint, so the page never flashes the wrong one. */
const THEME_SCRIPT = `try{var t=localStorage.getItem('cachelab.theme');var d=t?t==='dark':matchMedia('(prefers-color-scheme: dark)').matches;document.documentElement.classList.toggle('dark',d)}catch(e){}`

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // The server sets a fresh nonce per page request (server/security-headers.ts); reading it renders every
  // page per request, which is what lets the Content Security Policy refuse scripts without it.
  const nonce = (await headers()).get('x-nonce') ?? undefined
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body className="min-h-screen font-sans antialiased">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:fixed focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-sm focus:shadow dark:focus:bg-zinc-900"
        >
          Skip to content
        </a>
        <header className="sticky top-0 z-30 print:hidden border-b border-zinc-200 bg-white/85 backdrop-blur dark:border-zinc-800 dark:bg-zinc-950/85">
          <nav className="mx-auto flex h-12 max-w-[1600px] items-center gap-4 px-4 whitespace-nowrap" aria-label="Main">
            <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight">
              <Logo />
              {/* On a phone the logo alone, so the links fit on one line. */}
              <span className="hidden sm:inline">Cache Invalidation Lab</span>
              <span className="sr-only sm:hidden">Cache Invalidation Lab</span>
            </Link>
            <Link
              href="/#labs"
              className="text-sm text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100"
            >
              Labs
            </Link>
            <Link
              href="/interview"
              className="text-sm text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100"
            >
              Interview prep
            </Link>
            <Link
              href="/classroom"
              className="text-sm text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100"
            >
              Classroom
            </Link>
            <div className="ml-auto">
              <ThemeToggle />
            </div>
          </nav>
        </header>
        <div id="main">{children}</div>
      </body>
    </html>
  )
}

function Logo() {
  return (
    <svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true">
      <rect x="3" y="4" width="18" height="5" rx="1.5" className="fill-[var(--color-lane-cache)]" />
      <rect x="3" y="10.5" width="18" height="5" rx="1.5" className="fill-[var(--color-lane-db)]" opacity="0.85" />
      <rect x="3" y="17" width="18" height="3.5" rx="1.5" className="fill-[var(--color-lane-client)]" opacity="0.7" />
    </svg>
  )
}
