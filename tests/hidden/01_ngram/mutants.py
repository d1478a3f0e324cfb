"""Buggy variants of solutions/01_ngram.py, one or more per BUG_CATALOG "n-gram language models" row.

Each entry is a list of (old, new) text edits to a reference definition (grader/mutants.py).
"""

MUTANTS = {
    # n-gram row 1: add-k denominator c(ctx) + k instead of c(ctx) + k·V
    'ngram-1-addk-denominator': {
        'NGramLM': [
            ('denominator = context_count + self.k * vocab_size', 'denominator = context_count + self.k'),
        ],
    },
    # n-gram row 2: V counts <s>
    'ngram-2-vocab-counts-bos': {
        'NGramLM': [
            ('self.vocab = sorted(words | {EOS, UNK})', 'self.vocab = sorted(words | {BOS, EOS, UNK})'),
        ],
    },
    # n-gram row 2: V omits <unk>
    'ngram-2-vocab-omits-unk': {
        'NGramLM': [
            ('return token if token in self._vocab_set or token == BOS else UNK',
             'return token if token in self._vocab_set or token in (BOS, UNK) else UNK'),
            ('self.vocab = sorted(words | {EOS, UNK})', 'self.vocab = sorted(words | {EOS})'),
        ],
    },
    # n-gram row 3: one padding for the whole corpus (n-grams span sentence boundaries)
    'ngram-3-cross-sentence': {
        'count_ngrams': [
            ('    for tokens in sentences:\n'
             '        padded = pad(tokens, n)',
             '    padded = pad([t for tokens in sentences for t in tokens], n)\n'
             '    if True:'),
        ],
    },
    # n-gram row 4: perplexity exp(sum nll) instead of exp(mean nll)
    'ngram-4-ppl-sum': {
        'NGramLM': [('return math.exp(-total_log_prob / n_predicted)', 'return math.exp(-total_log_prob)')],
    },
    # n-gram row 5: log-base mismatch 2 ** mean(-ln p)
    'ngram-5-log-base': {
        'NGramLM': [
            ('return math.exp(-total_log_prob / n_predicted)', 'return 2 ** (-total_log_prob / n_predicted)'),
        ],
    },
    # n-gram row 6: entropy of the model's own distributions instead of the held-out tokens' log-probs
    'ngram-6-model-entropy': {
        'NGramLM': [
            ('                p = self.prob(padded[i], padded[i - self.n + 1:i])\n'
             '                if p == 0:\n'
             '                    return math.inf\n'
             '                total_log_prob += math.log(p)',
             '                for w in self.vocab:\n'
             '                    p = self.prob(w, padded[i - self.n + 1:i])\n'
             '                    if p > 0:\n'
             '                        total_log_prob += p * math.log(p)'),
        ],
    },
    # n-gram row 7: multiplying raw probabilities (underflow on long text)
    'ngram-7-product-underflow': {
        'NGramLM': [
            ('total_log_prob = 0.0', 'product = 1.0'),
            ('total_log_prob += math.log(p)', 'product *= p'),
            ('return math.exp(-total_log_prob / n_predicted)', 'return product ** (-1.0 / n_predicted)'),
        ],
    },
    # n-gram row 8: unseen context with k = 0 divides by zero
    'ngram-8-unseen-context-zero-division': {
        'NGramLM': [
            ('        if denominator == 0:\n'
             '            return 1.0 / vocab_size',
             ''),
        ],
    },
    # n-gram row 8: OOV word not mapped to <unk> (index lookup fails)
    'ngram-8-oov-not-mapped': {
        'NGramLM': [('word = self._map(word)', 'word = self.vocab[self.vocab.index(word)]')],
    },
    # n-gram row 9: N counts the <s> padding too
    'ngram-9-count-bos': {
        'NGramLM': [
            ('                n_predicted += 1',
             '                n_predicted += 1\n'
             '            n_predicted += self.n - 1'),
        ],
    },
    # n-gram row 9: mean per sentence instead of per predicted token
    'ngram-9-per-sentence': {
        'NGramLM': [
            ('            padded = pad(tokens, self.n)',
             '            padded = pad(tokens, self.n)\n'
             '            n_predicted += 1'),
            ('                n_predicted += 1', ''),
        ],
    },
    # n-gram row 8: a zero probability under MLE reaches log(0) (ValueError instead of an infinite perplexity)
    'ngram-8-mle-log-zero': {
        'NGramLM': [('                if p == 0:\n                    return math.inf\n', '')],
    },
    # extra: pad builds the result in the caller's list
    'ngram-x-pad-in-place': {
        'pad': [('return [BOS] * (n - 1) + list(tokens) + [EOS]',
                 'tokens[:0] = [BOS] * (n - 1)\n    tokens.append(EOS)\n    return tokens')],
    },
    # extra: sentences shorter than n - 1 tokens produce no n-grams
    'ngram-x-short-sentences-skipped': {
        'count_ngrams': [('        padded = pad(tokens, n)\n', '        if len(tokens) < n - 1:\n            continue\n        padded = pad(tokens, n)\n')],
    },
}

