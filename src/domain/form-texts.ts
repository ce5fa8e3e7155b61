import type { CodeListName } from './codes.js'
import type { FormVersion, Labels } from './types.js'

// The wording of the SU-X form: questions and "Hjälp och instruktioner" boxes from the 2021 form
// (report Bilaga 1), the user guide with its definitions (Bilaga 2), and English translations.
// Swedish is kept as written; only definitions, which the guide writes after a dash, start with a
// capital here. The 2020 form and guide are not among the sources, so 2020's own codes get the
// 2021 text adapted, with what the report says about the change (footnotes 18 and 36).

export type SectionKey = 'background' | 'problems' | 'interventions' | 'closing'

export const SECTION_TITLES: Record<SectionKey, Labels> = {
  background: { sv: 'Bakgrund', en: 'Background' },
  problems: { sv: 'Problematik som är relevant utifrån målen i uppdraget', en: 'Problems relevant to the goals of the assignment' },
  interventions: { sv: 'Insatser', en: 'Interventions' },
  closing: { sv: 'Avslutning', en: 'Closing' }
}

interface QuestionText { text: Labels, help: Labels | null }

const paragraphs = (...parts: Labels[]): Labels =>
  ({ sv: parts.map((p) => p.sv).join('\n\n'), en: parts.map((p) => p.en).join('\n\n') })

const same = (text: Labels, help: Labels | null = null) => (): QuestionText => ({ text, help })

const MANUAL_HELP = paragraphs(
  { sv: 'Även om man följt en intern manual t ex för placeringssamtal ska man skriva det här.', en: 'Even if an internal manual was followed, e.g. for placement talks, write it here.' },
  // Report footnote 17.
  { sv: 'Observera att även verksamheternas egna utarbetade metoder ingår i ”manualbaserade”, såvida de beskrivs i manualer eller riktlinjer på ett sätt som gör att andra kan upprepa dem.', en: 'Note that the units\' own methods also count as “manual-based”, provided they are described in manuals or guidelines in a way that lets others repeat them.' }
)

