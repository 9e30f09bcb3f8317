import type { Metadata } from 'next'
import { PresenterView } from '@/components/session/presenter-view'
import { formatCode, normaliseCode } from '@/lib/session'

export async function generateMetadata({ params }: { params: Promise<{ code: string }> }): Promise<Metadata> {
  return { title: `Presenting ${formatCode(normaliseCode((await params).code))}` }
}

export default async function PresentPage({ params }: { params: Promise<{ code: string }> }) {
  return <PresenterView code={normaliseCode((await params).code)} />
}
