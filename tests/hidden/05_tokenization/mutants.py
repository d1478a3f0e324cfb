"""Buggy variants of solutions/05_tokenization.py, one per BUG_CATALOG "Tokenization" row.

Row 12 (`encode_iterable`) is not covered: the fixed API of 05 has no such method (see the report).

A change is a list of (old, new) text edits to the reference definition (grader/mutants.py) where the
bug is a few lines, or the whole new source where the mutant is built differently.
"""

MUTANTS = {
    # Row 1: ties broken by whoever was seen first (what `max(stats, key=stats.get)` does).
    "tokenization-1-first-seen-tie-break": {
        "_LargestFirst": '''
import itertools as _itertools
_SEEN = _itertools.count()


class _LargestFirst:
    def __init__(self, pair):
        self.pair = pair
        self.order = next(_SEEN)

    def __lt__(self, other):
        return self.order < other.order
''',
    },
    # Row 2: the tie-break compares token ids (merged tokens > every single byte), not byte strings.
    "tokenization-2-tie-break-on-ids": {
        "_LargestFirst": '''
_IDS = {}


def _token_id(token):
    return token[0] if len(token) == 1 else _IDS.setdefault(token, 256 + len(_IDS))


class _LargestFirst:
    def __init__(self, pair):
        self.pair = pair
        self.ids = (_token_id(pair[0]), _token_id(pair[1]))

    def __lt__(self, other):
        return self.ids > other.ids
''',
    },
    # Row 3: the incremental update takes the left neighbour from the word before merging, so a
    # run like "aaaa" (two occurrences side by side) leaves the pair counts wrong.
    "tokenization-3-run-update-inconsistent": {
        "_apply_merge": '''
def _apply_merge(pair, words, freqs, words_with_pair):
    new = pair[0] + pair[1]
    changed = defaultdict(int)
    for index in words_with_pair.pop(pair, ()):
        word, f = words[index], freqs[index]
        out, i = [], 0
        while i < len(word):
            if i + 1 < len(word) and (word[i], word[i + 1]) == pair:
                changed[pair] -= f
                if i > 0:
                    changed[(word[i - 1], word[i])] -= f
                    changed[(out[-1], new)] += f
                    words_with_pair[(out[-1], new)].add(index)
                if i + 2 < len(word):
                    changed[(word[i + 1], word[i + 2])] -= f
                    changed[(new, word[i + 2])] += f
                    words_with_pair[(new, word[i + 2])].add(index)
                out.append(new)
                i += 2
            else:
                out.append(word[i])
                i += 1
        words[index] = tuple(out)
    return {p: d for p, d in changed.items() if d != 0}
''',
    },
    # Row 4: no pre-tokenization in training: merges run across spaces and punctuation.
    "tokenization-4-merges-cross-pretokens": {
        "_count_pretokens": '''
def _count_pretokens(text, special_tokens):
    specials = set(special_tokens)
    counts = Counter()
    for part in _split_on_special_tokens(text, special_tokens):
        if part not in specials:
            counts[part.encode("utf-8")] += 1
    return counts
''',
    },
    # Row 5: special tokens are trained on like ordinary text (their bytes get merged).
    "tokenization-5-specials-merged": {
        "_count_pretokens": '''
def _count_pretokens(text, special_tokens):
    return Counter(piece.encode("utf-8") for piece in pretokenize(text))
''',
    },
    # Row 6: merges = vocab_size - 256, forgetting the special tokens' ids.
    "tokenization-6-vocab-size-ignores-specials": {
        "train_bpe": [
            ("def train_bpe(text: str, vocab_size: int, special_tokens=()) -> tuple[dict[int, bytes], list[tuple[bytes, bytes]]]:",
             "def train_bpe(text, vocab_size, special_tokens=()):"),
            ("    n_merges = vocab_size - 256 - len(special_tokens)\n"
             "    if n_merges < 0:\n"
             '        raise ValueError("vocab_size는 256 + 특수 토큰 수 이상이어야 합니다.")',
             "    n_merges = vocab_size - 256"),
            ("        changed = _apply_merge(pair, words, freqs, words_with_pair)\n"
             "        for p, delta in changed.items():",
             "        for p, delta in _apply_merge(pair, words, freqs, words_with_pair).items():"),
        ],
    },
    # Row 7: encode takes the longest vocabulary token first instead of applying merges by rank.
    "tokenization-7-encode-longest-first": {
        "_apply_merges": '''
def _apply_merges(data, ranks):
    tokens = {a + b for a, b in ranks}
    out, i = [], 0
    while i < len(data):
        length = max((n for n in range(2, len(data) - i + 1) if data[i:i + n] in tokens), default=1)
        out.append(data[i:i + length])
        i += length
    return out
''',
    },
    # Row 8: decode each token on its own, then join: split Hangul syllables become U+FFFD.
    "tokenization-8-decode-per-token": {
        "BPETokenizer": '''
class BPETokenizer:
    def __init__(self, vocab, merges, special_tokens=()):
        self.vocab = dict(vocab)
        self.merges = [tuple(pair) for pair in merges]
        self.special_tokens = list(special_tokens)
        self._ranks = {pair: rank for rank, pair in enumerate(self.merges)}
        self._ids = {}
        for token_id in sorted(self.vocab):
            self._ids.setdefault(self.vocab[token_id], token_id)
        self._special_ids = {t: max(i for i, b in self.vocab.items() if b == t.encode("utf-8"))
                             for t in self.special_tokens}

    def encode(self, text):
        ids = []
        for part in _split_on_special_tokens(text, self.special_tokens):
            if part in self._special_ids:
                ids.append(self._special_ids[part])
                continue
            for piece in pretokenize(part):
                ids += [self._ids[t] for t in _apply_merges(piece.encode("utf-8"), self._ranks)]
        return ids

    def decode(self, ids):
        return "".join(self.vocab[int(i)].decode("utf-8", errors="replace") for i in ids)
''',
    },
    # Row 9: overlapping special tokens matched shortest first.
    "tokenization-9-specials-shortest-first": {
        "_split_on_special_tokens": [
            ("def _split_on_special_tokens(text: str, special_tokens) -> list[str]:",
             "def _split_on_special_tokens(text, special_tokens):"),
            ("    longest_first = sorted(special_tokens, key=len, reverse=True)\n"
             '    pattern = "(" + "|".join(regex.escape(tok) for tok in longest_first) + ")"',
             '    pattern = "(" + "|".join(regex.escape(t) for t in sorted(special_tokens, key=len)) + ")"'),
        ],
    },
    # Row 10: the standard library `re` has no \\p{L}: an ad-hoc split on spaces instead.
    "tokenization-10-adhoc-pretokenize": {
        "pretokenize": '''
def pretokenize(text):
    import re
    return re.findall(r" ?\\w+| ?[^\\s\\w]+|\\s+", text)
''',
    },
    # Row 11: a one-byte pre-token has no pair, and min() of nothing raises.
    "tokenization-11-single-byte-pretoken-crashes": {
        "_apply_merges": [
            ("def _apply_merges(data: bytes, ranks: dict) -> list[bytes]:",
             "def _apply_merges(data, ranks):"),
            ("while len(word) > 1:", "while True:"),
        ],
    },
    # Row 13: recount every pair of every word after each merge (correct, O(merges x corpus)).
    "tokenization-13-naive-recount-trainer": {
        "train_bpe": '''
def train_bpe(text, vocab_size, special_tokens=()):
    words = {tuple(bytes([b]) for b in w): c for w, c in _count_pretokens(text, special_tokens).items()}
    vocab = {i: bytes([i]) for i in range(256)}
    merges = []
    while len(merges) < vocab_size - 256 - len(special_tokens):
        counts = Counter()
        for word, c in words.items():
            for pair in zip(word, word[1:]):
                counts[pair] += c
        if not counts:
            break
        best = max(counts, key=lambda p: (counts[p], p))
        merges.append(best)
        vocab[255 + len(merges)] = best[0] + best[1]
        merged = Counter()
        for word, c in words.items():
            merged[_merge_word(word, best, best[0] + best[1])] += c
        words = merged
    for offset, token in enumerate(special_tokens):
        vocab[256 + len(merges) + offset] = token.encode("utf-8")
    return vocab, merges
''',
    },
    # Row 14: text silently NFC-normalised: NFD Hangul (jamo) does not come back byte-exact.
    "tokenization-14-nfc-normalization": {
        "pretokenize": '''
def pretokenize(text):
    import unicodedata
    return regex.findall(GPT2_PATTERN, unicodedata.normalize("NFC", text))
''',
    },
    # Issue 17 §3/§4: documented limits and input checks, the given order, the caller's arguments.
    "tokenization-extra-specials-numbered-from-vocab-size": {
        "train_bpe": [("vocab[256 + len(merges) + offset] = token.encode(\"utf-8\")",
                       "vocab[vocab_size - len(special_tokens) + offset] = token.encode(\"utf-8\")")],
    },
    "tokenization-extra-specials-numbered-longest-first": {
        "train_bpe": [("for offset, token in enumerate(special_tokens):",
                       "for offset, token in enumerate(sorted(special_tokens, key=len, reverse=True)):")],
    },
    "tokenization-extra-no-vocab-size-check": {
        "train_bpe": [("    if n_merges < 0:\n        raise ValueError(\"vocab_size는 256 + 특수 토큰 수 이상이어야 합니다.\")\n", "")],
    },
    "tokenization-extra-tokenizer-sorts-callers-specials": {
        "BPETokenizer": [("self.special_tokens = list(special_tokens)",
                          "if isinstance(special_tokens, list):\n"
                          "            special_tokens.sort(key=len, reverse=True)\n"
                          "        self.special_tokens = list(special_tokens)")],
    },
    "tokenization-extra-tokenizer-skips-unknown-specials": {
        "BPETokenizer": [("            if not ids:\n"
                          "                raise ValueError(f\"특수 토큰 {token!r}이(가) vocab에 없습니다.\")\n",
                          "            if not ids:\n                continue\n")],
    },
}