/** Question wording and help by record field. */
export const QUESTION_TEXTS: Record<string, (v: FormVersion) => QuestionText> = {
  caseRef: same({ sv: 'Ärende-id', en: 'Case id' }),
  ageAtReferral: same(
    { sv: 'Barnets ålder vid aktualisering i öppenvården', en: 'The child\'s age when referred to the outpatient unit' },
    { sv: 'Fyll i barnets kronologiska ålder. Om barnet är under 1 år, så skrivs ”0”.', en: 'Enter the child\'s chronological age. If the child is under 1 year old, enter “0”.' }
  ),
  gender: same(
    { sv: 'Barnets kön', en: 'The child\'s gender' },
    paragraphs(
      { sv: 'Vad barnet självt upplever sig som', en: 'What the child experiences themselves as' },
      {
        sv: 'Använd den könsidentitet som barnet själv uppger. Om det inte har framkommit att barnet har en annan könsidentitet än det juridiska könet fyll då i det juridiska könet. Detta kan ses på personnumrets näst sista siffra, jämn siffra för flickor och ojämn siffra för pojkar.',
        en: 'Use the gender identity the child states. If it has not emerged that the child has a gender identity other than their legal gender, enter the legal gender. It can be seen from the second-to-last digit of the personal identity number: even for girls, odd for boys.'
      }
    )
  ),
  background: same(
    { sv: 'Var är barnet/ungdomen född?', en: 'Where was the child/young person born?' },
    { sv: 'Svara på frågan utifrån den kunskap som du har om barnet/ungdomen. Är du inte säker, välj ”Vet inte”.', en: 'Answer from what you know about the child/young person. If you are not sure, choose “Not known”.' }
  ),
  referralDate: same(
    { sv: 'Vilket datum blev barnet aktualiserat i öppenvården?', en: 'On what date was the child referred to the outpatient unit?' },
    paragraphs(
      { sv: 'När ärendet kom in i utförardelen av verksamhetssystemet', en: 'When the case came into the provider part of the case management system' },
      { sv: 'Ange det datum när handläggaren ”skickade” över insatsen till öppenvården.', en: 'Enter the date on which the case worker “sent” the intervention over to the outpatient unit.' }
    )
  ),
  startDate: same(
    { sv: 'Vilket datum påbörjades insats i öppenvården?', en: 'On what date did the intervention at the outpatient unit start?' },
    paragraphs(
      { sv: 'Första gången någon i familjen träffade öppenvården', en: 'The first time anyone in the family met the outpatient unit' },
      {
        sv: 'Ange det datum som finns ifyllt i utförardelen av verksamhetssystemet. Alltså då familjebehandlaren träffade familjen för första gången (exempelvis vid ett uppstartsmöte).',
        en: 'Enter the date recorded in the provider part of the case management system, that is, when the family therapist met the family for the first time (for example at a start-up meeting).'
      }
    )
  ),
  previouslyKnown: same(
    { sv: 'Har barnet varit aktuellt inom öppenvården tidigare?', en: 'Has the child been a case at the outpatient unit before?' },
    paragraphs(
      {
        sv: 'Då vi oftast bara kan få tillgång till om barnet har varit aktuellt inom den egna öppenvården görs denna sökning enklast i utförardelen av verksamhetssystemet. Sök på barnets personnummer för att få upp nya/pågående/avslutade insatser för aktuellt barn.',
        en: 'As we can usually only find out whether the child has been a case at our own outpatient unit, this search is easiest in the provider part of the case management system. Search on the child\'s personal identity number to bring up new, ongoing and closed interventions for the child.'
      },
      {
        sv: 'I formuläret registreras inte\n• Observationsuppdrag – detta då observationsuppdrag i sig inte innebär någon behandlingsinsats.',
        en: 'Not registered in the form:\n• Observation assignments – an observation assignment is not in itself a treatment intervention.'
      }
    )
  ),
  problems: same(
    {
      sv: 'Ange den huvudsakliga problematiken utifrån beskrivningen i uppdraget. På denna fråga kan du välja högst tre alternativ.',
      en: 'State the main problems as described in the assignment. You may choose at most three options.'
    },
    paragraphs(
      {
        sv: 'Utgå från den senaste versionen av uppdrag och mål. Se ”Begreppsdefinitioner för huvudsaklig problematik” i lathunden',
        en: 'Start from the latest version of the assignment and its goals. See “Definitions of main problems” in the quick guide (given with each code here)'
      },
      {
        sv: '(de flesta definitioner motsvarar Gävleborgs läns anmälningsorsaker – se Åsbrink 2020)',
        en: '(most definitions correspond to the reasons for reports of concern used in Gävleborg county – see Åsbrink 2020)'
      }
    )
  ),
  otherProblem: same({ sv: 'Ange vilken annan huvudsaklig problematik', en: 'State which other main problem' }),
  interventions: (v) => ({
    text: {
      sv: 'Vilken eller vilka insatser har barnet eller vårdnadshavare fått? På denna fråga kan du välja flera alternativ.',
      en: 'Which intervention or interventions did the child or guardian receive? You may choose several options.'
    },
    help: paragraphs(
      {
        sv: 'Ange bara manualbaserade metoder där merparten av programmet/metoden fullföljts enligt manual',
        en: 'Only enter manual-based methods where most of the programme/method was completed according to the manual'
      },
      // 2020 has no never_started, so a 2020 record always names an intervention.
      ...(v === '2021' ? [{ sv: 'När insatsen inte startas markeras inget av svarsalternativen.', en: 'When the intervention does not start, none of the options is marked.' }] : [])
    )
  }),
  manualMethods: (v) => ({
    text: v === '2021'
      ? { sv: 'Ange vilken/vilka andra manualbaserade metoder', en: 'State which other manual-based method(s)' }
      : { sv: 'Ange vilken/vilka manualbaserade metoder', en: 'State which manual-based method(s)' },
    help: MANUAL_HELP
  }),
  otherIntervention: same({ sv: 'Ange vilken/vilka andra, ej manualbaserade insatser', en: 'State which other, non-manual intervention(s)' }),
  comment: same(
    { sv: 'Övriga kommentarer', en: 'Other comments' },
    {
      sv: 'Ibland kan en familj vid sidan av interna öppenvårdsinsatser även få externa insatser. Då noterar man det i fritextfältet (t ex ”Trappan – extern insats”).',
      en: 'Sometimes a family also receives external interventions alongside the outpatient unit\'s own. Note that in the free-text field (e.g. “Trappan – extern insats”).'
    }
  ),
  closingDate: same(
    { sv: 'Vilket datum avslutades ärendet i öppenvården?', en: 'On what date was the case closed at the outpatient unit?' },
    {
      sv: 'Ange det datum som finns ifyllt i öppenvårdens verksamhetssystem. Alltså då familjebehandlaren registrerat att insatsen är avslutad.',
      en: 'Enter the date recorded in the outpatient unit\'s case management system, that is, when the family therapist registered the intervention as closed.'
    }
  ),
  closureReason: same(
    { sv: 'Avslutsorsak', en: 'Reason for closure' },
    {
      sv: 'Ange den avslutsorsak som stämmer bäst överens med anledningen till att insatsen avslutas inom öppenvården.',
      en: 'Choose the closure reason that best matches why the intervention at the outpatient unit ends.'
    }
  ),
  // The guide also asks to number the reason in the comment; SUReg had one shared comment box,
  // here the comment belongs to the chosen reason, so only the guide's first sentence applies.
  closureComment: same(
    {
      sv: 'Förtydliga hur insatsen inte svarar mot barnets behov (t ex behov av placering eller annan insats istället) // Ange vilken/vilka andra avslutsorsaker (t ex att familjen flyttat)',
      en: 'Explain how the intervention does not meet the child\'s needs (e.g. a need for placement or another intervention instead) // State which other closure reason(s) (e.g. that the family moved)'
    },
    {
      sv: 'I rutan för övriga kommentarer går det att förtydliga hur insatsen inte svarar mot barnets behov (t.ex behov av placering eller annan insats istället) samt att ange vilken/vilka andra avslutsorsaker som har föranlett insatsens avslut.',
      en: 'In the comment box you can explain how the intervention does not meet the child\'s needs (e.g. a need for placement or another intervention instead) and state which other closure reason(s) led to the intervention ending.'
    }
  )
}

