'use client'

import { useState } from 'react'
import { Button } from './ui/button'

/** Copies text to the clipboard and says so for a moment. */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false)
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text)
      setCopied(true)
      setTimeout(() => setCopied(false), 1500)
    } catch {
      // Clipboard blocked (insecure origin): the text is selectable beside the button anyway.
    }
  }
  return (
    <Button size="sm" variant="ghost" onClick={copy} aria-label={`${label}: ${text}`}>
      {copied ? 'Copied' : label}
    </Button>
  )
}
