import t from 'tap'
import { parseCellKeyRoles } from '../../../src/config.js'
import { type Actor, statsProtection } from '../../../src/domain/access.js'

// Who gets perturbed tables: exact callers stay exact; a role in CELL_KEY_ROLES or an API client set
// to `perturbed` gets the cell key method; everyone else ≤4 suppression.

const actor = (a: Partial<Actor>): Actor => ({ sub: 'x', roles: ['dashboard'], municipalities: [], ...a })

t.test('suppression is the default for protected callers', async (t) => {
  t.equal(statsProtection(actor({}), undefined), 'suppressed')
  t.equal(statsProtection(actor({ roles: ['registrant'], municipalities: ['2184'] }), ['2184']), 'suppressed')
})

t.test('a listed role or a perturbed client gets the cell key method; neither switches back', async (t) => {
  t.equal(statsProtection(actor({}), undefined, ['dashboard']), 'perturbed')
  t.equal(statsProtection(actor({ protection: 'perturbed' }), undefined), 'perturbed')
  t.equal(statsProtection(actor({ protection: 'suppressed' }), undefined, ['dashboard']), 'perturbed')
  t.equal(statsProtection(actor({ protection: 'suppressed' }), undefined), 'suppressed')
  t.equal(statsProtection(actor({ roles: ['municipality_lead'], municipalities: ['2184'] }), ['2180'], ['dashboard']), 'suppressed', 'an unlisted role')
})

t.test('exact callers stay exact whatever is configured', async (t) => {
  t.equal(statsProtection(actor({ roles: ['regional_analyst'] }), undefined, ['regional_analyst', 'dashboard']), 'none')
  const lead = actor({ roles: ['municipality_lead'], municipalities: ['2184'] })
  t.equal(statsProtection(lead, ['2184'], ['municipality_lead']), 'none', 'a lead asking about its own municipality')
  t.equal(statsProtection(lead, ['2184', '2180'], ['municipality_lead']), 'perturbed', 'beyond it, the listed role is perturbed')
  t.equal(statsProtection(lead, undefined, ['municipality_lead']), 'perturbed')
})

t.test('CELL_KEY_ROLES names roles that read statistics', async (t) => {
  t.same(parseCellKeyRoles(undefined), [])
  t.same(parseCellKeyRoles(''), [])
  t.same(parseCellKeyRoles(' dashboard , municipality_lead,dashboard'), ['dashboard', 'municipality_lead'])
  t.throws(() => parseCellKeyRoles('dashbord'), /CELL_KEY_ROLES: dashbord/)
  t.throws(() => parseCellKeyRoles('admin'), /not a role that reads statistics/)
})
