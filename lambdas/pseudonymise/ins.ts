/**
 * The INS matricule (Identifiant National de Santé): the patient's NIR, or NIA when no NIR has been
 * assigned yet, i.e. 13 characters then a 2-digit control key. The 13 characters are digits, except the
 * department (characters 6 and 7) which is 2A or 2B for people born in Corsica.
 *
 * Control key = 97 - (NIR mod 97), the NIR read as a number with 2A replaced by 19 and 2B by 18.
 * Only the structure and the key are checked: the sex, month and commune fields are not, since temporary
 * (NIA) and historical numbers use values outside the civil ranges.
 */

/** Why a value is not an INS. Never carries the value or any part of it. */
export type InsProblem = 'length' | 'characters' | 'key';

export type InsResult = { readonly ok: true; readonly normalised: string } | { readonly ok: false; readonly problem: InsProblem; readonly length: number };

const INS_SHAPE = /^\d{5}(?:\d{2}|2A|2B)\d{8}$/;

/** Removes spaces (copied INS are often grouped: `1 85 05 78 006 084 91`) and upper-cases 2a/2b. */
export function normaliseIns(raw: string): string {
  return raw.replace(/\s+/g, '').toUpperCase();
}

export function insControlKey(nir13: string): number {
  const numeric = nir13.slice(0, 5) + nir13.slice(5, 7).replace('2A', '19').replace('2B', '18') + nir13.slice(7);
  // 13 digits stay below 2^53: exact in a double.
  return 97 - (Number(numeric) % 97);
}

export function parseIns(raw: string): InsResult {
  const normalised = normaliseIns(raw);
  if (normalised.length !== 15) return { ok: false, problem: 'length', length: normalised.length };
  if (!INS_SHAPE.test(normalised)) return { ok: false, problem: 'characters', length: 15 };
  if (insControlKey(normalised.slice(0, 13)) !== Number(normalised.slice(13))) return { ok: false, problem: 'key', length: 15 };
  return { ok: true, normalised };
}
