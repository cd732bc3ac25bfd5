"""Language: main text -> ISO 639-1 code, from the share of each language's function words.

Good enough to tell a French page from an English, German, Spanish, Italian, Portuguese or Dutch one,
which is all the pipeline needs (it only extracts entities from French pages); no model, no download.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from . import resources, settings

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


@lru_cache(maxsize=1)
def _stopwords() -> dict[str, frozenset[str]]:
    return {lang: frozenset(words) for lang, words in resources.toml("stopwords.toml").items()}


def detect_language(text: str) -> str | None:
    """'fr', 'en', … or None when the text is too short or matches no list well."""
    cfg = settings.section("language")
    words = [w.lower() for w in _WORD.findall(text[: cfg.sample_chars].replace("’", "'"))]
    words = [w.split("'", 1)[-1] if "'" in w else w for w in words]
    if len(words) < cfg.min_words:
        return None
    counts = Counter(words)
    scores = {lang: sum(counts[w] for w in stops) / len(words) for lang, stops in _stopwords().items()}
    lang, share = max(scores.items(), key=lambda item: item[1])
    return lang if share >= cfg.min_share else None
