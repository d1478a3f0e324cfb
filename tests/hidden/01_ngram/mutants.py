"""Buggy variants of solutions/01_ngram.py, one or more per BUG_CATALOG "n-gram language models" row."""

MUTANTS = {
    # n-gram row 1: add-k denominator c(ctx) + k instead of c(ctx) + k·V
    'ngram-1-addk-denominator': {
        'NGramLM': r'''
class NGramLM:
    """add-k 평활화(smoothing)를 쓰는 n-gram 언어 모델.

    어휘(vocabulary) V = 학습 문장의 토큰 + `</s>` + `<unk>` (`<s>`는 예측하지 않으므로 넣지 않음).
    어휘에 없는 단어는 `<unk>`로 바꿔서 다룹니다.

        P(w | h) = (c(h, w) + k) / (c(h) + k·|V|)

    c(h, w)는 n-gram (h, w)의 개수, c(h)는 문맥 h 뒤에 어떤 토큰이든 온 횟수 = Σ_w c(h, w).
    k = 0이면 최대우도추정(MLE)이고, 한 번도 본 적 없는 문맥(c(h) = 0)에서는 균등분포 1/|V|를 씁니다.
    """

    def __init__(self, n, k=0.0):
        """n: n-gram의 n (1 이상), k: add-k 평활화 상수 (0이면 MLE)."""
        self.n = n
        self.k = k
        self.vocab = []
        self.ngram_counts = Counter()
        self.context_counts = Counter()

    def _map(self, token):
        """어휘에 있는 토큰(과 문맥에 나오는 `<s>`)은 그대로, 그 밖의 토큰은 `<unk>`로 바꿉니다."""
        return token if token in self._vocab_set or token == BOS else UNK

    def fit(self, sentences):
        """학습 문장들로 어휘와 n-gram·문맥 개수를 셉니다. self를 반환합니다.

        어휘 = 학습 토큰 ∪ {`</s>`, `<unk>`}.  c(h) = Σ_w c(h, w) 이므로 문맥 개수는
        n-gram 개수에서 바로 얻습니다.
        """
        words = {token for tokens in sentences for token in tokens}
        self.vocab = sorted(words | {EOS, UNK})
        self._vocab_set = set(self.vocab)
        self.ngram_counts = count_ngrams(sentences, self.n)
        self.context_counts = Counter()
        for gram, count in self.ngram_counts.items():
            self.context_counts[gram[:-1]] += count
        return self

    def prob(self, word, context):
        """P(word | context) = (c(context, word) + k) / (c(context) + k·|V|).

        context는 앞선 n-1개 토큰(리스트나 튜플)입니다. 어휘에 없는 단어(문맥 속 단어 포함)는
        `<unk>`로 바꿉니다. k = 0이고 문맥을 학습에서 본 적이 없으면 1/|V|를 돌려줍니다.
        """
        history = tuple(self._map(t) for t in context)[len(context) - (self.n - 1):]
        word = self._map(word)
        vocab_size = len(self.vocab)
        context_count = self.context_counts[history]
        denominator = context_count + self.k
        if denominator == 0:
            return 1.0 / vocab_size
        return (self.ngram_counts[history + (word,)] + self.k) / denominator

    def perplexity(self, sentences):
        """퍼플렉서티(Perplexity) = exp( -(1/N) Σ ln P(w_i | h_i) ).

        N은 예측한 모든 토큰의 수입니다: 각 문장의 토큰과 `</s>`를 세고, `<s>`는 세지 않습니다.
        확률을 곱하지 않고 로그를 더하므로 긴 텍스트에서도 0으로 사라지지(underflow) 않습니다.
        어떤 토큰의 확률이 0이면 무한대(math.inf)입니다.
        """
        total_log_prob = 0.0
        n_predicted = 0
        for tokens in sentences:
            padded = pad(tokens, self.n)
            for i in range(self.n - 1, len(padded)):
                p = self.prob(padded[i], padded[i - self.n + 1:i])
                if p == 0:
                    return math.inf
                total_log_prob += math.log(p)
                n_predicted += 1
        return math.exp(-total_log_prob / n_predicted)

    def generate(self, rng, max_len=30):
        """`<s>`…로 시작해 다음 토큰을 P(w | 문맥)에서 하나씩 뽑아 문장을 만듭니다.

        rng(numpy.random.Generator)만 써서 뽑습니다 (같은 시드 → 같은 문장). `</s>`가 나오거나
        토큰이 max_len개가 되면 멈춥니다. 반환하는 토큰 리스트에는 `<s>`와 `</s>`가 들어가지 않습니다.
        """
        context = [BOS] * (self.n - 1)
        generated = []
        while len(generated) < max_len:
            probs = np.array([self.prob(w, context) for w in self.vocab])
            word = self.vocab[rng.choice(len(self.vocab), p=probs / probs.sum())]
            if word == EOS:
                break
            generated.append(word)
            context = (context + [word])[1:] if self.n > 1 else []
        return generated
''',
    },
    # n-gram row 2: V counts <s>
    'ngram-2-vocab-counts-bos': {
        'NGramLM': r'''
class NGramLM:
    """add-k 평활화(smoothing)를 쓰는 n-gram 언어 모델.

    어휘(vocabulary) V = 학습 문장의 토큰 + `</s>` + `<unk>` (`<s>`는 예측하지 않으므로 넣지 않음).
    어휘에 없는 단어는 `<unk>`로 바꿔서 다룹니다.

        P(w | h) = (c(h, w) + k) / (c(h) + k·|V|)

    c(h, w)는 n-gram (h, w)의 개수, c(h)는 문맥 h 뒤에 어떤 토큰이든 온 횟수 = Σ_w c(h, w).
    k = 0이면 최대우도추정(MLE)이고, 한 번도 본 적 없는 문맥(c(h) = 0)에서는 균등분포 1/|V|를 씁니다.
    """

    def __init__(self, n, k=0.0):
        """n: n-gram의 n (1 이상), k: add-k 평활화 상수 (0이면 MLE)."""
        self.n = n
        self.k = k
        self.vocab = []
        self.ngram_counts = Counter()
        self.context_counts = Counter()

    def _map(self, token):
        """어휘에 있는 토큰(과 문맥에 나오는 `<s>`)은 그대로, 그 밖의 토큰은 `<unk>`로 바꿉니다."""
        return token if token in self._vocab_set or token == BOS else UNK

    def fit(self, sentences):
        """학습 문장들로 어휘와 n-gram·문맥 개수를 셉니다. self를 반환합니다.

        어휘 = 학습 토큰 ∪ {`</s>`, `<unk>`}.  c(h) = Σ_w c(h, w) 이므로 문맥 개수는
        n-gram 개수에서 바로 얻습니다.
        """
        words = {token for tokens in sentences for token in tokens}
        self.vocab = sorted(words | {BOS, EOS, UNK})
        self._vocab_set = set(self.vocab)
        self.ngram_counts = count_ngrams(sentences, self.n)
        self.context_counts = Counter()
        for gram, count in self.ngram_counts.items():
            self.context_counts[gram[:-1]] += count
        return self

    def prob(self, word, context):
        """P(word | context) = (c(context, word) + k) / (c(context) + k·|V|).

        context는 앞선 n-1개 토큰(리스트나 튜플)입니다. 어휘에 없는 단어(문맥 속 단어 포함)는
        `<unk>`로 바꿉니다. k = 0이고 문맥을 학습에서 본 적이 없으면 1/|V|를 돌려줍니다.
        """
        history = tuple(self._map(t) for t in context)[len(context) - (self.n - 1):]
        word = self._map(word)
        vocab_size = len(self.vocab)
        context_count = self.context_counts[history]
        denominator = context_count + self.k * vocab_size
        if denominator == 0:
            return 1.0 / vocab_size
        return (self.ngram_counts[history + (word,)] + self.k) / denominator

    def perplexity(self, sentences):
        """퍼플렉서티(Perplexity) = exp( -(1/N) Σ ln P(w_i | h_i) ).

        N은 예측한 모든 토큰의 수입니다: 각 문장의 토큰과 `</s>`를 세고, `<s>`는 세지 않습니다.
        확률을 곱하지 않고 로그를 더하므로 긴 텍스트에서도 0으로 사라지지(underflow) 않습니다.
        어떤 토큰의 확률이 0이면 무한대(math.inf)입니다.
        """
        total_log_prob = 0.0
        n_predicted = 0
        for tokens in sentences:
            padded = pad(tokens, self.n)
            for i in range(self.n - 1, len(padded)):
                p = self.prob(padded[i], padded[i - self.n + 1:i])
                if p == 0:
                    return math.inf
                total_log_prob += math.log(p)
                n_predicted += 1
        return math.exp(-total_log_prob / n_predicted)

    def generate(self, rng, max_len=30):
        """`<s>`…로 시작해 다음 토큰을 P(w | 문맥)에서 하나씩 뽑아 문장을 만듭니다.

        rng(numpy.random.Generator)만 써서 뽑습니다 (같은 시드 → 같은 문장). `</s>`가 나오거나
        토큰이 max_len개가 되면 멈춥니다. 반환하는 토큰 리스트에는 `<s>`와 `</s>`가 들어가지 않습니다.
        """
        context = [BOS] * (self.n - 1)
        generated = []
        while len(generated) < max_len:
            probs = np.array([self.prob(w, context) for w in self.vocab])
            word = self.vocab[rng.choice(len(self.vocab), p=probs / probs.sum())]
            if word == EOS:
                break
            generated.append(word)
            context = (context + [word])[1:] if self.n > 1 else []
        return generated
''',
    },
    # n-gram row 2: V omits <unk>
    'ngram-2-vocab-omits-unk': {
        'NGramLM': r'''
class NGramLM:
    """add-k 평활화(smoothing)를 쓰는 n-gram 언어 모델.

    어휘(vocabulary) V = 학습 문장의 토큰 + `</s>` + `<unk>` (`<s>`는 예측하지 않으므로 넣지 않음).
    어휘에 없는 단어는 `<unk>`로 바꿔서 다룹니다.

        P(w | h) = (c(h, w) + k) / (c(h) + k·|V|)

    c(h, w)는 n-gram (h, w)의 개수, c(h)는 문맥 h 뒤에 어떤 토큰이든 온 횟수 = Σ_w c(h, w).
    k = 0이면 최대우도추정(MLE)이고, 한 번도 본 적 없는 문맥(c(h) = 0)에서는 균등분포 1/|V|를 씁니다.
    """

    def __init__(self, n, k=0.0):
        """n: n-gram의 n (1 이상), k: add-k 평활화 상수 (0이면 MLE)."""
        self.n = n
        self.k = k
        self.vocab = []
        self.ngram_counts = Counter()
        self.context_counts = Counter()

    def _map(self, token):
        """어휘에 있는 토큰(과 문맥에 나오는 `<s>`)은 그대로, 그 밖의 토큰은 `<unk>`로 바꿉니다."""
        return token if token in self._vocab_set or token in (BOS, UNK) else UNK

    def fit(self, sentences):
        """학습 문장들로 어휘와 n-gram·문맥 개수를 셉니다. self를 반환합니다.

        어휘 = 학습 토큰 ∪ {`</s>`, `<unk>`}.  c(h) = Σ_w c(h, w) 이므로 문맥 개수는
        n-gram 개수에서 바로 얻습니다.
        """
        words = {token for tokens in sentences for token in tokens}
        self.vocab = sorted(words | {EOS})
        self._vocab_set = set(self.vocab)
        self.ngram_counts = count_ngrams(sentences, self.n)
        self.context_counts = Counter()
        for gram, count in self.ngram_counts.items():
            self.context_counts[gram[:-1]] += count
        return self

    def prob(self, word, context):
        """P(word | context) = (c(context, word) + k) / (c(context) + k·|V|).

        context는 앞선 n-1개 토큰(리스트나 튜플)입니다. 어휘에 없는 단어(문맥 속 단어 포함)는
        `<unk>`로 바꿉니다. k = 0이고 문맥을 학습에서 본 적이 없으면 1/|V|를 돌려줍니다.
        """
        history = tuple(self._map(t) for t in context)[len(context) - (self.n - 1):]
        word = self._map(word)
        vocab_size = len(self.vocab)
        context_count = self.context_counts[history]
        denominator = context_count + self.k * vocab_size
        if denominator == 0:
            return 1.0 / vocab_size
        return (self.ngram_counts[history + (word,)] + self.k) / denominator

    def perplexity(self, sentences):
        """퍼플렉서티(Perplexity) = exp( -(1/N) Σ ln P(w_i | h_i) ).

        N은 예측한 모든 토큰의 수입니다: 각 문장의 토큰과 `</s>`를 세고, `<s>`는 세지 않습니다.
        확률을 곱하지 않고 로그를 더하므로 긴 텍스트에서도 0으로 사라지지(underflow) 않습니다.
        어떤 토큰의 확률이 0이면 무한대(math.inf)입니다.
        """
        total_log_prob = 0.0
        n_predicted = 0
        for tokens in sentences:
            padded = pad(tokens, self.n)
            for i in range(self.n - 1, len(padded)):
                p = self.prob(padded[i], padded[i - self.n + 1:i])
                if p == 0:
                    return math.inf
                total_log_prob += math.log(p)
                n_predicted += 1
        return math.exp(-total_log_prob / n_predicted)

    def generate(self, rng, max_len=30):
        """`<s>`…로 시작해 다음 토큰을 P(w | 문맥)에서 하나씩 뽑아 문장을 만듭니다.

        rng(numpy.random.Generator)만 써서 뽑습니다 (같은 시드 → 같은 문장). `</s>`가 나오거나
        토큰이 max_len개가 되면 멈춥니다. 반환하는 토큰 리스트에는 `<s>`와 `</s>`가 들어가지 않습니다.
        """
        context = [BOS] * (self.n - 1)
        generated = []
        while len(generated) < max_len:
            probs = np.array([self.prob(w, context) for w in self.vocab])
            word = self.vocab[rng.choice(len(self.vocab), p=probs / probs.sum())]
            if word == EOS:
                break
            generated.append(word)
            context = (context + [word])[1:] if self.n > 1 else []
        return generated
''',
    },
    # n-gram row 3: one padding for the whole corpus (n-grams span sentence boundaries)
    'ngram-3-cross-sentence': {
        'count_ngrams': r'''
def count_ngrams(sentences, n):
    """패딩한 각 문장에서 연속한 n개 토큰의 튜플을 셉니다.

    문장마다 따로 패딩하므로 한 문장의 끝과 다음 문장의 시작을 잇는 n-gram은 생기지 않습니다.
    길이 L인 문장 하나는 정확히 L+1개의 n-gram을 만듭니다 (예측할 토큰 L개 + `</s>`).

    Args:
        sentences: 문장(토큰 리스트)들의 리스트.
        n: n-gram의 n.
    Returns:
        collections.Counter: {(w_1, ..., w_n): 등장 횟수}
    """
    counts = Counter()
    padded = pad([t for tokens in sentences for t in tokens], n)
    if True:
        for i in range(len(padded) - n + 1):
            counts[tuple(padded[i:i + n])] += 1
    return counts
''',
    },
    # n-gram row 4: perplexity exp(sum nll) instead of exp(mean nll)
    'ngram-4-ppl-sum': {
        'NGramLM': r'''
class NGramLM:
    """add-k 평활화(smoothing)를 쓰는 n-gram 언어 모델.

    어휘(vocabulary) V = 학습 문장의 토큰 + `</s>` + `<unk>` (`<s>`는 예측하지 않으므로 넣지 않음).
    어휘에 없는 단어는 `<unk>`로 바꿔서 다룹니다.

        P(w | h) = (c(h, w) + k) / (c(h) + k·|V|)

    c(h, w)는 n-gram (h, w)의 개수, c(h)는 문맥 h 뒤에 어떤 토큰이든 온 횟수 = Σ_w c(h, w).
    k = 0이면 최대우도추정(MLE)이고, 한 번도 본 적 없는 문맥(c(h) = 0)에서는 균등분포 1/|V|를 씁니다.
    """

    def __init__(self, n, k=0.0):
        """n: n-gram의 n (1 이상), k: add-k 평활화 상수 (0이면 MLE)."""
        self.n = n
        self.k = k
        self.vocab = []
        self.ngram_counts = Counter()
        self.context_counts = Counter()

    def _map(self, token):
        """어휘에 있는 토큰(과 문맥에 나오는 `<s>`)은 그대로, 그 밖의 토큰은 `<unk>`로 바꿉니다."""
        return token if token in self._vocab_set or token == BOS else UNK

    def fit(self, sentences):
        """학습 문장들로 어휘와 n-gram·문맥 개수를 셉니다. self를 반환합니다.

        어휘 = 학습 토큰 ∪ {`</s>`, `<unk>`}.  c(h) = Σ_w c(h, w) 이므로 문맥 개수는
        n-gram 개수에서 바로 얻습니다.
        """
        words = {token for tokens in sentences for token in tokens}
        self.vocab = sorted(words | {EOS, UNK})
        self._vocab_set = set(self.vocab)
        self.ngram_counts = count_ngrams(sentences, self.n)
        self.context_counts = Counter()
        for gram, count in self.ngram_counts.items():
            self.context_counts[gram[:-1]] += count
        return self

    def prob(self, word, context):
        """P(word | context) = (c(context, word) + k) / (c(context) + k·|V|).

        context는 앞선 n-1개 토큰(리스트나 튜플)입니다. 어휘에 없는 단어(문맥 속 단어 포함)는
        `<unk>`로 바꿉니다. k = 0이고 문맥을 학습에서 본 적이 없으면 1/|V|를 돌려줍니다.
        """
        history = tuple(self._map(t) for t in context)[len(context) - (self.n - 1):]
        word = self._map(word)
        vocab_size = len(self.vocab)
        context_count = self.context_counts[history]
        denominator = context_count + self.k * vocab_size
        if denominator == 0:
            return 1.0 / vocab_size
        return (self.ngram_counts[history + (word,)] + self.k) / denominator

    def perplexity(self, sentences):
        """퍼플렉서티(Perplexity) = exp( -(1/N) Σ ln P(w_i | h_i) ).

        N은 예측한 모든 토큰의 수입니다: 각 문장의 토큰과 `</s>`를 세고, `<s>`는 세지 않습니다.
        확률을 곱하지 않고 로그를 더하므로 긴 텍스트에서도 0으로 사라지지(underflow) 않습니다.
        어떤 토큰의 확률이 0이면 무한대(math.inf)입니다.
        """
        total_log_prob = 0.0
        n_predicted = 0
        for tokens in sentences:
            padded = pad(tokens, self.n)
            for i in range(self.n - 1, len(padded)):
                p = self.prob(padded[i], padded[i - self.n + 1:i])
                if p == 0:
                    return math.inf
                total_log_prob += math.log(p)
                n_predicted += 1
        return math.exp(-total_log_prob)

    def generate(self, rng, max_len=30):
        """`<s>`…로 시작해 다음 토큰을 P(w | 문맥)에서 하나씩 뽑아 문장을 만듭니다.

        rng(numpy.random.Generator)만 써서 뽑습니다 (같은 시드 → 같은 문장). `</s>`가 나오거나
        토큰이 max_len개가 되면 멈춥니다. 반환하는 토큰 리스트에는 `<s>`와 `</s>`가 들어가지 않습니다.
        """
        context = [BOS] * (self.n - 1)
        generated = []
        while len(generated) < max_len:
            probs = np.array([self.prob(w, context) for w in self.vocab])
            word = self.vocab[rng.choice(len(self.vocab), p=probs / probs.sum())]
            if word == EOS:
                break
            generated.append(word)
            context = (context + [word])[1:] if self.n > 1 else []
        return generated
''',
    },
    # n-gram row 5: log-base mismatch 2 ** mean(-ln p)
    'ngram-5-log-base': {
        'NGramLM': r'''
class NGramLM:
    """add-k 평활화(smoothing)를 쓰는 n-gram 언어 모델.

    어휘(vocabulary) V = 학습 문장의 토큰 + `</s>` + `<unk>` (`<s>`는 예측하지 않으므로 넣지 않음).
    어휘에 없는 단어는 `<unk>`로 바꿔서 다룹니다.

        P(w | h) = (c(h, w) + k) / (c(h) + k·|V|)

    c(h, w)는 n-gram (h, w)의 개수, c(h)는 문맥 h 뒤에 어떤 토큰이든 온 횟수 = Σ_w c(h, w).
    k = 0이면 최대우도추정(MLE)이고, 한 번도 본 적 없는 문맥(c(h) = 0)에서는 균등분포 1/|V|를 씁니다.
    """

    def __init__(self, n, k=0.0):
        """n: n-gram의 n (1 이상), k: add-k 평활화 상수 (0이면 MLE)."""
        self.n = n
        self.k = k
        self.vocab = []
        self.ngram_counts = Counter()
        self.context_counts = Counter()

    def _map(self, token):
        """어휘에 있는 토큰(과 문맥에 나오는 `<s>`)은 그대로, 그 밖의 토큰은 `<unk>`로 바꿉니다."""
        return token if token in self._vocab_set or token == BOS else UNK

    def fit(self, sentences):
        """학습 문장들로 어휘와 n-gram·문맥 개수를 셉니다. self를 반환합니다.

        어휘 = 학습 토큰 ∪ {`</s>`, `<unk>`}.  c(h) = Σ_w c(h, w) 이므로 문맥 개수는
        n-gram 개수에서 바로 얻습니다.
        """
        words = {token for tokens in sentences for token in tokens}
        self.vocab = sorted(words | {EOS, UNK})
        self._vocab_set = set(self.vocab)
        self.ngram_counts = count_ngrams(sentences, self.n)
        self.context_counts = Counter()
        for gram, count in self.ngram_counts.items():
            self.context_counts[gram[:-1]] += count
        return self

    def prob(self, word, context):
        """P(word | context) = (c(context, word) + k) / (c(context) + k·|V|).

        context는 앞선 n-1개 토큰(리스트나 튜플)입니다. 어휘에 없는 단어(문맥 속 단어 포함)는
        `<unk>`로 바꿉니다. k = 0이고 문맥을 학습에서 본 적이 없으면 1/|V|를 돌려줍니다.
        """
        history = tuple(self._map(t) for t in context)[len(context) - (self.n - 1):]
        word = self._map(word)
        vocab_size = len(self.vocab)
        context_count = self.context_counts[history]
        denominator = context_count + self.k * vocab_size
        if denominator == 0:
            return 1.0 / vocab_size
        return (self.ngram_counts[history + (word,)] + self.k) / denominator

    def perplexity(self, sentences):
        """퍼플렉서티(Perplexity) = exp( -(1/N) Σ ln P(w_i | h_i) ).

        N은 예측한 모든 토큰의 수입니다: 각 문장의 토큰과 `</s>`를 세고, `<s>`는 세지 않습니다.
        확률을 곱하지 않고 로그를 더하므로 긴 텍스트에서도 0으로 사라지지(underflow) 않습니다.
        어떤 토큰의 확률이 0이면 무한대(math.inf)입니다.
        """
        total_log_prob = 0.0
        n_predicted = 0
        for tokens in sentences:
            padded = pad(tokens, self.n)
            for i in range(self.n - 1, len(padded)):
                p = self.prob(padded[i], padded[i - self.n + 1:i])
                if p == 0:
                    return math.inf
                total_log_prob += math.log(p)
                n_predicted += 1
        return 2 ** (-total_log_prob / n_predicted)

    def generate(self, rng, max_len=30):
        """`<s>`…로 시작해 다음 토큰을 P(w | 문맥)에서 하나씩 뽑아 문장을 만듭니다.

        rng(numpy.random.Generator)만 써서 뽑습니다 (같은 시드 → 같은 문장). `</s>`가 나오거나
        토큰이 max_len개가 되면 멈춥니다. 반환하는 토큰 리스트에는 `<s>`와 `</s>`가 들어가지 않습니다.
        """
        context = [BOS] * (self.n - 1)
        generated = []
        while len(generated) < max_len:
            probs = np.array([self.prob(w, context) for w in self.vocab])
            word = self.vocab[rng.choice(len(self.vocab), p=probs / probs.sum())]
            if word == EOS:
                break
            generated.append(word)
            context = (context + [word])[1:] if self.n > 1 else []
        return generated
''',
    },
    # n-gram row 6: entropy of the model's own distributions instead of the held-out tokens' log-probs
    'ngram-6-model-entropy': {
        'NGramLM': r'''
class NGramLM:
    """add-k 평활화(smoothing)를 쓰는 n-gram 언어 모델.

    어휘(vocabulary) V = 학습 문장의 토큰 + `</s>` + `<unk>` (`<s>`는 예측하지 않으므로 넣지 않음).
    어휘에 없는 단어는 `<unk>`로 바꿔서 다룹니다.

        P(w | h) = (c(h, w) + k) / (c(h) + k·|V|)

    c(h, w)는 n-gram (h, w)의 개수, c(h)는 문맥 h 뒤에 어떤 토큰이든 온 횟수 = Σ_w c(h, w).
    k = 0이면 최대우도추정(MLE)이고, 한 번도 본 적 없는 문맥(c(h) = 0)에서는 균등분포 1/|V|를 씁니다.
    """

    def __init__(self, n, k=0.0):
        """n: n-gram의 n (1 이상), k: add-k 평활화 상수 (0이면 MLE)."""
        self.n = n
        self.k = k
        self.vocab = []
        self.ngram_counts = Counter()
        self.context_counts = Counter()

    def _map(self, token):
        """어휘에 있는 토큰(과 문맥에 나오는 `<s>`)은 그대로, 그 밖의 토큰은 `<unk>`로 바꿉니다."""
        return token if token in self._vocab_set or token == BOS else UNK

    def fit(self, sentences):
        """학습 문장들로 어휘와 n-gram·문맥 개수를 셉니다. self를 반환합니다.

        어휘 = 학습 토큰 ∪ {`</s>`, `<unk>`}.  c(h) = Σ_w c(h, w) 이므로 문맥 개수는
        n-gram 개수에서 바로 얻습니다.
        """
        words = {token for tokens in sentences for token in tokens}
        self.vocab = sorted(words | {EOS, UNK})
        self._vocab_set = set(self.vocab)
        self.ngram_counts = count_ngrams(sentences, self.n)
        self.context_counts = Counter()
        for gram, count in self.ngram_counts.items():
            self.context_counts[gram[:-1]] += count
        return self

    def prob(self, word, context):
        """P(word | context) = (c(context, word) + k) / (c(context) + k·|V|).

        context는 앞선 n-1개 토큰(리스트나 튜플)입니다. 어휘에 없는 단어(문맥 속 단어 포함)는
        `<unk>`로 바꿉니다. k = 0이고 문맥을 학습에서 본 적이 없으면 1/|V|를 돌려줍니다.
        """
        history = tuple(self._map(t) for t in context)[len(context) - (self.n - 1):]
        word = self._map(word)
        vocab_size = len(self.vocab)
        context_count = self.context_counts[history]
        denominator = context_count + self.k * vocab_size
        if denominator == 0:
            return 1.0 / vocab_size
        return (self.ngram_counts[history + (word,)] + self.k) / denominator

    def perplexity(self, sentences):
        """퍼플렉서티(Perplexity) = exp( -(1/N) Σ ln P(w_i | h_i) ).

        N은 예측한 모든 토큰의 수입니다: 각 문장의 토큰과 `</s>`를 세고, `<s>`는 세지 않습니다.
        확률을 곱하지 않고 로그를 더하므로 긴 텍스트에서도 0으로 사라지지(underflow) 않습니다.
        어떤 토큰의 확률이 0이면 무한대(math.inf)입니다.
        """
        total_log_prob = 0.0
        n_predicted = 0
        for tokens in sentences:
            padded = pad(tokens, self.n)
            for i in range(self.n - 1, len(padded)):
                for w in self.vocab:
                    p = self.prob(w, padded[i - self.n + 1:i])
                    if p > 0:
                        total_log_prob += p * math.log(p)
                n_predicted += 1
        return math.exp(-total_log_prob / n_predicted)

    def generate(self, rng, max_len=30):
        """`<s>`…로 시작해 다음 토큰을 P(w | 문맥)에서 하나씩 뽑아 문장을 만듭니다.

        rng(numpy.random.Generator)만 써서 뽑습니다 (같은 시드 → 같은 문장). `</s>`가 나오거나
        토큰이 max_len개가 되면 멈춥니다. 반환하는 토큰 리스트에는 `<s>`와 `</s>`가 들어가지 않습니다.
        """
        context = [BOS] * (self.n - 1)
        generated = []
        while len(generated) < max_len:
            probs = np.array([self.prob(w, context) for w in self.vocab])
            word = self.vocab[rng.choice(len(self.vocab), p=probs / probs.sum())]
            if word == EOS:
                break
            generated.append(word)
            context = (context + [word])[1:] if self.n > 1 else []
        return generated
''',
    },
    # n-gram row 7: multiplying raw probabilities (underflow on long text)
    'ngram-7-product-underflow': {
        'NGramLM': r'''
class NGramLM:
    """add-k 평활화(smoothing)를 쓰는 n-gram 언어 모델.

    어휘(vocabulary) V = 학습 문장의 토큰 + `</s>` + `<unk>` (`<s>`는 예측하지 않으므로 넣지 않음).
    어휘에 없는 단어는 `<unk>`로 바꿔서 다룹니다.

        P(w | h) = (c(h, w) + k) / (c(h) + k·|V|)

    c(h, w)는 n-gram (h, w)의 개수, c(h)는 문맥 h 뒤에 어떤 토큰이든 온 횟수 = Σ_w c(h, w).
    k = 0이면 최대우도추정(MLE)이고, 한 번도 본 적 없는 문맥(c(h) = 0)에서는 균등분포 1/|V|를 씁니다.
    """

    def __init__(self, n, k=0.0):
        """n: n-gram의 n (1 이상), k: add-k 평활화 상수 (0이면 MLE)."""
        self.n = n
        self.k = k
        self.vocab = []
        self.ngram_counts = Counter()
        self.context_counts = Counter()

    def _map(self, token):
        """어휘에 있는 토큰(과 문맥에 나오는 `<s>`)은 그대로, 그 밖의 토큰은 `<unk>`로 바꿉니다."""
        return token if token in self._vocab_set or token == BOS else UNK

    def fit(self, sentences):
        """학습 문장들로 어휘와 n-gram·문맥 개수를 셉니다. self를 반환합니다.

        어휘 = 학습 토큰 ∪ {`</s>`, `<unk>`}.  c(h) = Σ_w c(h, w) 이므로 문맥 개수는
        n-gram 개수에서 바로 얻습니다.
        """
        words = {token for tokens in sentences for token in tokens}
        self.vocab = sorted(words | {EOS, UNK})
        self._vocab_set = set(self.vocab)
        self.ngram_counts = count_ngrams(sentences, self.n)
        self.context_counts = Counter()
        for gram, count in self.ngram_counts.items():
            self.context_counts[gram[:-1]] += count
        return self

    def prob(self, word, context):
        """P(word | context) = (c(context, word) + k) / (c(context) + k·|V|).

        context는 앞선 n-1개 토큰(리스트나 튜플)입니다. 어휘에 없는 단어(문맥 속 단어 포함)는
        `<unk>`로 바꿉니다. k = 0이고 문맥을 학습에서 본 적이 없으면 1/|V|를 돌려줍니다.
        """
        history = tuple(self._map(t) for t in context)[len(context) - (self.n - 1):]
        word = self._map(word)
        vocab_size = len(self.vocab)
        context_count = self.context_counts[history]
        denominator = context_count + self.k * vocab_size
        if denominator == 0:
            return 1.0 / vocab_size
        return (self.ngram_counts[history + (word,)] + self.k) / denominator

    def perplexity(self, sentences):
        """퍼플렉서티(Perplexity) = exp( -(1/N) Σ ln P(w_i | h_i) ).

        N은 예측한 모든 토큰의 수입니다: 각 문장의 토큰과 `</s>`를 세고, `<s>`는 세지 않습니다.
        확률을 곱하지 않고 로그를 더하므로 긴 텍스트에서도 0으로 사라지지(underflow) 않습니다.
        어떤 토큰의 확률이 0이면 무한대(math.inf)입니다.
        """
        product = 1.0
        n_predicted = 0
        for tokens in sentences:
            padded = pad(tokens, self.n)
            for i in range(self.n - 1, len(padded)):
                p = self.prob(padded[i], padded[i - self.n + 1:i])
                if p == 0:
                    return math.inf
                product *= p
                n_predicted += 1
        return product ** (-1.0 / n_predicted)

    def generate(self, rng, max_len=30):
        """`<s>`…로 시작해 다음 토큰을 P(w | 문맥)에서 하나씩 뽑아 문장을 만듭니다.

        rng(numpy.random.Generator)만 써서 뽑습니다 (같은 시드 → 같은 문장). `</s>`가 나오거나
        토큰이 max_len개가 되면 멈춥니다. 반환하는 토큰 리스트에는 `<s>`와 `</s>`가 들어가지 않습니다.
        """
        context = [BOS] * (self.n - 1)
        generated = []
        while len(generated) < max_len:
            probs = np.array([self.prob(w, context) for w in self.vocab])
            word = self.vocab[rng.choice(len(self.vocab), p=probs / probs.sum())]
            if word == EOS:
                break
            generated.append(word)
            context = (context + [word])[1:] if self.n > 1 else []
        return generated
''',
    },
    # n-gram row 8: unseen context with k = 0 divides by zero
    'ngram-8-unseen-context-zero-division': {
        'NGramLM': r'''
class NGramLM:
    """add-k 평활화(smoothing)를 쓰는 n-gram 언어 모델.

    어휘(vocabulary) V = 학습 문장의 토큰 + `</s>` + `<unk>` (`<s>`는 예측하지 않으므로 넣지 않음).
    어휘에 없는 단어는 `<unk>`로 바꿔서 다룹니다.

        P(w | h) = (c(h, w) + k) / (c(h) + k·|V|)

    c(h, w)는 n-gram (h, w)의 개수, c(h)는 문맥 h 뒤에 어떤 토큰이든 온 횟수 = Σ_w c(h, w).
    k = 0이면 최대우도추정(MLE)이고, 한 번도 본 적 없는 문맥(c(h) = 0)에서는 균등분포 1/|V|를 씁니다.
    """

    def __init__(self, n, k=0.0):
        """n: n-gram의 n (1 이상), k: add-k 평활화 상수 (0이면 MLE)."""
        self.n = n
        self.k = k
        self.vocab = []
        self.ngram_counts = Counter()
        self.context_counts = Counter()

    def _map(self, token):
        """어휘에 있는 토큰(과 문맥에 나오는 `<s>`)은 그대로, 그 밖의 토큰은 `<unk>`로 바꿉니다."""
        return token if token in self._vocab_set or token == BOS else UNK

    def fit(self, sentences):
        """학습 문장들로 어휘와 n-gram·문맥 개수를 셉니다. self를 반환합니다.

        어휘 = 학습 토큰 ∪ {`</s>`, `<unk>`}.  c(h) = Σ_w c(h, w) 이므로 문맥 개수는
        n-gram 개수에서 바로 얻습니다.
        """
        words = {token for tokens in sentences for token in tokens}
        self.vocab = sorted(words | {EOS, UNK})
        self._vocab_set = set(self.vocab)
        self.ngram_counts = count_ngrams(sentences, self.n)
        self.context_counts = Counter()
        for gram, count in self.ngram_counts.items():
            self.context_counts[gram[:-1]] += count
        return self

    def prob(self, word, context):
        """P(word | context) = (c(context, word) + k) / (c(context) + k·|V|).

        context는 앞선 n-1개 토큰(리스트나 튜플)입니다. 어휘에 없는 단어(문맥 속 단어 포함)는
        `<unk>`로 바꿉니다. k = 0이고 문맥을 학습에서 본 적이 없으면 1/|V|를 돌려줍니다.
        """
        history = tuple(self._map(t) for t in context)[len(context) - (self.n - 1):]
        word = self._map(word)
        vocab_size = len(self.vocab)
        context_count = self.context_counts[history]
        denominator = context_count + self.k * vocab_size
        return (self.ngram_counts[history + (word,)] + self.k) / denominator

    def perplexity(self, sentences):
        """퍼플렉서티(Perplexity) = exp( -(1/N) Σ ln P(w_i | h_i) ).

        N은 예측한 모든 토큰의 수입니다: 각 문장의 토큰과 `</s>`를 세고, `<s>`는 세지 않습니다.
        확률을 곱하지 않고 로그를 더하므로 긴 텍스트에서도 0으로 사라지지(underflow) 않습니다.
        어떤 토큰의 확률이 0이면 무한대(math.inf)입니다.
        """
        total_log_prob = 0.0
        n_predicted = 0
        for tokens in sentences:
            padded = pad(tokens, self.n)
            for i in range(self.n - 1, len(padded)):
                p = self.prob(padded[i], padded[i - self.n + 1:i])
                if p == 0:
                    return math.inf
                total_log_prob += math.log(p)
                n_predicted += 1
        return math.exp(-total_log_prob / n_predicted)

    def generate(self, rng, max_len=30):
        """`<s>`…로 시작해 다음 토큰을 P(w | 문맥)에서 하나씩 뽑아 문장을 만듭니다.

        rng(numpy.random.Generator)만 써서 뽑습니다 (같은 시드 → 같은 문장). `</s>`가 나오거나
        토큰이 max_len개가 되면 멈춥니다. 반환하는 토큰 리스트에는 `<s>`와 `</s>`가 들어가지 않습니다.
        """
        context = [BOS] * (self.n - 1)
        generated = []
        while len(generated) < max_len:
            probs = np.array([self.prob(w, context) for w in self.vocab])
            word = self.vocab[rng.choice(len(self.vocab), p=probs / probs.sum())]
            if word == EOS:
                break
            generated.append(word)
            context = (context + [word])[1:] if self.n > 1 else []
        return generated
''',
    },
    # n-gram row 8: OOV word not mapped to <unk> (index lookup fails)
    'ngram-8-oov-not-mapped': {
        'NGramLM': r'''
class NGramLM:
    """add-k 평활화(smoothing)를 쓰는 n-gram 언어 모델.

    어휘(vocabulary) V = 학습 문장의 토큰 + `</s>` + `<unk>` (`<s>`는 예측하지 않으므로 넣지 않음).
    어휘에 없는 단어는 `<unk>`로 바꿔서 다룹니다.

        P(w | h) = (c(h, w) + k) / (c(h) + k·|V|)

    c(h, w)는 n-gram (h, w)의 개수, c(h)는 문맥 h 뒤에 어떤 토큰이든 온 횟수 = Σ_w c(h, w).
    k = 0이면 최대우도추정(MLE)이고, 한 번도 본 적 없는 문맥(c(h) = 0)에서는 균등분포 1/|V|를 씁니다.
    """

    def __init__(self, n, k=0.0):
        """n: n-gram의 n (1 이상), k: add-k 평활화 상수 (0이면 MLE)."""
        self.n = n
        self.k = k
        self.vocab = []
        self.ngram_counts = Counter()
        self.context_counts = Counter()

    def _map(self, token):
        """어휘에 있는 토큰(과 문맥에 나오는 `<s>`)은 그대로, 그 밖의 토큰은 `<unk>`로 바꿉니다."""
        return token if token in self._vocab_set or token == BOS else UNK

    def fit(self, sentences):
        """학습 문장들로 어휘와 n-gram·문맥 개수를 셉니다. self를 반환합니다.

        어휘 = 학습 토큰 ∪ {`</s>`, `<unk>`}.  c(h) = Σ_w c(h, w) 이므로 문맥 개수는
        n-gram 개수에서 바로 얻습니다.
        """
        words = {token for tokens in sentences for token in tokens}
        self.vocab = sorted(words | {EOS, UNK})
        self._vocab_set = set(self.vocab)
        self.ngram_counts = count_ngrams(sentences, self.n)
        self.context_counts = Counter()
        for gram, count in self.ngram_counts.items():
            self.context_counts[gram[:-1]] += count
        return self

    def prob(self, word, context):
        """P(word | context) = (c(context, word) + k) / (c(context) + k·|V|).

        context는 앞선 n-1개 토큰(리스트나 튜플)입니다. 어휘에 없는 단어(문맥 속 단어 포함)는
        `<unk>`로 바꿉니다. k = 0이고 문맥을 학습에서 본 적이 없으면 1/|V|를 돌려줍니다.
        """
        history = tuple(self._map(t) for t in context)[len(context) - (self.n - 1):]
        word = self.vocab[self.vocab.index(word)]
        vocab_size = len(self.vocab)
        context_count = self.context_counts[history]
        denominator = context_count + self.k * vocab_size
        if denominator == 0:
            return 1.0 / vocab_size
        return (self.ngram_counts[history + (word,)] + self.k) / denominator

    def perplexity(self, sentences):
        """퍼플렉서티(Perplexity) = exp( -(1/N) Σ ln P(w_i | h_i) ).

        N은 예측한 모든 토큰의 수입니다: 각 문장의 토큰과 `</s>`를 세고, `<s>`는 세지 않습니다.
        확률을 곱하지 않고 로그를 더하므로 긴 텍스트에서도 0으로 사라지지(underflow) 않습니다.
        어떤 토큰의 확률이 0이면 무한대(math.inf)입니다.
        """
        total_log_prob = 0.0
        n_predicted = 0
        for tokens in sentences:
            padded = pad(tokens, self.n)
            for i in range(self.n - 1, len(padded)):
                p = self.prob(padded[i], padded[i - self.n + 1:i])
                if p == 0:
                    return math.inf
                total_log_prob += math.log(p)
                n_predicted += 1
        return math.exp(-total_log_prob / n_predicted)

    def generate(self, rng, max_len=30):
        """`<s>`…로 시작해 다음 토큰을 P(w | 문맥)에서 하나씩 뽑아 문장을 만듭니다.

        rng(numpy.random.Generator)만 써서 뽑습니다 (같은 시드 → 같은 문장). `</s>`가 나오거나
        토큰이 max_len개가 되면 멈춥니다. 반환하는 토큰 리스트에는 `<s>`와 `</s>`가 들어가지 않습니다.
        """
        context = [BOS] * (self.n - 1)
        generated = []
        while len(generated) < max_len:
            probs = np.array([self.prob(w, context) for w in self.vocab])
            word = self.vocab[rng.choice(len(self.vocab), p=probs / probs.sum())]
            if word == EOS:
                break
            generated.append(word)
            context = (context + [word])[1:] if self.n > 1 else []
        return generated
''',
    },
    # n-gram row 9: N counts the <s> padding too
    'ngram-9-count-bos': {
        'NGramLM': r'''
class NGramLM:
    """add-k 평활화(smoothing)를 쓰는 n-gram 언어 모델.

    어휘(vocabulary) V = 학습 문장의 토큰 + `</s>` + `<unk>` (`<s>`는 예측하지 않으므로 넣지 않음).
    어휘에 없는 단어는 `<unk>`로 바꿔서 다룹니다.

        P(w | h) = (c(h, w) + k) / (c(h) + k·|V|)

    c(h, w)는 n-gram (h, w)의 개수, c(h)는 문맥 h 뒤에 어떤 토큰이든 온 횟수 = Σ_w c(h, w).
    k = 0이면 최대우도추정(MLE)이고, 한 번도 본 적 없는 문맥(c(h) = 0)에서는 균등분포 1/|V|를 씁니다.
    """

    def __init__(self, n, k=0.0):
        """n: n-gram의 n (1 이상), k: add-k 평활화 상수 (0이면 MLE)."""
        self.n = n
        self.k = k
        self.vocab = []
        self.ngram_counts = Counter()
        self.context_counts = Counter()

    def _map(self, token):
        """어휘에 있는 토큰(과 문맥에 나오는 `<s>`)은 그대로, 그 밖의 토큰은 `<unk>`로 바꿉니다."""
        return token if token in self._vocab_set or token == BOS else UNK

    def fit(self, sentences):
        """학습 문장들로 어휘와 n-gram·문맥 개수를 셉니다. self를 반환합니다.

        어휘 = 학습 토큰 ∪ {`</s>`, `<unk>`}.  c(h) = Σ_w c(h, w) 이므로 문맥 개수는
        n-gram 개수에서 바로 얻습니다.
        """
        words = {token for tokens in sentences for token in tokens}
        self.vocab = sorted(words | {EOS, UNK})
        self._vocab_set = set(self.vocab)
        self.ngram_counts = count_ngrams(sentences, self.n)
        self.context_counts = Counter()
        for gram, count in self.ngram_counts.items():
            self.context_counts[gram[:-1]] += count
        return self

    def prob(self, word, context):
        """P(word | context) = (c(context, word) + k) / (c(context) + k·|V|).

        context는 앞선 n-1개 토큰(리스트나 튜플)입니다. 어휘에 없는 단어(문맥 속 단어 포함)는
        `<unk>`로 바꿉니다. k = 0이고 문맥을 학습에서 본 적이 없으면 1/|V|를 돌려줍니다.
        """
        history = tuple(self._map(t) for t in context)[len(context) - (self.n - 1):]
        word = self._map(word)
        vocab_size = len(self.vocab)
        context_count = self.context_counts[history]
        denominator = context_count + self.k * vocab_size
        if denominator == 0:
            return 1.0 / vocab_size
        return (self.ngram_counts[history + (word,)] + self.k) / denominator

    def perplexity(self, sentences):
        """퍼플렉서티(Perplexity) = exp( -(1/N) Σ ln P(w_i | h_i) ).

        N은 예측한 모든 토큰의 수입니다: 각 문장의 토큰과 `</s>`를 세고, `<s>`는 세지 않습니다.
        확률을 곱하지 않고 로그를 더하므로 긴 텍스트에서도 0으로 사라지지(underflow) 않습니다.
        어떤 토큰의 확률이 0이면 무한대(math.inf)입니다.
        """
        total_log_prob = 0.0
        n_predicted = 0
        for tokens in sentences:
            padded = pad(tokens, self.n)
            for i in range(self.n - 1, len(padded)):
                p = self.prob(padded[i], padded[i - self.n + 1:i])
                if p == 0:
                    return math.inf
                total_log_prob += math.log(p)
                n_predicted += 1
            n_predicted += self.n - 1
        return math.exp(-total_log_prob / n_predicted)

    def generate(self, rng, max_len=30):
        """`<s>`…로 시작해 다음 토큰을 P(w | 문맥)에서 하나씩 뽑아 문장을 만듭니다.

        rng(numpy.random.Generator)만 써서 뽑습니다 (같은 시드 → 같은 문장). `</s>`가 나오거나
        토큰이 max_len개가 되면 멈춥니다. 반환하는 토큰 리스트에는 `<s>`와 `</s>`가 들어가지 않습니다.
        """
        context = [BOS] * (self.n - 1)
        generated = []
        while len(generated) < max_len:
            probs = np.array([self.prob(w, context) for w in self.vocab])
            word = self.vocab[rng.choice(len(self.vocab), p=probs / probs.sum())]
            if word == EOS:
                break
            generated.append(word)
            context = (context + [word])[1:] if self.n > 1 else []
        return generated
''',
    },
    # n-gram row 9: mean per sentence instead of per predicted token
    'ngram-9-per-sentence': {
        'NGramLM': r'''
class NGramLM:
    """add-k 평활화(smoothing)를 쓰는 n-gram 언어 모델.

    어휘(vocabulary) V = 학습 문장의 토큰 + `</s>` + `<unk>` (`<s>`는 예측하지 않으므로 넣지 않음).
    어휘에 없는 단어는 `<unk>`로 바꿔서 다룹니다.

        P(w | h) = (c(h, w) + k) / (c(h) + k·|V|)

    c(h, w)는 n-gram (h, w)의 개수, c(h)는 문맥 h 뒤에 어떤 토큰이든 온 횟수 = Σ_w c(h, w).
    k = 0이면 최대우도추정(MLE)이고, 한 번도 본 적 없는 문맥(c(h) = 0)에서는 균등분포 1/|V|를 씁니다.
    """

    def __init__(self, n, k=0.0):
        """n: n-gram의 n (1 이상), k: add-k 평활화 상수 (0이면 MLE)."""
        self.n = n
        self.k = k
        self.vocab = []
        self.ngram_counts = Counter()
        self.context_counts = Counter()

    def _map(self, token):
        """어휘에 있는 토큰(과 문맥에 나오는 `<s>`)은 그대로, 그 밖의 토큰은 `<unk>`로 바꿉니다."""
        return token if token in self._vocab_set or token == BOS else UNK

    def fit(self, sentences):
        """학습 문장들로 어휘와 n-gram·문맥 개수를 셉니다. self를 반환합니다.

        어휘 = 학습 토큰 ∪ {`</s>`, `<unk>`}.  c(h) = Σ_w c(h, w) 이므로 문맥 개수는
        n-gram 개수에서 바로 얻습니다.
        """
        words = {token for tokens in sentences for token in tokens}
        self.vocab = sorted(words | {EOS, UNK})
        self._vocab_set = set(self.vocab)
        self.ngram_counts = count_ngrams(sentences, self.n)
        self.context_counts = Counter()
        for gram, count in self.ngram_counts.items():
            self.context_counts[gram[:-1]] += count
        return self

    def prob(self, word, context):
        """P(word | context) = (c(context, word) + k) / (c(context) + k·|V|).

        context는 앞선 n-1개 토큰(리스트나 튜플)입니다. 어휘에 없는 단어(문맥 속 단어 포함)는
        `<unk>`로 바꿉니다. k = 0이고 문맥을 학습에서 본 적이 없으면 1/|V|를 돌려줍니다.
        """
        history = tuple(self._map(t) for t in context)[len(context) - (self.n - 1):]
        word = self._map(word)
        vocab_size = len(self.vocab)
        context_count = self.context_counts[history]
        denominator = context_count + self.k * vocab_size
        if denominator == 0:
            return 1.0 / vocab_size
        return (self.ngram_counts[history + (word,)] + self.k) / denominator

    def perplexity(self, sentences):
        """퍼플렉서티(Perplexity) = exp( -(1/N) Σ ln P(w_i | h_i) ).

        N은 예측한 모든 토큰의 수입니다: 각 문장의 토큰과 `</s>`를 세고, `<s>`는 세지 않습니다.
        확률을 곱하지 않고 로그를 더하므로 긴 텍스트에서도 0으로 사라지지(underflow) 않습니다.
        어떤 토큰의 확률이 0이면 무한대(math.inf)입니다.
        """
        total_log_prob = 0.0
        n_predicted = 0
        for tokens in sentences:
            padded = pad(tokens, self.n)
            n_predicted += 1
            for i in range(self.n - 1, len(padded)):
                p = self.prob(padded[i], padded[i - self.n + 1:i])
                if p == 0:
                    return math.inf
                total_log_prob += math.log(p)
        return math.exp(-total_log_prob / n_predicted)

    def generate(self, rng, max_len=30):
        """`<s>`…로 시작해 다음 토큰을 P(w | 문맥)에서 하나씩 뽑아 문장을 만듭니다.

        rng(numpy.random.Generator)만 써서 뽑습니다 (같은 시드 → 같은 문장). `</s>`가 나오거나
        토큰이 max_len개가 되면 멈춥니다. 반환하는 토큰 리스트에는 `<s>`와 `</s>`가 들어가지 않습니다.
        """
        context = [BOS] * (self.n - 1)
        generated = []
        while len(generated) < max_len:
            probs = np.array([self.prob(w, context) for w in self.vocab])
            word = self.vocab[rng.choice(len(self.vocab), p=probs / probs.sum())]
            if word == EOS:
                break
            generated.append(word)
            context = (context + [word])[1:] if self.n > 1 else []
        return generated
''',
    },
}

# Realistic buggy submissions for the demo (mutants of different definitions).
SAMPLES = {
    'buggy-boundaries-and-ppl-sum': ['ngram-3-cross-sentence', 'ngram-4-ppl-sum'],
}
