// Deterministic pseudo-random SMS texts for the differential tests: a seeded PRNG and pools of
// GSM basic, GSM extension, Latin-1, Devanagari and emoji pieces, written out independently of src.

/** mulberry32: a tiny seeded PRNG, so a failing text can be regenerated from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GSM_BASIC = [
  ...'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?',
  ...'¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
];
const GSM_EXTENSION = [...'€{}[]~\\|^\f'];
const LATIN1 = [...'`áíóúâêîôûçãõÀÁÂÃÈÊËÌÍÎÏÒÓÔÕÙÚÛÝýÿ«»°±²³µ¶·¸¹º¼½¾×÷\u00a0'];
// Conjuncts (virama), vowel signs and a danda: multi-unit grapheme clusters in the BMP.
const DEVANAGARI = ['न', 'म', 'स्ते', 'नमस्ते', 'क्ष', 'त्र', 'ज्ञ', 'श्री', 'हिन्दी', 'की', 'ॐ', '।'];
// Plain pairs, a skin-tone modifier, a flag, VS16 and a ZWJ family: pairs and longer clusters.
const EMOJI = ['😀', '🙏', '🎉', '👍🏽', '🇮🇳', '❤️', '✅', '👨‍👩‍👧'];

// Lengths cluster around the limits (70/67·2, 160/153·2) where off-by-one bugs live.
const LENGTH_BANDS: ReadonlyArray<readonly [number, number]> = [
  [0, 20], [60, 80], [125, 145], [150, 170], [195, 210], [295, 320], [450, 470],
];

/** 'gsm': GSM characters only; 'mixed': every pool; 'one-stray': GSM plus one other piece. */
export type Profile = 'gsm' | 'mixed' | 'one-stray';

export interface RandomText {
  seed: number;
  profile: Profile;
  text: string;
}

const PROFILES: readonly Profile[] = ['gsm', 'mixed', 'one-stray'];

/** `count` texts from consecutive seeds; the profile cycles with the seed. */
export function randomTexts(count: number, firstSeed = 1): RandomText[] {
  const texts: RandomText[] = [];
  for (let seed = firstSeed; seed < firstSeed + count; seed++) {
    const profile = PROFILES[seed % PROFILES.length]!;
    texts.push({ seed, profile, text: randomText(seed, profile) });
  }
  return texts;
}

export function randomText(seed: number, profile: Profile): string {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const [low, high] = pick(LENGTH_BANDS);
  const target = low + Math.floor(random() * (high - low + 1));
  let text = '';
  while (text.length < target) {
    const roll = random();
    if (roll < 0.7) text += pick(GSM_BASIC);
    else if (roll < 0.82 || profile !== 'mixed') text += pick(GSM_EXTENSION);
    else if (roll < 0.88) text += pick(LATIN1);
    else if (roll < 0.95) text += pick(DEVANAGARI);
    else text += pick(EMOJI);
  }
  if (profile !== 'one-stray') return text;
  const at = Math.floor(random() * (text.length + 1));
  const stray = pick([LATIN1, DEVANAGARI, EMOJI]);
  return text.slice(0, at) + pick(stray) + text.slice(at);
}
