import t from 'tap'
import { compileDateFormat, ISO_DATE, parseDate } from '../../../src/domain/import/dates.js'

// Date formats of import profiles: ISO, compact, day-first Swedish, month names, times ignored.

const formats = (...patterns: string[]) => patterns.map((p) => compileDateFormat(p)!)

t.test('each format reads its own spelling of a day, as YYYY-MM-DD', async (t) => {
  const cases: Array<[string, string, string]> = [
    ['YYYY-MM-DD', '2021-01-11', '2021-01-11'],
    ['YYYYMMDD', '20210111', '2021-01-11'],
    ['D/M YYYY', '1/3 2021', '2021-03-01'],
    ['DD.MM.YYYY', '01.03.2021', '2021-03-01'],
    ['D MMM YYYY', '3 feb 2021', '2021-02-03'],
    ['D MMM YYYY', '3 februari 2021', '2021-02-03'],
    ['D MMM YYYY', '17 Okt. 2021', '2021-10-17'],
    ['D MMM YYYY', '5 May 2021', '2021-05-05'],
    ['YYYY-MM-DD hh:mm', '2021-03-03 00:00', '2021-03-03'],
    ['YYYY-MM-DD hh:mm:ss', ' 2021-03-03 13:45:10 ', '2021-03-03']
  ]
  for (const [pattern, text, iso] of cases) t.equal(parseDate(text, formats(pattern)), iso, `${pattern}: ${text}`)
})

t.test('a day that does not exist, or text in another format, is no date', async (t) => {
  for (const text of ['2021-02-29', '2021-13-01', '2021-00-10', '20210132', '11/01/2021', '2021-1-5', 'igår', '']) {
    t.equal(parseDate(text, [ISO_DATE, ...formats('YYYYMMDD')]), null, text)
  }
  t.equal(parseDate('2020-02-29', [ISO_DATE]), '2020-02-29', 'a leap day is a day')
  t.equal(parseDate('3 smörgås 2021', formats('D MMM YYYY')), null, 'an unknown month name')
})

t.test('the first format that fits wins, so day-first and month-first are never guessed', async (t) => {
  t.equal(parseDate('02/03/2021', formats('DD/MM/YYYY', 'MM/DD/YYYY')), '2021-03-02')
  t.equal(parseDate('02/13/2021', formats('DD/MM/YYYY', 'MM/DD/YYYY')), '2021-02-13', 'the next format when the first names no real day')
})

t.test('a format must name the year, the month and the day exactly once', async (t) => {
  for (const bad of ['DD.MM.YY', 'YYYY-MM', 'YYYY-MM-DD-DD', 'hh:mm', 'YYYY YYYY-MM-DD']) t.equal(compileDateFormat(bad), null, bad)
  t.ok(compileDateFormat('D MMM YYYY'))
  t.equal(compileDateFormat('YYYY.MM.DD')!.regex.test('2021x01x11'), false, 'literal characters are literal')
})
