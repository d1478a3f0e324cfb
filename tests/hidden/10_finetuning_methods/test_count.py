"""count_trainable_parameters: requires_grad only, tied parameters once."""
import pytest
from torch import nn

from grader.checks import assert_equal

pytestmark = pytest.mark.cell("test_count")


@pytest.mark.points(4)
def test_count_trainable_parameters(student):
    """requires_grad=True인 파라미터의 원소만, 공유된 파라미터는 한 번만 세야 합니다."""
    model = nn.Sequential(nn.Embedding(11, 4), nn.Linear(4, 7), nn.Linear(4, 11, bias=False))
    model[2].weight = model[0].weight
    model[1].bias.requires_grad_(False)
    assert_equal(student.count_trainable_parameters(model), 11 * 4 + 4 * 7,
                 hint="requires_grad=True인 파라미터만 세고, 공유된(묶인) 가중치는 한 번만 세세요 "
                      "(model.parameters()가 중복을 빼 줍니다).")
