import t from 'tap'
import { containsIdentityNumber, isIdentityNumber } from '../../src/domain/identity-number.js'

// Check digits below were computed with the Luhn algorithm over the 10-digit form.

t.test('the well-known test numbers are identity numbers in every spelling', async (t) => {
  for (const s of ['19121212-1212', '191212121212', '121212-1212', '1212121212', '121212+1212', '811228-9874', '8112289874', '19811228-9874']) {
    t.ok(isIdentityNumber(s), s)
    t.ok(containsIdentityNumber(s), s)
  }
})

t.test('surrounding white space does not hide an identity number', async (t) => {
  t.ok(isIdentityNumber('  811228-9874\n'))
})

t.test('a wrong check digit is not an identity number', async (t) => {
  for (const s of ['19121212-1213', '121212-1210', '811228-9875', '8112289870']) {
    t.notOk(isIdentityNumber(s), s)
    t.notOk(containsIdentityNumber(s), s)
  }
})

t.test('a coordination number with day 61 is detected', async (t) => {
  t.ok(isIdentityNumber('900161-1236'))
  t.ok(containsIdentityNumber('samordningsnr 9001611236'))
})

t.test('a coordination number with day 91 is detected when the month has 31 days', async (t) => {
  t.ok(isIdentityNumber('9001911230'))
  t.ok(isIdentityNumber('701063-2391'))
})

t.test('a coordination day beyond the month (day 92) is not detected', async (t) => {
  t.notOk(isIdentityNumber('9001921239'))
})

t.test('an invalid calendar date is not detected even with a valid check digit', async (t) => {
  t.notOk(isIdentityNumber('900230-1233'), 'February 30')
  t.notOk(isIdentityNumber('19900230-1233'), 'February 30, 12 digits')
  t.notOk(containsIdentityNumber('nummer 199002301233'))
  t.notOk(isIdentityNumber('901301-1235'), 'month 13')
  t.notOk(isIdentityNumber('900001-1230'), 'month 00')
  t.notOk(isIdentityNumber('900100-1230'), 'day 00')
  t.notOk(isIdentityNumber('900160-1237'), 'day 60 is neither a date nor a coordination day')
})

t.test('a 12-digit February 29 counts only in a leap year', async (t) => {
  t.ok(isIdentityNumber('20000229-1235'), '2000 was a leap year')
  t.notOk(isIdentityNumber('19000229-1235'), '1900 was not')
  t.ok(isIdentityNumber('20040229-1231'))
  t.notOk(isIdentityNumber('20050229-1230'))
})

t.test('a 10-digit February 29 of year 00 is valid because 2000 was a leap year', async (t) => {
  t.ok(isIdentityNumber('000229-1235'))
  t.ok(isIdentityNumber('0002291235'))
  t.notOk(isIdentityNumber('050229-1230'), '05 is not a leap year in any century')
})

t.test('a 12-digit number is checked over its last ten digits', async (t) => {
  t.ok(isIdentityNumber('199001011239'))
  t.ok(isIdentityNumber('209001011239'), 'the century is part of the date only')
  t.notOk(isIdentityNumber('199001011238'))
})

t.test('isIdentityNumber accepts only - and + as separators, and only before the last four digits', async (t) => {
  t.notOk(isIdentityNumber('850709 9805'))
  t.notOk(isIdentityNumber('8507-099805'))
  t.notOk(isIdentityNumber('850709--9805'))
  t.notOk(isIdentityNumber('85070998 05'))
  t.ok(isIdentityNumber('850709-9805'))
})

t.test('isIdentityNumber rejects other lengths and other characters', async (t) => {
  for (const s of ['', '85070998', '85070998050', '1990010112390', 'A850709-9805', '850709-98O5']) t.notOk(isIdentityNumber(s), s)
})

t.test('an identity number in free text is detected with -, +, space or en dash', async (t) => {
  t.ok(containsIdentityNumber('Barnet (850709-9805) bor hos mamma'))
  t.ok(containsIdentityNumber('född 850709+9805.'))
  t.ok(containsIdentityNumber('pnr 850709 9805 enligt BBIC'))
  t.ok(containsIdentityNumber('pnr 850709\u00a09805'))
  t.ok(containsIdentityNumber('pnr 850709–9805'))
  t.ok(containsIdentityNumber('pnr 19850709 9805'))
  t.ok(containsIdentityNumber('8507099805'))
  t.ok(containsIdentityNumber('se ärende 19121212-1212, och 811228-9874'))
})

t.test('an identity number glued to letters is detected', async (t) => {
  t.ok(containsIdentityNumber('ABC199001011239'))
  t.ok(containsIdentityNumber('HU-8507099805-x'))
  t.ok(containsIdentityNumber('x9001011239y'))
})

t.test('a longer digit run is not matched for the identity number inside it', async (t) => {
  t.notOk(containsIdentityNumber('12199001011239'), '14 digits')
  t.notOk(containsIdentityNumber('19900101123912'), '14 digits, id first')
  t.notOk(containsIdentityNumber('98507099805'), '11 digits')
  t.notOk(containsIdentityNumber('1850709-9805'), '7 digits before the separator')
  t.notOk(containsIdentityNumber('850709-98051'), '5 digits after the separator')
})

t.test('two separators or a separator with spaces around it are not matched', async (t) => {
  t.notOk(containsIdentityNumber('850709 - 9805'))
  t.notOk(containsIdentityNumber('850709--9805'))
  t.notOk(containsIdentityNumber('850709  9805'))
})

t.test('phone numbers are not matched', async (t) => {
  for (const s of ['ring 070-123 45 67', 'tel 0701234567', '+46701234567', '+46 70 123 45 67', '08-123 456 78', '026-17 80 00']) {
    t.notOk(containsIdentityNumber(s), s)
  }
})

t.test('dates and other numbers are not matched', async (t) => {
  for (const s of ['2021-03-15', 'avslutad 20210315', '2021-03-15 - 2021-09-30', '15/3 2021', 'dnr 2021/1234', 'kostnad 100 000 kr', '20210315-20210930', 'KIBB 12 v']) {
    t.notOk(containsIdentityNumber(s), s)
  }
})

t.test('text without ten digits is not matched, however long', async (t) => {
  t.notOk(containsIdentityNumber(''))
  t.notOk(containsIdentityNumber('Trappan – extern insats'))
  t.notOk(containsIdentityNumber('a1b2c3'.repeat(10_000)))
})

t.test('a long run of digits is scanned in linear time', async (t) => {
  const digits = '1'.repeat(200_000)
  const mixed = '850709-980'.repeat(20_000)
  const start = performance.now()
  t.notOk(containsIdentityNumber(digits))
  t.notOk(containsIdentityNumber(mixed))
  t.ok(performance.now() - start < 500, 'well under half a second')
})

t.test('5,000 records of free text are checked quickly', async (t) => {
  const text = 'Familjen fick stöd under 12 veckor, tel 070-123 45 67, möte 2021-03-15. Trappan – extern insats. '.repeat(3)
  const start = performance.now()
  for (let i = 0; i < 5000 * 4; i++) containsIdentityNumber(text)
  t.ok(performance.now() - start < 1000, 'well under a second')
})