# Realistic buggy submissions for the demo (grader/authoring/samples.py).
SAMPLES = {
    "bug-first-seen-and-per-token-decode": ["tokenization-1-first-seen-tie-break",
                                            "tokenization-8-decode-per-token"],
    "bug-naive-trainer": ["tokenization-13-naive-recount-trainer"],
    "bug-stdlib-re-and-nfc": ["tokenization-10-adhoc-pretokenize", "tokenization-14-nfc-normalization"],
}

# Correct solutions written differently: each must keep full marks.
ALTERNATIVES = {
    # Incremental counts, but the best pair found by scanning every pair with max() instead of a
    # heap: about 3x the reference's time on the speed test's workload, inside its 10x bound.
    "alt-incremental-with-max-scan": {
        "train_bpe": '''
def train_bpe(text, vocab_size, special_tokens=()):
    n_merges = vocab_size - 256 - len(special_tokens)
    if n_merges < 0:
        raise ValueError("vocab_size too small")
    word_counts = _count_pretokens(text, special_tokens)
    words = [tuple(bytes([b]) for b in word) for word in word_counts]
    freqs = list(word_counts.values())
    counts, index = _count_pairs(words, freqs)
    vocab = {i: bytes([i]) for i in range(256)}
    merges = []
    while len(merges) < n_merges and counts:
        best = max(counts, key=lambda pair: (counts[pair], pair))
        merges.append(best)
        vocab[255 + len(merges)] = best[0] + best[1]
        for pair, delta in _apply_merge(best, words, freqs, index).items():
            counts[pair] += delta
            if counts[pair] <= 0:
                del counts[pair]
    for offset, token in enumerate(special_tokens):
        vocab[256 + len(merges) + offset] = token.encode("utf-8")
    return vocab, merges
''',
    },
}