# Realistic buggy submissions for the demo (mutants of different definitions).
SAMPLES = {
    'buggy-boundaries-and-ppl-sum': ['ngram-3-cross-sentence', 'ngram-4-ppl-sum'],
}

# Correct solutions written differently: each must keep full marks (tests/project/test_hidden_suites.py).
ALTERNATIVES = {
    # n-grams by zipping shifted copies; perplexity in bits (log2 paired with 2 **), the draw by the word itself
    'alt-zip-counts-and-perplexity-in-bits': {
        'count_ngrams': '''
def count_ngrams(sentences, n):
    counts = Counter()
    for tokens in sentences:
        padded = pad(tokens, n)
        counts.update(zip(*(padded[i:] for i in range(n))))
    return counts
''',
        'NGramLM': [
            ('                total_log_prob += math.log(p)', '                total_log_prob += math.log2(p)'),
            ('return math.exp(-total_log_prob / n_predicted)', 'return 2.0 ** (-total_log_prob / n_predicted)'),
            ('word = self.vocab[rng.choice(len(self.vocab), p=probs / probs.sum())]',
             'word = str(rng.choice(self.vocab, p=probs / probs.sum()))'),
        ],
    },
    # nested dictionaries history -> Counter of next words, exact fractions turned into floats at the end,
    # generation by inverting the cumulative distribution with one uniform draw per token
    'alt-nested-dicts-and-fractions': {
        'NGramLM': '''
class NGramLM:
    def __init__(self, n, k=0.0):
        self.n = n
        self.k = k

    def _known(self, token):
        return token if token in self.words or token == BOS else UNK

    def fit(self, sentences):
        self.words = {EOS, UNK}
        self.table = {}
        for tokens in sentences:
            self.words.update(tokens)
            padded = [BOS] * (self.n - 1) + list(tokens) + [EOS]
            for i in range(self.n - 1, len(padded)):
                history = tuple(padded[i - self.n + 1:i])
                self.table.setdefault(history, Counter())[padded[i]] += 1
        self.vocab = sorted(self.words)
        return self

    def prob(self, word, context):
        context = list(context)
        history = tuple(self._known(t) for t in context[len(context) - self.n + 1:]) if self.n > 1 else ()
        from fractions import Fraction

        after = self.table.get(history, Counter())
        total = sum(after.values())
        k = Fraction(self.k)
        if total == 0 and k == 0:
            return 1.0 / len(self.vocab)
        return float((after[self._known(word)] + k) / (total + k * len(self.vocab)))

    def perplexity(self, sentences):
        nll, count = 0.0, 0
        for tokens in sentences:
            history = [BOS] * (self.n - 1)
            for word in list(tokens) + [EOS]:
                p = self.prob(word, history)
                if p <= 0:
                    return math.inf
                nll -= math.log(p)
                count += 1
                if self.n > 1:
                    history = history[1:] + [word]
        return math.exp(nll / count)

    def generate(self, rng, max_len=30):
        history, out = [BOS] * (self.n - 1), []
        for _ in range(max_len):
            cumulative = np.cumsum([self.prob(w, history) for w in self.vocab])
            index = int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right"))
            word = self.vocab[min(index, len(self.vocab) - 1)]
            if word == EOS:
                break
            out.append(word)
            if self.n > 1:
                history = history[1:] + [word]
        return out
''',
    },
}
