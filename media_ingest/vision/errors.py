"""What the vision package says about a file it cannot read, or read only in part: a code and its
parameters, raised (`VisionError`) or reported (`VisionIssue`, in `AnalysisResult.issues`) where it happens.

The words are looked up from the code in ONE table, `MESSAGES` (Vietnamese first, English second); nothing
parses a sentence back into a code. Parameters are plain JSON values (numbers, strings, lists of strings), so
a caller can store `code` + `params` and say it again later in either language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Lang = Literal["vi", "en"]

# code -> (Vietnamese, English); `{name}` is a parameter. The first group stops the analysis (VisionError),
# the second is a warning on a result read in part (VisionIssue).
MESSAGES: dict[str, tuple[str, str]] = {
    # the file cannot be analysed at all
    "file_not_found": ("Không tìm thấy tệp", "file not found"),
    "not_a_regular_file": ("Không phải là một tệp (có thể là thư mục)", "not a regular file"),
    "empty_file": ("Tệp rỗng (0 byte), không có gì để xem", "empty file (0 bytes)"),
    "incomplete_mp4": ("Tệp MP4 chưa hoàn chỉnh: thiếu phần chỉ mục (moov), việc ghi hình có lẽ bị ngắt giữa chừng",
                       "incomplete MP4: its index (moov) is missing, the recording was probably cut off before "
                       "it was finished"),
    "damaged_matroska": ("Tệp Matroska/WebM bị hỏng phần đầu, không đọc được",
                         "damaged Matroska/WebM file: its header cannot be read"),
    "text_file": ("Không phải tệp video (đây là tệp văn bản)", "not a video file (it contains text)"),
    "unknown_format": ("Không phải tệp video (không nhận ra định dạng)",
                       "not a video file (no known video format recognised)"),
    "cannot_open": ("Không mở được tệp video", "cannot open the file: {detail}"),
    "no_streams": ("Tệp không có hình: không có khung hình nào được ghi",
                   "the file contains no video: no stream, no frames were recorded"),
    "no_video_stream": ("Tệp không có hình (chỉ có {streams})", "the file contains no video, only {streams}"),
    "unsupported_codec": ("Định dạng nén video của tệp không được hỗ trợ",
                          "the video codec of this file is not supported"),
    "no_picture_size": ("Phần đầu luồng video bị hỏng (không có kích thước khung hình)",
                        "the video stream has no picture size (damaged header)"),
    "no_frame_decoded": ("Dữ liệu video bị hỏng: không giải mã được khung hình nào",
                         "the video data is damaged: no frame could be decoded"),
    "no_frames": ("Tệp có luồng video nhưng không có khung hình nào", "the file has a video stream but no frames"),
    # the file was read in part (the result is `partial`), or an input was not used
    "reading_stopped": ("Việc đọc tệp dừng ở giây {at} do dữ liệu hỏng", "reading stopped at {at} s: {detail}"),
    "packets_skipped": ("Bỏ qua {count} gói dữ liệu video bị hỏng trong khoảng {start}–{end} s",
                        "{count} damaged video packet(s) skipped between {start} s and {end} s"),
    "frames_damaged": ("Có {count} khung hình bị hỏng không phân tích được, trong khoảng {start}–{end} s",
                       "{count} damaged frame(s) not analysed, between {start} s and {end} s"),
    "ends_early": ("Tệp bị cắt cụt: chỉ đọc được {decoded} s trên {duration} s",
                   "file ends early: video decoded up to {decoded} s of {duration} s (truncated or damaged)"),
    "background_unused": ("Ảnh nền của đoạn trước không khớp kích thước video này nên không được dùng",
                          "the background given does not fit this video's size; not used"),
}

# The warnings that make a result partial (part of the file could not be read); the others only inform.
DAMAGE = frozenset({"reading_stopped", "packets_skipped", "frames_damaged", "ends_early"})

# Words a parameter may carry (the kinds of streams PyAV names), in Vietnamese.
_WORDS_VI = {"audio": "âm thanh", "subtitle": "phụ đề", "data": "dữ liệu", "attachment": "tệp đính kèm",
             "video": "hình"}


def _value(value: Any, lang: Lang) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        text = f"{value:.1f}"
        return text.replace(".", ",") if lang == "vi" else text
    if isinstance(value, (list, tuple)):
        return ", ".join(_value(v, lang) for v in value)
    if lang == "vi" and isinstance(value, str):
        return _WORDS_VI.get(value, value)
    return str(value)


def message(code: str, params: dict[str, Any] | None = None, lang: Lang = "en") -> str:
    """The one-line sentence for `code` in `lang`. A code the table does not know (a row written by a newer
    version) gives a general sentence, never an error; a missing parameter is left as its name."""
    vi, en = MESSAGES.get(code, ("Không lập chỉ mục được tệp video", "the video file could not be indexed"))
    template = vi if lang == "vi" else en
    values = {k: _value(v, lang) for k, v in (params or {}).items()}

    class _Keep(dict[str, str]):
        def __missing__(self, key: str) -> str:
            return "{" + key + "}"

    return " ".join(template.format_map(_Keep(values)).split())  # always one line


@dataclass(frozen=True, slots=True)
class VisionIssue:
    """Something the analysis met and went on: a code and its parameters (see `MESSAGES`)."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: Lang = "en") -> str:
        return message(self.code, self.params, lang)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params)}


class VisionError(Exception):
    """A file that cannot be analysed: `code` and `params` (see `MESSAGES`); `reason` is the English line."""

    def __init__(self, code: str, params: dict[str, Any] | None = None) -> None:
        if code not in MESSAGES or code in DAMAGE or code == "background_unused":
            raise ValueError(f"not a vision error code: {code!r}")
        self.code = code
        # a library's own text (a parameter such as `detail`) is cut, so a stored reason stays short
        self.params: dict[str, Any] = {k: v[:300] if isinstance(v, str) else v for k, v in (params or {}).items()}
        self.reason = message(code, self.params, "en")
        super().__init__(self.reason)

    def message(self, lang: Lang = "en") -> str:
        return message(self.code, self.params, lang)
