'use client'

import { useRouter } from 'next/navigation'
import { useState, useSyncExternalStore } from 'react'
import { LIMITS } from '@/lib/limits'
import { CODE_PATTERN, formatCode, normaliseCode } from '@/lib/session'
import { fetchSession, savePendingName, savedParticipant } from '@/lib/session-client'
import { checkText } from '@/lib/text'
import { Button } from '../ui/button'

const input =
  'h-11 w-full rounded-md border border-zinc-300 bg-white px-3 text-base dark:border-zinc-700 dark:bg-zinc-950 focus-visible:outline-2 focus-visible:outline-sky-500'

/**
 * Joining a session: the code (unless the link carried it) and a display name. The code is checked before
 * leaving the page, so a typo is said here rather than on a broken session page.
 */
export function JoinForm({ code: given }: { code?: string }) {
  const router = useRouter()
  const [code, setCode] = useState(given ? formatCode(normaliseCode(given)) : '')
  // Someone coming back to the same session keeps the name they had (until they type another).
  const savedName = useSyncExternalStore(noSubscribe, () => (given ? savedParticipant(normaliseCode(given))?.name : undefined), () => undefined)
  const [typed, setName] = useState<string | undefined>(undefined)
  const name = typed ?? savedName ?? ''
  const [error, setError] = useState<string | undefined>(undefined)
  const [busy, setBusy] = useState(false)

  const submit = async (e: React.FormEvent) => {
    e.preventDefault()
    setError(undefined)
    const clean = normaliseCode(code)
    if (!CODE_PATTERN.test(clean)) return setError('A join code is 6 letters and digits, like KQ7-M3X.')
    if (!name.trim()) return setError('Choose a display name: the class sees it next to your requests.')
    // The server's rules, said here before leaving the page.
    const checked = checkText(name, { what: 'Your display name', max: LIMITS.nameLength })
    if (!checked.ok) return setError(checked.message)
    setBusy(true)
    try {
      const session = await fetchSession(clean)
      if (!session) return setError(`There is no session ${formatCode(clean)}. Check the code with your host.`)
      if (session.endedAt) return setError(`Session ${formatCode(clean)} has ended.`)
      savePendingName(clean, checked.value)
      router.push(`/session/${clean}`)
    } catch (err) {
      setError((err as Error).message)
    } finally {
      setBusy(false)
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} className="flex flex-col gap-4" noValidate>
      <label className="flex flex-col gap-1">
        <span className="text-sm font-medium">Join code</span>
        <input
          className={`${input} font-mono tracking-widest uppercase`}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          placeholder="KQ7-M3X"
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          maxLength={9}
          readOnly={!!given}
          aria-describedby="join-error"
        />
      </label>
      <label className="flex flex-col gap-1">
        <span className="text-sm font-medium">Your display name</span>
        <input
          className={input}
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="Ada"
          autoComplete="nickname"
          autoFocus={!!given}
          aria-describedby="join-error"
        />
        <span className="text-xs text-zinc-500">Up to {LIMITS.nameLength} characters (an emoji counts as one); letters, digits, punctuation and emoji, no
          line breaks. Everyone in the session sees it.</span>
      </label>
      <Button type="submit" variant="primary" disabled={busy} className="h-11 text-base">
        {busy ? 'Joining…' : 'Join the session'}
      </Button>
      <p id="join-error" role="alert" className="min-h-5 text-sm text-rose-600">
        {error}
      </p>
    </form>
  )
}

const noSubscribe = () => () => {}
