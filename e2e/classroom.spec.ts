import { expect, test } from '@playwright/test'
import { rows } from './support'

test('a host runs a poll and the class fires the burst: predictions, requests by name, the measured result', async ({ browser }) => {
  // The instructor on a laptop, a student on a phone: two separate browsers.
  const hostCtx = await browser.newContext({ viewport: { width: 1440, height: 1000 } })
  const phoneCtx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
  const host = await hostCtx.newPage()
  const phone = await phoneCtx.newPage()
  try {
    await host.goto('/classroom')
    await host.getByRole('button', { name: 'Start a session' }).click()
    await expect(host).toHaveURL(/\/session\/[A-Z2-9]{6}\/host$/)
    const code = (await host.getByTestId('join-code').textContent())!.replace('-', '')
    await expect(host.getByTestId('connection')).toHaveAttribute('data-state', 'live')

    // The student types the code (in lower case, with the dash) and a name.
    await phone.goto('/join')
    await phone.getByLabel('Join code').fill(`${code.slice(0, 3).toLowerCase()}-${code.slice(3).toLowerCase()}`)
    await phone.getByLabel('Your display name').fill('Ada')
    await phone.getByRole('button', { name: 'Join the session' }).click()
    await expect(phone).toHaveURL(new RegExp(`/session/${code}$`))
    await expect(phone.getByTestId('my-name')).toHaveText('Ada')
    await expect(phone.getByTestId('connection')).toHaveAttribute('data-state', 'live')
    await expect(host.getByTestId('presence-names')).toHaveText('Ada')
    // A participant has no lab controls of their own.
    await expect(phone.getByRole('button', { name: 'Read', exact: true })).toHaveCount(0)

    // The host moves the walkthrough on; the phone follows.
    await host.getByRole('button', { name: 'Next step' }).click()
    await expect(phone.getByTestId('walkthrough-progress')).toHaveText(/^Step 2 of/)
    await expect(phone.getByTestId('walkthrough-following')).toBeVisible()

    // The host caches user 1; then a prediction poll: the student predicts no database query at all.
    await host.getByRole('button', { name: 'Read user' }).click()
    await expect(rows(host, 'set', { key: 'user:1' })).toHaveCount(1)
    await host.getByRole('button', { name: /Everyone fires reads of user 1/ }).click()
    await expect(phone.getByTestId('poll')).toHaveAttribute('data-open', 'true')
    await phone.getByTestId('poll').locator('[data-option="0"] button').click()
    await expect(host.getByTestId('poll').locator('[data-option="0"]')).toHaveAttribute('data-count', '1')
    await host.getByRole('button', { name: 'Close predictions' }).click()
    await expect(phone.getByTestId('poll')).toHaveAttribute('data-open', 'false')

    // The class is the burst: the host opens the lab, the student fires twice.
    await expect(phone.getByTestId('fire')).toHaveCount(0)
    await host.getByRole('button', { name: 'Let everyone fire' }).click()
    await phone.getByTestId('fire').click()
    await expect(phone.getByText(/10 of your requests reached the lab/)).toBeVisible()
    await phone.getByTestId('fire').click()
    await expect(phone.getByText(/20 of your requests reached the lab/)).toBeVisible()
    // The timeline draws only the rows in view: filter it to the requests and count them all (the host's
    // read and Ada's 20), then look at the newest.
    await host.getByLabel('Filter the timeline').fill('request')
    await expect(host.getByTestId('timeline-count')).toHaveAttribute('data-count', '21')
    await expect(rows(host, 'request').last()).toContainText('by Ada')
    await host.getByLabel('Filter the timeline').fill('')

    // The measured result: all 20 reads were hits (the host's read was the one query, before the poll closed).
    await host.getByRole('button', { name: 'Show the measured result' }).click()
    await expect(host.getByTestId('poll-outcome')).toContainText('Measured: 0')
    await expect(phone.getByTestId('poll-outcome')).toContainText('Measured: 0 — 1 of 1 predicted it')
    await expect(host.getByTestId('stat-tiles').locator('[data-stat="DB queries"]')).toHaveText('1')
    await host.screenshot({ path: 'docs/screenshots/classroom-host.png' })
    await phone.screenshot({ path: 'docs/screenshots/classroom-participant.png' })

    // The host locks the class out again.
    await host.getByRole('button', { name: 'Lock the class out' }).click()
    await expect(phone.getByTestId('fire')).toHaveCount(0)

    // Presenter mode, from the host's browser: the code and the key figures, large.
    const projector = await hostCtx.newPage()
    await projector.setViewportSize({ width: 1920, height: 1080 })
    await projector.goto(`/session/${code}/present`)
    await expect(projector.getByTestId('presenter-code')).toHaveText(`${code.slice(0, 3)}-${code.slice(3)}`)
    await expect(projector.getByTestId('presenter').locator('[data-stat="DB queries"]')).toHaveText('1')

    // A phone that reloads comes back as Ada, and the host's page survives a reload as the host.
    await phone.reload()
    await expect(phone.getByTestId('my-name')).toHaveText('Ada')
    await host.reload()
    await expect(host.getByTestId('join-code')).toBeVisible()
    await expect(host.getByTestId('presence-names')).toHaveText('Ada')
  } finally {
    await hostCtx.close()
    await phoneCtx.close()
  }
})

test('a wrong code is refused on the join page, and a stranger cannot host', async ({ page }) => {
  await page.goto('/join')
  await page.getByLabel('Join code').fill('ABC-DE')
  await page.getByLabel('Your display name').fill('Eve')
  await page.getByRole('button', { name: 'Join the session' }).click()
  await expect(page.getByRole('alert').filter({ hasText: '6 letters and digits' })).toBeVisible()
  await page.getByLabel('Join code').fill('ZZZ-ZZZ')
  await page.getByRole('button', { name: 'Join the session' }).click()
  await expect(page.getByRole('alert').filter({ hasText: 'There is no session ZZZ-ZZZ' })).toBeVisible()

  const res = await page.request.post('/api/sessions', { data: { lab: 'ttl' } })
  const { code } = (await res.json()) as { code: string }
  await page.goto(`/session/${code}/host`)
  await expect(page.getByRole('alert').filter({ hasText: 'This browser is not the host' })).toBeVisible()
})
