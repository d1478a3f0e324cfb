"""10. 파인 튜닝 기법 — 참고 답안.

(graded API: CURRICULUM.md "The APIs of 05, 07 and 10"; written by the 10_finetuning_methods author)
"""
from __future__ import annotations

import torch
from torch import nn


class GPTClassifier(nn.Module):
    """과정의 작은 GPT(08의 MiniGPT) 위에 분류 헤드를 얹은 모델 (주어진 코드).

    h = ln_f(blocks(tok_emb(ids) + pos_emb(0..T-1)))             (B, T, d_model)
    logits = head(h[b, last_b]),  last_b = 패딩이 아닌 마지막 위치  (B, n_classes)
    GPT는 인과 마스크를 쓰므로 오른쪽 패딩은 실제 토큰에 영향을 주지 않습니다: 마지막 실제 토큰의
    은닉 상태가 문장 전체를 본 유일한 위치입니다. `inputs_embeds`를 주면 토큰 임베딩 대신 그것을
    씁니다 (소프트 프롬프트를 앞에 붙인 입력).
    """

    def __init__(self, gpt, n_classes):
        super().__init__()
        self.gpt = gpt
        self.head = nn.Linear(gpt.tok_emb.embedding_dim, n_classes)

    def forward(self, input_ids=None, attention_mask=None, inputs_embeds=None):
        x = self.gpt.tok_emb(input_ids) if inputs_embeds is None else inputs_embeds
        batch, length = x.shape[:2]
        x = x + self.gpt.pos_emb(torch.arange(length, device=x.device))
        for block in self.gpt.blocks:
            x = block(x)
        hidden = self.gpt.ln_f(x)
        if attention_mask is None:
            last = torch.full((batch,), length - 1, device=x.device)
        else:
            last = attention_mask.long().sum(dim=1) - 1
        return self.head(hidden[torch.arange(batch, device=x.device), last])
