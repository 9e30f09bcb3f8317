import Link from 'next/link'

export default function NotFound() {
  return (
    <main className="mx-auto max-w-xl px-4 py-24 text-center">
      <h1 className="text-2xl font-bold">Nothing here</h1>
      <p className="mt-2 text-zinc-600 dark:text-zinc-400">That page does not exist (a lab that is not built yet, perhaps).</p>
      <Link href="/" className="mt-6 inline-block text-sky-700 hover:underline dark:text-sky-400">
        Back to the labs
      </Link>
    </main>
  )
}
