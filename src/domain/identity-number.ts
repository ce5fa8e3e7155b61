// Swedish personal identity numbers (personnummer) and coordination numbers (samordningsnummer),
// SPEC §2. No record may hold one: the case reference is pseudonymous and free text is never
// supposed to identify the child. Detection runs on every free-text field of every record in
// batches of thousands, so it is a single pass over char codes with no regular expressions.

const ZERO = 48
const NINE = 57

const isDigit = (c: number) => c >= ZERO && c <= NINE

/** `-` is the usual separator and `+` marks someone aged 100 or more (SPEC §2). */
const isStrictSeparator = (c: number) => c === 0x2d || c === 0x2b

/**
 * Free text is written by hand or pasted from case systems and word processors, so a space,
 * a no-break space and an en dash also separate the last four digits there. Only one separator
 * character is accepted: "850709 - 9805" is too loose to tell apart from other numbers.
 */
const isTextSeparator = (c: number) => isStrictSeparator(c) || c === 0x20 || c === 0xa0 || c === 0x2013

const digitAt = (s: string, i: number) => s.charCodeAt(i) - ZERO
const twoDigits = (s: string, i: number) => digitAt(s, i) * 10 + digitAt(s, i + 1)

function isLeapYear (year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

function isValidDate (year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false
  const days = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]
  return day <= days
}

/** Luhn over the 10-digit form YYMMDDNNNC, starting at `from` in `d`. */
function hasValidCheckDigit (d: string, from: number): boolean {
  let sum = 0
  for (let i = 0; i < 9; i++) {
    const product = digitAt(d, from + i) * (i % 2 === 0 ? 2 : 1)
    sum += product > 9 ? product - 9 : product
  }
  return (10 - (sum % 10)) % 10 === digitAt(d, from + 9)
}

/**
 * `d` holds exactly 10 or 12 ASCII digits. A coordination number adds 60 to the day. A 10-digit
 * number does not say its century, so its date only has to exist in 19xx or 20xx (000229 is
 * valid because 2000 was a leap year; 18xx gives nothing that 19xx does not).
 */
function isIdentityDigits (d: string): boolean {
  const from = d.length - 10
  if (!hasValidCheckDigit(d, from)) return false
  const yy = twoDigits(d, from)
  const month = twoDigits(d, from + 2)
  const rawDay = twoDigits(d, from + 4)
  const day = rawDay > 60 ? rawDay - 60 : rawDay
  if (from === 2) return isValidDate(twoDigits(d, 0) * 100 + yy, month, day)
  return isValidDate(1900 + yy, month, day) || isValidDate(2000 + yy, month, day)
}

/** End (exclusive) of the run of ASCII digits starting at `i`. */
function digitRunEnd (s: string, i: number): number {
  let j = i
  while (j < s.length && isDigit(s.charCodeAt(j))) j++
  return j
}

/**
 * The whole string, trimmed, is an identity or coordination number: 10 or 12 digits, optionally
 * with `-` or `+` before the last four.
 */
export function isIdentityNumber (s: string): boolean {
  const t = s.trim()
  const n = t.length
  if (n === 10 || n === 12) return digitRunEnd(t, 0) === n && isIdentityDigits(t)
  if (n !== 11 && n !== 13) return false
  const sep = n - 5
  if (!isStrictSeparator(t.charCodeAt(sep))) return false
  if (digitRunEnd(t, 0) !== sep || digitRunEnd(t, sep + 1) !== n) return false
  return isIdentityDigits(t.slice(0, sep) + t.slice(sep + 1))
}

/**
 * Some part of the text is an identity or coordination number. Candidates are maximal digit runs
 * (bounded by non-digits, letters included, so "ABC199001011239" counts) of 10 or 12 digits, and
 * maximal runs of 6 or 8 digits followed by one separator and a maximal run of exactly 4 digits.
 * A run of 14 digits is not a match for its first 12: it is some other number.
 */
export function containsIdentityNumber (text: string): boolean {
  const n = text.length
  if (n < 10) return false
  let i = 0
  while (i < n) {
    if (!isDigit(text.charCodeAt(i))) {
      i++
      continue
    }
    const end = digitRunEnd(text, i)
    const len = end - i
    if (len === 10 || len === 12) {
      if (isIdentityDigits(text.slice(i, end))) return true
    } else if ((len === 6 || len === 8) && isTextSeparator(text.charCodeAt(end)) && digitRunEnd(text, end + 1) === end + 5) {
      if (isIdentityDigits(text.slice(i, end) + text.slice(end + 1, end + 5))) return true
    }
    i = end
  }
  return false
}
