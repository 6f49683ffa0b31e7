// Which of the two SMS alphabets a text needs (3GPP TS 23.038 §4): GSM-7 when every character is in
// the default or extension table, UCS-2 otherwise. National language shift tables are not used.
import { countSeptets } from './gsm7-codec.ts';

export type SmsEncoding = 'GSM7' | 'UCS2';

export function detectEncoding(text: string): SmsEncoding {
  return countSeptets(text) >= 0 ? 'GSM7' : 'UCS2';
}
