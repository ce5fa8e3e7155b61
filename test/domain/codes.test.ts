import t from 'tap'
import {
  CODE_LIST_NAMES, CODE_LISTS, codesFor, findCode, harmonizeInterventions, harmonizeProblem, isCodeListName,
  isCrisisSupportMethod, isKnownManualMethod, isValidCode, label, normalizeManualMethod, problemCodesFor, STAT_PROBLEMS
} from '../../src/domain/codes.js'
import { FORM_VERSIONS } from '../../src/domain/types.js'

t.test('every code of every list has a Swedish and an English label and at least one version', async (t) => {
  for (const name of CODE_LIST_NAMES) {
    for (const c of CODE_LISTS[name].codes) {
      t.ok(c.labels.sv.trim().length > 0, `${name}.${c.code} sv`)
      t.ok(c.labels.en.trim().length > 0, `${name}.${c.code} en`)
      t.ok(c.versions.length > 0 && c.versions.every((v) => FORM_VERSIONS.includes(v)), `${name}.${c.code} versions`)
    }
    t.ok(CODE_LISTS[name].title.sv && CODE_LISTS[name].title.en, `${name} title`)
  }
})

t.test('codes are unique within each list', async (t) => {
  for (const name of CODE_LIST_NAMES) {
    const codes = CODE_LISTS[name].codes.map((c) => c.code)
    t.equal(new Set(codes).size, codes.length, name)
  }
})

t.test('the 2021 problems are the thirteen of SPEC §2 with parent_mental_health', async (t) => {
  t.same(codesFor('problem', '2021'), [
    'violence_abuse', 'domestic_violence', 'honour_violence', 'family_relationship', 'parenting_deficits',
    'parent_mental_health', 'parent_substance_abuse', 'child_mental_health', 'behaviour_problems', 'school_problems',
    'own_criminality', 'own_substance_abuse', 'other'
  ])
  t.equal(label('problem', 'parent_mental_health', 'sv'), 'Brister i hemmiljön, pga. psykisk ohälsa hos förälder')
})

t.test('the 2020 problems have parent_mental_health_or_id in place of parent_mental_health', async (t) => {
  const v2020 = codesFor('problem', '2020')
  t.ok(v2020.includes('parent_mental_health_or_id'))
  t.notOk(v2020.includes('parent_mental_health'))
  t.equal(v2020.length, 13)
  t.equal(label('problem', 'parent_mental_health_or_id', 'sv'),
    'Brister i hemmiljön, pga. psykisk ohälsa/intellektuell funktionsnedsättning hos förälder')
  t.notOk(isValidCode('problem', '2021', 'parent_mental_health_or_id'))
  t.notOk(isValidCode('problem', '2020', 'parent_mental_health'))
})

t.test('interventions differ by version as SPEC §2 says', async (t) => {
  t.same(codesFor('intervention', '2021'), ['traditional_family_treatment', 'crisis_support', 'other_manual_method', 'other_non_manual'])
  t.same(codesFor('intervention', '2020'), ['traditional_family_treatment', 'manual_method'])
})

t.test('never_started is a closure reason only in 2021', async (t) => {
  const common = ['goals_met', 'not_matching_needs', 'discontinued_by_guardian', 'discontinued_by_child', 'other']
  t.same(codesFor('closure_reason', '2020'), common)
  t.same(new Set(codesFor('closure_reason', '2021')), new Set([...common, 'never_started']))
})

t.test('background exists only in 2021, gender other only in 2021, previously known in both', async (t) => {
  t.same(codesFor('background', '2020'), [])
  t.same(codesFor('background', '2021'), [
    'born_se_both_parents_se', 'born_se_one_parent_abroad', 'born_se_both_parents_abroad', 'born_europe', 'born_outside_europe', 'unknown'
  ])
  t.same(codesFor('gender', '2020'), ['girl', 'boy'])
  t.same(codesFor('gender', '2021'), ['girl', 'boy', 'other'])
  for (const v of FORM_VERSIONS) t.same(codesFor('previously_known', v), ['no', 'once', 'several', 'unknown'])
})

t.test('the known manual methods of SPEC §2 are all listed in both versions', async (t) => {
  const known = ['A-CRA', 'Bassamtal', 'Föräldraplan', 'Hemflyttssamtal efter placering', 'IHF', 'Jag och min familj', 'KIBB',
    'Krisstöd vid orosanmälan om våld mot barn', 'Marte meo', 'Placeringssamtal', 'PYC', 'Påverkansprogrammet', 'Samarbetssamtal',
    'Tryggare barn', 'Trygghetscirkeln', 'Återfallsprevention', 'I Stunden', 'Efter barnförhöret']
  for (const v of FORM_VERSIONS) t.same(new Set(codesFor('manual_method', v)), new Set(known), v)
})