const SUBCATEGORIES: Labels = {
  sv: 'Handlar om främst två underkategorier:\n1) Psykisk ohälsa/funktionsnedsättning konstaterat, ex. genom rapporterad diagnos eller via samråd med hälsovård.\n2) Psykisk problematik förmodad, pga. uppvisad oro, nedstämdhet, depression, uppförandestörning.',
  en: 'Mainly two subcategories:\n1) Mental ill-health/disability established, e.g. through a reported diagnosis or in consultation with health care.\n2) Mental problems presumed, because of displayed anxiety, low mood, depression, conduct disorder.'
}

const MANUAL_DEFINITION: Labels = {
  sv: 'Här inryms alla metoder som följer en färdig struktur/manual och där familjen/barnet har genomgått minst 50 % av behandlingsupplägget. I rutan skriver man vilken eller vilka metoder som har använts. Exempel på metoder är Trygghetscirkeln, KIBB, Tryggare Barn, A-CRA osv.',
  en: 'All methods that follow a set structure/manual where the family/child has completed at least 50 % of the treatment plan. Write in the box which method or methods were used. Examples are Trygghetscirkeln, KIBB, Tryggare Barn, A-CRA, etc.'
}

const CRISIS_DEFINITION: Labels = {
  sv: 'Hit räknas alla de manualbaserade krisstöd som familjer får under en begränsad period (oftast några veckor) i samband med att en orosanmälan om våld mot barnet har inkommit till socialtjänsten. Till exempel I Stunden, Efter Barnförhöret osv.',
  en: 'All manual-based crisis support that families receive for a limited period (usually a few weeks) after a report of concern about violence against the child has reached social services. For example I Stunden, Efter Barnförhöret, etc.'
}

