/**
 * `npm run build` runs this: every lab's walkthrough, demos and questions checked against the lab's own
 * actions, so a typo in content fails the build instead of a learner's button. (A production start skips
 * the check to start faster; development starts and the tests still run it.)
 */
import { LABS } from '../lib/labs/catalogue'
import { checkContent } from '../server/engine/engine'

checkContent()
console.log(`Lab content checked: ${LABS.length} labs`)
