"""DRF's and Django's common validation texts in both languages (issue 15, adv 8).

DRF's Vietnamese catalogue translates about twenty of its strings, so with LANGUAGE_CODE = "vi" a
field error came out in English ("Ensure this field has no more than 20000 characters.") inside the
Vietnamese `message`, and a translated one ("Trường này không được bỏ trống.") inside `message_en`.
`both(text)` recognises either side of each pair below and gives (vi, en); an unknown text is returned
as it is, on both sides. Placeholders ({n}, {x}...) match any text and are carried over.
"""
from __future__ import annotations

import re
from functools import cache

# (English as DRF/Django write it, Vietnamese). Both sides are patterns: {name} is a placeholder.
# the English texts of our pattern fields (error_messages={"invalid": ...}); their Vietnamese is in PAIRS
SERVICE_NUMBER_PATTERN_EN = "A service number is 3-20 letters without marks, digits or dashes (e.g. NA-1002)."
USERNAME_PATTERN_EN = "A username is 3-150 letters without marks, digits or . _ @ -."
CODE_PATTERN_EN = "A code is 2-40 letters without marks, digits, _ or -."

PAIRS: list[tuple[str, str]] = [
    ("This field is required.", "Trường này là bắt buộc."),
    ("This field may not be blank.", "Trường này không được bỏ trống."),
    ("This field may not be null.", "Trường này không được để trống."),
    ("This field cannot be blank.", "Trường này không được để trống."),
    ("This field cannot be null.", "Trường này không được để trống."),
    ("Ensure this field has no more than {n} characters.", "Không được quá {n} ký tự."),
    ("Ensure this field has at least {n} characters.", "Cần ít nhất {n} ký tự."),
    ("Ensure this field has no more than {n} elements.", "Không được quá {n} phần tử."),
    ("Ensure this field has at least {n} elements.", "Cần ít nhất {n} phần tử."),
    ("Ensure this value is less than or equal to {n}.", "Giá trị phải nhỏ hơn hoặc bằng {n}."),
    ("Ensure this value is greater than or equal to {n}.", "Giá trị phải lớn hơn hoặc bằng {n}."),
    ("Ensure this value has at most {n} characters (it has {m}).", "Không được quá {n} ký tự (đang có {m})."),
    ("Ensure this value has at least {n} characters (it has {m}).", "Cần ít nhất {n} ký tự (đang có {m})."),
    ("Ensure that there are no more than {n} digits in total.", "Không được quá {n} chữ số."),
    ("Ensure that there are no more than {n} decimal places.", "Không được quá {n} chữ số thập phân."),
    ('"{x}" is not a valid choice.', "“{x}” không phải là một lựa chọn hợp lệ."),
    ("Not a valid string.", "Không phải là chuỗi ký tự hợp lệ."),
    ("A valid integer is required.", "Cần một số nguyên hợp lệ."),
    ("A valid number is required.", "Cần một số hợp lệ."),
    ("Must be a valid boolean.", "Phải là giá trị đúng hoặc sai."),
    ("Must be a valid UUID.", "Phải là một UUID hợp lệ."),
    ("String value too large.", "Chuỗi quá dài."),
    ("Null characters are not allowed.", "Không được chứa ký tự null."),
    ("Surrogate characters are not allowed: {x}.", "Không được chứa ký tự surrogate: {x}."),
    ("Invalid data. Expected a dictionary, but got {t}.", "Dữ liệu không hợp lệ: cần một đối tượng, nhận được {t}."),
    ('Expected a list of items but got type "{t}".', "Cần một danh sách, nhận được kiểu “{t}”."),
    ('Expected a dictionary of items but got type "{t}".', "Cần một đối tượng, nhận được kiểu “{t}”."),
    ("This list may not be empty.", "Danh sách này không được để trống."),
    ("This list may not be empty.", " Danh sách này không thể để trống."),  # DRF's own vi text
    ("Date has wrong format. Use one of these formats instead: {f}.",
     "Ngày sai định dạng. Dùng một trong các định dạng sau: {f}."),
    ("Date has wrong format. Use one of these formats instead: {f}.",
     "Ngày sai định dạng. Dùng một trong những định dạng sau để thay thế: {f}."),  # DRF's own vi text
    ("Datetime has wrong format. Use one of these formats instead: {f}.",
     "Thời điểm sai định dạng. Dùng một trong các định dạng sau: {f}."),
    ("Time has wrong format. Use one of these formats instead: {f}.",
     "Giờ sai định dạng. Dùng một trong các định dạng sau: {f}."),
    ("Expected a date but got a datetime.", "Cần một ngày, nhận được một thời điểm."),
    ("Expected a datetime but got a date.", "Cần một thời điểm, nhận được một ngày."),
    ("Enter a valid email address.", "Nhập một địa chỉ email hợp lệ."),
    ("Enter a valid URL.", "Nhập một địa chỉ URL hợp lệ."),
    ("Value must be valid JSON.", "Giá trị phải là JSON hợp lệ."),
    ('Invalid pk "{x}" - object does not exist.', "Không có đối tượng mã “{x}”."),
    ("Incorrect type. Expected pk value, received {t}.", "Sai kiểu: cần một mã, nhận được {t}."),
    ("No file was submitted.", "Chưa gửi tệp nào."),
    ("The submitted file is empty.", "Tệp gửi lên rỗng."),
    ("The submitted data was not a file. Check the encoding type on the form.",
     "Dữ liệu gửi lên không phải là tệp. Kiểm tra kiểu mã hóa của biểu mẫu."),
    ("Ensure this filename has at most {n} characters (it has {m}).", "Tên tệp không được quá {n} ký tự (đang có {m})."),
    ("The fields {f} must make a unique set.", "Các trường {f} phải là một bộ duy nhất."),
    ("Enter a whole number.", "Nhập một số nguyên."),
    ("Enter a number.", "Nhập một số."),
    ("Enter a valid date.", "Nhập một ngày hợp lệ."),
    # a RegexField's own text, and the texts our pattern fields say instead (reviewer, issue 15: the Vietnamese
    # message held DRF's English "does not match the required pattern")
    ("This value does not match the required pattern.", "Giá trị không đúng định dạng yêu cầu."),
    (SERVICE_NUMBER_PATTERN_EN, "Số hiệu gồm 3–20 ký tự: chữ cái không dấu, chữ số hoặc dấu gạch ngang (ví dụ NA-1002)."),
    (USERNAME_PATTERN_EN, "Tên đăng nhập gồm 3–150 ký tự: chữ cái không dấu, chữ số hoặc các dấu . _ @ -."),
    (CODE_PATTERN_EN, "Mã gồm 2–40 ký tự: chữ cái không dấu, chữ số, dấu _ hoặc -."),
]


def _regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    out = []
    for i, part in enumerate(parts):
        out.append(f"(?P<{part}>.+?)" if i % 2 else re.escape(part))
    return re.compile("".join(out))


@cache
def _compiled() -> list[tuple[re.Pattern[str], re.Pattern[str], str, str]]:
    return [(_regex(en), _regex(vi), en, vi) for en, vi in PAIRS]


def _fill(template: str, groups: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: groups.get(m.group(1), m.group(0)), template)


def both(text: str) -> tuple[str, str]:
    """(Vietnamese, English) of one validation text; unknown texts come back unchanged on both sides."""
    for en_re, vi_re, en, vi in _compiled():
        m = en_re.fullmatch(text)
        if m:
            return _fill(vi, m.groupdict()).strip(), text
        m = vi_re.fullmatch(text)
        if m:
            return _fill(vi, m.groupdict()).strip(), _fill(en, m.groupdict())
    return text, text