const OTHER_PROBLEM: Labels = {
  sv: 'Om en annan problematik än någon av ovanstående hör till de tre viktigaste, används det här svarsalternativet och förtydligas i fritextrutan.',
  en: 'If a problem other than those above is among the three most important, this option is used and specified in the free-text box.'
}

type Definition = Labels | ((v: FormVersion) => Labels)

const DEFINITIONS: Partial<Record<CodeListName, Record<string, Definition>>> = {
  problem: {
    violence_abuse: { sv: 'Utsatt för fysiskt eller psykiskt våld, kränkningar, sexuella övergrepp.', en: 'Subjected to physical or psychological violence, violations, sexual abuse.' },
    domestic_violence: {
      sv: 'Våld mellan familjemedlemmar. Barnet tvingas bevittna (se eller höra) våld i sin närmiljö eller leva i en miljö där våld eller hot förekommer ofta.',
      en: 'Violence between family members. The child is forced to witness (see or hear) violence in their immediate surroundings or to live where violence or threats are frequent.'
    },
    honour_violence: {
      sv: 'Kännetecknas av att det är kollektivt utövat, dvs. att det kan vara flera förövare, t.ex. inom den närmaste familjen, samt att det kan vara sanktionerat eller pådrivet från omgivningen.',
      en: 'Characterised by being exercised collectively, i.e. there may be several perpetrators, e.g. within the immediate family, and it may be sanctioned or driven by the surroundings.'
    },
    family_relationship: {
      sv: 'Konflikter mellan familjemedlemmar. Innefattar även konflikter i samband med och efter separation mellan föräldrar.',
      en: 'Conflicts between family members. Also includes conflicts during and after a separation between parents.'
    },
    parenting_deficits: {
      sv: 'Omsorgssvikt pga. bristande tillsyn, bristande gränssättning, övervakning samt auktoritära uppfostringsmetoder.',
      en: 'Failure of care due to inadequate supervision, inadequate limit-setting and monitoring, and authoritarian parenting methods.'
    },
    parent_mental_health: paragraphs({
      sv: 'Omsorgssvikt pga. psykisk ohälsa hos förälder/föräldrar. (Observera att intellektuell funktionsnedsättning inte inkluderas här).',
      en: 'Failure of care due to mental ill-health in one or both parents. (Note that intellectual disability is not included here.)'
    }, SUBCATEGORIES),
    parent_mental_health_or_id: {
      sv: 'Omsorgssvikt pga. psykisk ohälsa eller intellektuell funktionsnedsättning hos förälder/föräldrar. Från och med 2021 delas förälders ”psykiska ohälsa” respektive ”intellektuella funktionsnedsättning” upp i formuläret, för att få en mer nyanserad bild.',
      en: 'Failure of care due to mental ill-health or intellectual disability in one or both parents. From 2021 the form separates a parent\'s “mental ill-health” and “intellectual disability”, to give a more nuanced picture.'
    },
    parent_substance_abuse: {
      sv: 'Omsorgssvikt pga. missbruk / beroende av alkohol, narkotika eller läkemedel hos förälder/föräldrar.',
      en: 'Failure of care due to abuse of or dependence on alcohol, drugs or medicines in one or both parents.'
    },
    child_mental_health: paragraphs({
      sv: 'Rör psykisk ohälsa hos barnet/ungdomen av mer eller mindre allvarlig art.',
      en: 'Concerns mental ill-health of the child/young person, more or less serious.'
    }, SUBCATEGORIES),
    behaviour_problems: {
      sv: 'Kan ses som ett samlingsbegrepp för en ”stökig” social situation för ett barn/ungdom som ex. innefattar utagerande (allvarliga konflikter med kamrater och andra vuxna), riskfyllt sexuellt beteende, alkohol och drogbruk i mindre skala, vistas i kriminella miljöer. Vanligt att flera problemområden förekommer parallellt.',
      en: 'An umbrella term for a “turbulent” social situation for a child/young person, including e.g. acting out (serious conflicts with peers and other adults), risky sexual behaviour, small-scale alcohol and drug use, spending time in criminal environments. Several problem areas commonly occur in parallel.'
    },
    school_problems: {
      sv: 'Rör barnets/ungdomens situation på skolan, ex. om problem i relationer till andra barn (mobbar eller mobbas) och vuxna, skolk eller skolvägran.',
      en: 'Concerns the child\'s/young person\'s situation at school, e.g. problems in relationships with other children (bullying or being bullied) and adults, truancy or school refusal.'
    },
    own_criminality: {
      sv: 'Mer allvarliga lagöverträdelser, ex. stöld, skadegörelse, misshandel, inbrott, trafikbrott, vapeninnehav. Lagförda brott eller sådana brott som förväntas leda till åtal, strafföreläggande eller åtalsunderlåtelse.',
      en: 'More serious offences, e.g. theft, criminal damage, assault, burglary, traffic offences, possession of weapons. Offences that have been prosecuted or are expected to lead to prosecution, a summary penalty order or a waiver of prosecution.'
    },
    own_substance_abuse: {
      sv: 'Mer uttalat och allvarligare bruk av alkohol och droger. Ett bruk som negativt påverkar ungdomens sociala situation (skolan, familjerelationer), fortsatt bruk trots erfarenheter av negativa konsekvenser.',
      en: 'More pronounced and more serious use of alcohol and drugs. Use that harms the young person\'s social situation (school, family relationships); continued use despite experience of negative consequences.'
    },
    // In 2020 a parent's intellectual disability belonged to parent_mental_health_or_id, so the
    // guide's example for "other" only holds from 2021.
    other: (v) => v === '2021'
      ? paragraphs(OTHER_PROBLEM, { sv: 'T ex förälders intellektuella funktionsnedsättning.', en: 'E.g. a parent\'s intellectual disability.' })
      : OTHER_PROBLEM
  },
  intervention: {
    traditional_family_treatment: (v) => {
      const base: Labels = {
        sv: 'Med detta menas all behandling som inte följt en manual eller specifik metod. Behandling som räknas inom detta område kan ses som skräddarsytt för familjen och/eller att det inte varit möjligt att genomgå en manualbaserad metod av olika anledningar.',
        en: 'All treatment that did not follow a manual or specific method. Treatment counted here can be seen as tailored to the family and/or given because it was not possible, for various reasons, to go through a manual-based method.'
      }
      return v === '2021' ? base : paragraphs(base, {
        sv: 'I 2020 års uppgifter ingår även praktiskt stöd till ungdomen själv, t ex när ungdomen just flyttat hemifrån och behöver stöd i att hitta fungerande vardagsrutiner. Från 2021 finns alternativet ”Annan ej manualbaserad insats” för den typen av insatser.',
        en: 'In the 2020 data this also includes practical support to the young person, e.g. one who has just left home and needs support to establish everyday routines. From 2021 the option “Other non-manual intervention” covers such interventions.'
      })
    },
    crisis_support: CRISIS_DEFINITION,
    other_manual_method: paragraphs(MANUAL_DEFINITION, {
      sv: 'Även om man följt en intern manual t ex för placeringssamtal ska man skriva det här.',
      en: 'Even if an internal manual was followed, e.g. for placement talks, write it here.'
    }),
    other_non_manual: {
      sv: 'Här inryms alla insatser som inte är Traditionell familjebehandling och inte följer en särskild manual. T ex stöd till ungdomar som flyttar hemifrån för att klara vardagsrutiner och ekonomi.',
      en: 'All interventions that are not traditional family treatment and do not follow a particular manual. E.g. support to young people leaving home to manage everyday routines and finances.'
    },
    // 2020 had one manual option; crisis support was then one of the named methods.
    manual_method: paragraphs(MANUAL_DEFINITION, {
      sv: 'Hit räknas även krisstöd vid orosanmälan om våld mot barn, t ex I Stunden, Efter Barnförhöret.',
      en: 'This also covers crisis support after a report of concern about violence against a child, e.g. I Stunden, Efter Barnförhöret.'
    })
  },
  closure_reason: {
    goals_met: {
      sv: 'Vid insatser där alla eller större delen av målen har uppnåtts används denna avslutsorsak. Anledningen till att den är något bredare än att bara fokusera på helt uppnådda mål är att målen i uppdraget både kan vara många och ibland stora och att de då spänner över många områden. Har man dock skrivit en tydlig genomförandeplan med mål nedbrutna till delmål kan det vara lättare att överblicka om målen uppfyllts eller inte.',
      en: 'Used for interventions where all or most of the goals were met. It is broader than fully met goals only because the goals of an assignment can be many and sometimes large, spanning many areas. With a clear implementation plan that breaks the goals down into sub-goals it can be easier to see whether they were met.'
    },
    not_matching_needs: {
      sv: 'Ibland passar inte insatsen familjen och det kan vara så att någon annan verksamhet behöver ta över (exempelvis BUP eller barn- och familjehälsan) eller att barnet behöver placeras under en tid. Skriv varför insatsen inte svarar mot barnets behov i kommentarsfältet längst ner.',
      en: 'Sometimes the intervention does not suit the family, and another service may need to take over (for example child and adolescent psychiatry, BUP, or child and family health services), or the child may need to be placed for a time. Write why the intervention does not meet the child\'s needs in the comment field.'
    },
    discontinued_by_guardian: {
      sv: 'Detta alternativ används om föräldern/föräldrarna av olika anledningar inte vill delta i insatsen och att avbrottet inte är planerat i samråd med familjebehandlaren eller socialsekreteraren.',
      en: 'Used when the parent(s), for whatever reason, do not want to take part in the intervention and the discontinuation was not planned together with the family therapist or social worker.'
    },
    discontinued_by_child: {
      sv: 'Detta alternativ används om barnet/ungdomen av olika anledningar inte vill delta i insatsen och att avbrottet inte är planerat i samråd med familjebehandlaren eller socialsekreteraren. Gäller också om ungdomen fyller 18 år och tackar nej till fortsatt insats.',
      en: 'Used when the child/young person, for whatever reason, does not want to take part in the intervention and the discontinuation was not planned together with the family therapist or social worker. Also applies when the young person turns 18 and declines continued intervention.'
    },
    never_started: {
      sv: 'Ibland inkommer det insatser där planering för uppstart genomförs men att familjen sedan drar sig ur innan uppstarten hinner genomföras. Det kan även vara så att familjen har fått en annan insats via ex. BUP, vilket gör att familjen i detta skede tackar nej till behandling via öppenvården.',
      en: 'Sometimes an intervention arrives and its start is planned, but the family withdraws before it can start. The family may also have received another intervention, e.g. via BUP, and therefore declines treatment from the outpatient unit at this stage.'
    },
    other: {
      sv: 'Om ingen av ovanstående avslutsorsaker anses relevanta används denna avslutsorsak och förtydligas i fritextrutan. T ex om familjen flyttat från kommunen.',
      en: 'If none of the reasons above is relevant, this reason is used and specified in the free-text box. E.g. if the family moved away from the municipality.'
    }
  }
}

/** The user guide's definition of a code in a form version, if it gives one. */
export function codeDefinition (list: CodeListName, code: string, version: FormVersion): Labels | undefined {
  const d = DEFINITIONS[list]?.[code]
  return typeof d === 'function' ? d(version) : d
}
