from unidecode import unidecode


def fold(text: str) -> str:
    """Diacritic- and case-insensitive form used for search: 'Thanh Chương' -> 'thanh chuong'."""
    return " ".join(unidecode(text or "").lower().split())
