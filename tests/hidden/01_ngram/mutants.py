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
