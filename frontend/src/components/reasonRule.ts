// A reason with legal weight is written in words, in Vietnamese: the server's rule (inspection/services_common.py
// is_worded_reason, backend/core/text.py is_vietnamese_syllable), mirrored so a button can say why it waits.

export const letters = (text: string) => Array.from(text).filter((ch) => /[\p{L}\p{N}]/u.test(ch)).length;

/** A word without its marks or case ("Bá" is "ba", "Đạt" is "dat"), as the server's fold (backend/core/text.py). */
const unmarked = (word: string) =>
  word.normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();

/** The one Vietnamese alphabet, as the server's (backend/core/text.py): after NFD, a-z (any case) or đ/Đ, with
 * the Vietnamese marks only (breve, circumflex, horn and the five tones). */
const VIETNAMESE_MARKS = new Set(["\u0306", "\u0302", "\u031b", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]);

function isForeign(cluster: string[]): boolean {
  const [base, ...marks] = cluster;
  if (marks.some((mark) => !VIETNAMESE_MARKS.has(mark))) return true;
  return /\p{L}/u.test(base) && !/^[a-zA-ZđĐ]$/u.test(base);
}

/** The letters outside the Vietnamese alphabet, each once, as the server's foreign_letters: "Кhông сó" typed with
 * a Cyrillic К and с looks Vietnamese and is not (insider F-E), nor are "ä ö ü ï", carons, "ɑ", "ı", "Ð" (S1). */
export function foreignLetters(text: string): string {
  const clusters: string[][] = [];
  for (const ch of Array.from(text.normalize("NFD"))) {
    if (clusters.length && /\p{M}/u.test(ch)) clusters[clusters.length - 1].push(ch);
    else clusters.push([ch]);
  }
  const found = new Set<string>();
  for (const cluster of clusters) if (isForeign(cluster)) found.add(cluster.join("").normalize("NFC"));
  return [...found].join("");
}

/** How many tone marks (huyền, sắc, ngã, hỏi, nặng) a word carries, as the server's tone_marks: one at most. */
export const toneMarks = (word: string) => (word.normalize("NFD").match(/[\u0300\u0301\u0303\u0309\u0323]/gu) ?? []).length;

/** The words of a reason that count, as the server's reason_words (inspection.services_common): runs of two
 * letters or more that are not one letter repeated, each once, marks and case aside ("ba bá bà" is one word). */
export function reasonWords(text: string): string[] {
  const seen = new Map<string, string>();
  for (const word of text.normalize("NFC").match(/\p{L}+/gu) ?? []) {
    const key = foreignLetters(word) ? word.toLocaleLowerCase("vi") : unmarked(word);
    if (Array.from(word).length >= 2 && new Set(Array.from(key)).size > 1 && !seen.has(key)) seen.set(key, word);
  }
  return [...seen.values()];
}

/** A Vietnamese syllable written without its marks, as the server's is_vietnamese_syllable (backend/core/text.py):
 * an optional initial consonant, one to three vowels, an optional final consonant. Keyboard runs ("asdf") are not. */
const SYLLABLE = /^(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ch|nh|ng|[cmnpt])?$/;

export function isVietnameseSyllable(word: string): boolean {
  if (foreignLetters(word) || toneMarks(word) > 1) return false;
  return SYLLABLE.test(unmarked(word));
}

/** Whether a word carries a Vietnamese mark (a tone or vowel mark, or đ), as the server's has_vietnamese_marks. */
export function hasVietnameseMarks(word: string): boolean {
  return /đ/i.test(word) || Array.from(word.normalize("NFD")).some((ch) => VIETNAMESE_MARKS.has(ch));
}

/** At least half the letters are in Vietnamese words (acronyms aside), a third of those words written with
 * their marks, as the server's mostly_vietnamese ("mot hai ba bon" or English words are not Vietnamese). */
export function mostlyVietnamese(text: string): boolean {
  let vietnamese = 0;
  let other = 0;
  let syllables = 0;
  let marked = 0;
  for (const word of text.normalize("NFC").match(/\p{L}+/gu) ?? []) {
    const n = Array.from(word).length;
    if (isVietnameseSyllable(word)) {
      vietnamese += n;
      syllables += 1;
      if (hasVietnameseMarks(word)) marked += 1;
    } else if (!(n > 1 && word === word.toLocaleUpperCase("vi"))) other += n;
  }
  return vietnamese >= other && marked * 3 >= syllables;
}

/** Words that say nothing on their own (greetings, particles, "lý do", "ok"), without marks, as the server's
 * FILLER_WORDS (inspection/services_common.py): a reason made only of them is refused (insider S2-2). */
const FILLER_WORDS = new Set(
  ("xin chao cac ban nhe nha nhi a oi ok oke okay test hello hi alo khong co gi ly do cai day thoi vay the ha " +
    "toi biet nua em anh chi moi nguoi dong la va roi duoc nay kia ay dau luon lam qua buoi sang chieu minh " +
    "ma gui cam on bay gio cung chua ai vang da ve voi " +
    "cho thich troi hom dep vi chang de noi ca xem xong nghi ra dai go mot hai ba bon nam sau tam chin muoi vui buon " +
    "thi").split(" "),
);

/** Every counted word is a filler word, as the server's says_nothing: "xin chào các bạn nhé", "không có gì". */
export function saysNothing(text: string): boolean {
  const found = reasonWords(text);
  return found.length > 0 && found.every((word) => FILLER_WORDS.has(unmarked(word)));
}

/** Whether `text` holds at least `words` different Vietnamese words and `minLetters` letters in them. */
export function inWords(text: string, words: number, minLetters: number): boolean {
  if (foreignLetters(text) || saysNothing(text)) return false;
  const found = reasonWords(text).filter(isVietnameseSyllable);
  return found.length >= words && letters(found.join("")) >= minLetters && mostlyVietnamese(text);
}

/** What the server would refuse in a typed name or reason, said while it is typed (issue 15: the web app only
 *  learned it after submit). The i18n key holds the server's own words (org.identity.require_vietnamese_name,
 *  inspection.services_common._refuse_foreign_letters and the reasons' "tiếng Việt có dấu"). */
export type TextProblem = {
  key: "text.nameForeign" | "text.reasonForeign" | "text.reasonNoMarks" | "text.reasonSaysNothing";
  letters: string;
};

/** A person's name (officer, account, representative): the Vietnamese alphabet only, as the server's. */
export function nameProblem(name: string): TextProblem | null {
  const foreign = foreignLetters(name).slice(0, 10);
  return foreign ? { key: "text.nameForeign", letters: foreign } : null;
}

/** A reason: the Vietnamese alphabet only, and, once a few words are typed, Vietnamese written with its marks
 *  ("ly do" or English words are refused by the server). An empty or half-typed reason is not a problem yet:
 *  the button's own "reason needed" says that. */
export function reasonProblem(text: string): TextProblem | null {
  const foreign = foreignLetters(text).slice(0, 10);
  if (foreign) return { key: "text.reasonForeign", letters: foreign };
  if (reasonWords(text).length >= 3 && !mostlyVietnamese(text)) return { key: "text.reasonNoMarks", letters: "" };
  if (reasonWords(text).length >= 2 && saysNothing(text)) return { key: "text.reasonSaysNothing", letters: "" };
  return null;
}
