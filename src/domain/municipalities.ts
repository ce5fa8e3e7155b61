// Municipality codes (SCB kommunkod). Any four-digit code is accepted as a municipality; the names
// of Gävleborg's municipalities, where SU-X began, are known and used as labels.

export const MUNICIPALITY_PATTERN = '^[0-9]{4}$'

export const MUNICIPALITY_NAMES: Readonly<Record<string, string>> = {
  2101: 'Ockelbo',
  2104: 'Hofors',
  2121: 'Ovanåker',
  2132: 'Nordanstig',
  2161: 'Ljusdal',
  2180: 'Gävle',
  2181: 'Sandviken',
  2182: 'Söderhamn',
  2183: 'Bollnäs',
  2184: 'Hudiksvall'
}

export function isMunicipalityCode (code: string): boolean {
  return /^[0-9]{4}$/.test(code)
}

export function municipalityName (code: string): string {
  return MUNICIPALITY_NAMES[code] ?? code
}
