import type { Metadata } from 'next'
import { ClassroomSession } from '@/components/session/classroom-session'
import { formatCode, normaliseCode } from '@/lib/session'

export async function generateMetadata({ params }: { params: Promise<{ code: string }> }): Promise<Metadata> {
  return { title: `Session ${formatCode(normaliseCode((await params).code))}` }
}

export default async function ParticipantPage({ params }: { params: Promise<{ code: string }> }) {
  return (
    <main className="mx-auto max-w-[1600px] px-4 py-5">
      <ClassroomSession code={normaliseCode((await params).code)} role="participant" />
    </main>
  )
}
