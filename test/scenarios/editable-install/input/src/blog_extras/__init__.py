"""Small helpers the blog shares with its other tools."""


def reading_minutes(text: str) -> int:
    return max(1, len(text.split()) // 200)
