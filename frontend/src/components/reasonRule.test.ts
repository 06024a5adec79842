import { foreignLetters, inWords, isVietnameseSyllable, reasonProblem, reasonWords, saysNothing } from "./reasonRule";

// insider F-E: the mirror of the server's reason rule (inspection/services_common.py, backend/core/text.py)

test("one syllable under different tones is one word, not ten", () => {
  const text = "ba bá bà bả bã bạ ca cá cà cả";
  expect(reasonWords(text)).toEqual(["ba", "ca"]);
  expect(inWords(text, 4, 20)).toBe(false);
});

test("a word with two tone marks is not a Vietnamese word", () => {
  expect(isVietnameseSyllable("ngườí")).toBe(false);
  expect(isVietnameseSyllable("người")).toBe(true);
  expect(inWords("Ngườí ngườì ngườỉ ngườĩ ngườị ngưới", 4, 20)).toBe(false);
});

test("Cyrillic letters in Vietnamese words are refused", () => {
  expect(foreignLetters("Кhông сó căn сứ хử lý")).toBe("Ксх");
  expect(inWords("Кhông сó căn сứ хử lý xác đáng", 4, 20)).toBe(false);
  expect(foreignLetters("Không có căn cứ xử lý")).toBe("");
});

test("only the Vietnamese alphabet is Vietnamese: umlauts, carons, ɑ, ı, Ð are foreign (S1)", () => {
  expect(foreignLetters("ĐẶNG VĂN ВÌNН")).toBe("ВН");
  expect(foreignLetters("ä ö ü ï ǎ ɑ ı Ð ð")).toBe("äöüïǎɑıÐð");
  expect(foreignLetters("na\u0308m")).toBe("ä");
  expect(foreignLetters("Đặng Văn Bình, Trương Lượng, người ở đây (12/QĐ)")).toBe("");
  expect(inWords("Không có căn cứ xử lý theo quy đinh nöi bộ", 4, 20)).toBe(false);
});

test("a real reason still passes", () => {
  expect(inWords("Cán bộ trực ban xác nhận sai sót trong hồ sơ", 4, 20)).toBe(true);
});

describe("a reason that says nothing (insider S2-2)", () => {
  const FILLER = ["xin chào", "xin chào các bạn nhé", "lý do", "ok", "test", "không có gì", "ok test ok", "lý do lý do"];
  const REAL = [
    "Cán bộ nghỉ phép theo quyết định số 12/QĐ-CAX ngày 3/5",
    "Nhập nhầm điểm tiêu chí 4, biên bản gốc ghi 2 điểm",
  ];
  it("is refused by the rule and said while typed", () => {
    for (const text of FILLER) {
      expect(saysNothing(text), text).toBe(true);
      expect(inWords(text, 2, 6), text).toBe(false);
    }
    expect(reasonProblem("xin chào các bạn nhé")?.key).toBe("text.reasonSaysNothing");
    for (const text of ["aaaa aaaa", "qwrt zxcv bnm", "không không không không"]) expect(inWords(text, 2, 6), text).toBe(false);
  });
  it("keeps real reasons", () => {
    for (const text of REAL) {
      expect(saysNothing(text), text).toBe(false);
      expect(inWords(text, 3, 12), text).toBe(true);
      expect(reasonProblem(text), text).toBeNull();
    }
  });
});
