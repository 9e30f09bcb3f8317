'use client'

import type { ComponentType } from 'react'
import { RaceRandom } from './races-random'
import { RaceStepper } from './races-stepper'

/** Panels the races lab shows above its timeline: the interleaving stepper, and the randomised mode. */
export const racesPanels: ComponentType<{ lab: string }>[] = [RaceStepper, RaceRandom]
