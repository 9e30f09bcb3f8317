'use client'

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

/** A lab page: the room, walkthrough and controls on the side; figures, inspector, timeline and charts in the middle. */
export function LabView({ lab }: { lab: string }) {
  const Controls = LAB_CONTROLS[lab]
  const panels = LAB_PANELS[lab] ?? []
  return (
    <RoomProvider>
      <StatusBanner />
      <div className="mt-4 grid gap-4 lg:grid-cols-[22rem_minmax(0,1fr)]">
        <aside className="flex flex-col gap-4">
          <RoomPanel />
          <Walkthrough lab={lab} />
          {Controls ? <Controls /> : <LabControls lab={lab} />}
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
        <Panel title="Interview questions this lab answers" region="questions-panel">
          <Questions lab={lab} />
        </Panel>
        <Panel title="The code that ran" region="code-panel">
          <CodePanel lab={lab} />
        </Panel>
      </div>
    </RoomProvider>
  )
}