t.test('statistics rows use the 2021 problem coding', async (t) => {
  t.same(STAT_PROBLEMS, codesFor('problem', '2021'))
})

t.test('code list names are recognised and nothing else is', async (t) => {
  t.ok(isCodeListName('problem'))
  t.notOk(isCodeListName('toString'))
  t.notOk(isCodeListName('problems'))
  t.equal(findCode('gender', 'nope'), undefined)
})

t.test('the label of an unknown code is the code itself', async (t) => {
  t.equal(label('manual_method', 'Egen metod', 'en'), 'Egen metod')
  t.equal(label('gender', 'girl', 'en'), 'Girl')
})

t.test('manual method names are matched case-insensitively and stored in the known spelling', async (t) => {
  t.equal(normalizeManualMethod('pyc'), 'PYC')
  t.equal(normalizeManualMethod('TRYGGHETSCIRKELN'), 'Trygghetscirkeln')
  t.equal(normalizeManualMethod('  marte   MEO '), 'Marte meo')
  t.equal(normalizeManualMethod('i stunden'), 'I Stunden')
  t.equal(normalizeManualMethod('återfallsprevention'), 'Återfallsprevention')
})

t.test('manual method aliases resolve to their known names', async (t) => {
  t.equal(normalizeManualMethod('Circle of Security'), 'Trygghetscirkeln')
  t.equal(normalizeManualMethod('circle of security'), 'Trygghetscirkeln')
  t.equal(normalizeManualMethod('COS'), 'Trygghetscirkeln')
  t.equal(normalizeManualMethod('cos'), 'Trygghetscirkeln')
  t.equal(normalizeManualMethod('Parenting young children'), 'PYC')
  t.equal(normalizeManualMethod('PARENTING YOUNG CHILDREN'), 'PYC')
})

t.test('an unknown manual method name is kept as written, only trimmed', async (t) => {
  t.equal(normalizeManualMethod('Egen samtalsmanual'), 'Egen samtalsmanual')
  t.equal(normalizeManualMethod(' ABC-metoden '), 'ABC-metoden')
  t.equal(normalizeManualMethod('mST'), 'mST')
  t.ok(isKnownManualMethod('pyc'))
  t.notOk(isKnownManualMethod('Egen samtalsmanual'))
})

t.test('crisis-support methods are recognised whatever their case', async (t) => {
  t.ok(isCrisisSupportMethod('I Stunden'))
  t.ok(isCrisisSupportMethod('efter barnförhöret'))
  t.ok(isCrisisSupportMethod('Krisstöd vid orosanmälan om våld mot barn'))
  t.notOk(isCrisisSupportMethod('KIBB'))
})

t.test('a 2020 manual method with crisis support counts as crisis_support', async (t) => {
  t.same(harmonizeInterventions('2020', ['manual_method'], ['I Stunden']), ['crisis_support'])
  t.same(harmonizeInterventions('2020', ['traditional_family_treatment', 'manual_method'], ['Efter barnförhöret']),
    ['traditional_family_treatment', 'crisis_support'])
  t.same(harmonizeInterventions('2020', ['manual_method'], ['KIBB', 'krisstöd vid orosanmälan om våld mot barn']), ['crisis_support'])
})

t.test('a 2020 manual method without crisis support counts as other_manual_method', async (t) => {
  t.same(harmonizeInterventions('2020', ['manual_method'], ['KIBB', 'Trygghetscirkeln']), ['other_manual_method'])
  t.same(harmonizeInterventions('2020', ['manual_method'], ['Egen manual']), ['other_manual_method'])
  t.same(harmonizeInterventions('2020', ['traditional_family_treatment'], []), ['traditional_family_treatment'])
})

t.test('2021 interventions are left as submitted', async (t) => {
  const interventions = ['traditional_family_treatment', 'other_manual_method']
  t.same(harmonizeInterventions('2021', interventions, ['I Stunden']), interventions)
})

t.test('2020 parent_mental_health_or_id is harmonised to parent_mental_health and other problems are unchanged', async (t) => {
  t.equal(harmonizeProblem('parent_mental_health_or_id'), 'parent_mental_health')
  t.equal(harmonizeProblem('parent_mental_health'), 'parent_mental_health')
  t.equal(harmonizeProblem('school_problems'), 'school_problems')
  t.same(problemCodesFor('parent_mental_health'), ['parent_mental_health', 'parent_mental_health_or_id'])
  t.same(problemCodesFor('other'), ['other'])
})
