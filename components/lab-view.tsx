'use client'

import type { Enter } from '@/lib/room-client'
import { CodePanel } from './code-panel'
import { KeyInspector } from './key-inspector'
import { LabCharts } from './lab-charts'
import { LabControls } from './lab-controls'
import { LabStats } from './lab-stats'
import { LAB_CONTROLS, LAB_PANELS } from './labs'
import { Questions } from './questions'
import { RoomPanel } from './room-panel'
import { RoomProvider } from './room-provider'
import { StatTiles } from './stat-tiles'
import { StatusBanner } from './status-banner'
import { Timeline } from './timeline'
import { Panel } from './ui/panel'
import { Walkthrough } from './walkthrough'

export interface ClassroomView {
  /** How the room is entered (the session's host or participant). */
  enter: Enter
  /** The walkthrough step everyone is on, and for the host how to move it. */
  follow: { step: number; onStep?: (n: number) => void }
  /** A participant follows: no controls, no demos of their own. */
  participant: boolean
  /** The host bar or the participant's panel, at the top of the side column. */
  side: React.ReactNode
}

/**
 * A lab page: the room, walkthrough and controls on the side; figures, inspector, timeline and charts in the
 * middle; the interview questions and the code below. In a classroom the same page, entered through the
 * session, with the host's or the participant's panel on top.
 */
export function LabView({ lab, classroom }: { lab: string; classroom?: ClassroomView }) {
  const Controls = LAB_CONTROLS[lab]
  const panels = LAB_PANELS[lab] ?? []
  const participant = classroom?.participant ?? false
  return (
    <RoomProvider enter={classroom?.enter}>
      <StatusBanner />
      <div className="mt-4 grid gap-4 lg:grid-cols-[22rem_minmax(0,1fr)]">
        <aside className="flex flex-col gap-4">
          {classroom?.side}
          <RoomPanel shared={!!classroom} />
          <Walkthrough key={lab} lab={lab} follow={classroom?.follow} />
          {!participant && (Controls ? <Controls /> : <LabControls lab={lab} />)}
        </aside>
        <div className="flex min-w-0 flex-col gap-4">
          <StatTiles />
          <LabStats lab={lab} />
          {panels.map((Extra, i) => (
            <Extra key={i} lab={lab} />
          ))}
          <KeyInspector />
          <Timeline />
          <LabCharts />
        </div>
      </div>
      <div className="mt-4 grid gap-4 xl:grid-cols-2">
        {!participant && (
          <Panel title="Interview questions this lab answers" region="questions-panel">
            <Questions lab={lab} />
          </Panel>
        )}
        <Panel title="The code that ran" region="code-panel">
          <CodePanel lab={lab} />
        </Panel>
      </div>
    </RoomProvider>
  )
}
