"""The exercise, not the library: graded functions that delegate to a forbidden library lose the
points of their graded cell, found by the grader's static scan and refused by the worker's guard.

The red-team cases at the bottom try to get round both (aliases, strings built at run time,
importlib, catching the refusal, torch's C functions); each is either refused or reported.
"""
import nbformat
import pytest

from grader import assignments, course, forbidden
from grader.authoring import mutants
from grader.authoring.build import build_notebook
from grader.grade import grade_notebook
from grader.load import load_submission

# One graded function per assignment with a list, written the lazy way.
DELEGATING = {
    "01_ngram": ("pad", '''
def pad(tokens, n):
    import nltk
    return list(nltk.lm.preprocessing.pad_both_ends(tokens, n))
'''),
    "02_rnn_lstm": ("lstm_cell", '''
def lstm_cell(x, h, c, W_ih, W_hh, b_ih, b_hh):
    cell = torch.nn.LSTMCell(W_ih.shape[1], W_hh.shape[1])
    with torch.no_grad():
        cell.weight_ih.copy_(W_ih); cell.weight_hh.copy_(W_hh)
        cell.bias_ih.copy_(b_ih); cell.bias_hh.copy_(b_hh)
    return cell(x, (h, c))
'''),
    "03_transformer_bert_gpt": ("mask_tokens", '''
def mask_tokens(input_ids, mask_token_id, vocab_size, special_ids, generator, mlm_probability=0.15):
    from transformers import DataCollatorForLanguageModeling
    raise NotImplementedError
'''),
    "05_tokenization": ("train_bpe", '''
def train_bpe(text, vocab_size, special_tokens=()):
    import tokenizers
    raise NotImplementedError
'''),
    "06_embedding": ("embedding_lookup", '''
def embedding_lookup(weight, ids):
    return torch.nn.functional.embedding(ids, weight)
'''),
    "07_attention": ("softmax", '''
def softmax(x, dim=-1):
    return torch.softmax(x, dim=dim)
'''),
    "08_transformer_block": ("layer_norm", '''
def layer_norm(x, weight, bias, eps=1e-5):
    norm = nn.LayerNorm(x.shape[-1], eps=eps)
    with torch.no_grad():
        norm.weight.copy_(weight); norm.bias.copy_(bias)
    return norm(x)
'''),
    "09_generation": ("top_k_filter", '''
def top_k_filter(logits, k):
    from transformers import TopKLogitsWarper
    return TopKLogitsWarper(k)(None, logits)
'''),
    "10_finetuning_methods": ("count_trainable_parameters", '''
def count_trainable_parameters(model):
    import peft
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
'''),
    "11_finetuning_process": ("stratified_split", '''
def stratified_split(labels, test_size, seed):
    from sklearn.model_selection import train_test_split
    index = list(range(len(labels)))
    return train_test_split(index, test_size=test_size, stratify=labels, random_state=seed)
'''),
    "12_evaluation": ("accuracy_score", '''
def accuracy_score(y_true, y_pred):
    from sklearn import metrics
    return float(metrics.accuracy_score(y_true, y_pred))
'''),
    "13_agents": ("calculator", '''
def calculator(expression):
    return str(eval(expression))
'''),
}


def _notebook(tmp_path, assignment, replacements: dict[str, str]):
    source = mutants.apply(assignment.solution.read_text(encoding="utf-8"), replacements)
    path = tmp_path / f"{assignment.id}.ipynb"
    nbformat.write(build_notebook(assignment, source), path)
    return path


def _cell_of(assignment, function: str) -> str:
    return forbidden._source_layout(assignment.source_notebook)[1][function]


def test_every_assignment_with_a_list_has_a_delegating_case():
    with_list = {a for a in assignments.all_ids() if course.load().policy(a).forbidden}
    assert with_list <= set(DELEGATING), sorted(with_list - set(DELEGATING))


def test_reference_and_release_notebooks_use_nothing_forbidden(assignment):
    for notebook in (assignment.source_notebook, assignment.release_notebook):
        scanned = forbidden.scan(load_submission(notebook, assignment).cells, assignment)
        assert scanned.findings == {}, scanned.instructor_notes()


@pytest.mark.parametrize("assignment_id", sorted(DELEGATING))
def test_delegating_graded_function_is_found_in_its_cell(assignment_id, tmp_path):
    assignment = assignments.get(assignment_id)
    function, source = DELEGATING[assignment_id]
    path = _notebook(tmp_path, assignment, {function: source})
    scanned = forbidden.scan(load_submission(path, assignment).cells, assignment)
    cell = _cell_of(assignment, function)
    assert cell in scanned.findings, scanned.instructor_notes()
    assert {f.function for found in scanned.findings.values() for f in found} == {function}


def test_only_the_delegating_function_is_blamed_not_the_graded_functions_that_call_it(tmp_path):
    assignment = assignments.get("07_attention")
    path = _notebook(tmp_path, assignment, {"softmax": DELEGATING["07_attention"][1]})
    scanned = forbidden.scan(load_submission(path, assignment).cells, assignment)
    assert set(scanned.findings) == {_cell_of(assignment, "softmax")}


def test_scoped_entry_applies_only_inside_its_function(tmp_path):
    # 08's blocks are built from nn.LayerNorm (the API says so); only `layer_norm` may not use it.
    assignment = assignments.get("08_transformer_block")
    assert "torch.nn.LayerNorm in layer_norm" in course.load().policy(assignment.id).forbidden
    reference = forbidden.scan(load_submission(assignment.source_notebook, assignment).cells, assignment)
    assert reference.findings == {}


@pytest.mark.parametrize("code, used", [
    ("import sklearn.metrics as M\ndef accuracy_score(a, b):\n    return M.accuracy_score(a, b)", True),
    ("import sklearn\ndef accuracy_score(a, b):\n    return sklearn.metrics.accuracy_score(a, b)", True),
    ("from sklearn.metrics import accuracy_score as acc\ndef accuracy_score(a, b):\n    return acc(a, b)", True),
    ("import importlib\ndef accuracy_score(a, b):\n    return importlib.import_module('sklearn.metrics').accuracy_score(a, b)", True),
    ("def accuracy_score(a, b):\n    return __import__('sklearn.metrics').metrics.accuracy_score(a, b)", True),
    ("import sklearn\ndef accuracy_score(a, b):\n    return getattr(sklearn, 'metrics').accuracy_score(a, b)", True),
    ("from sklearn import metrics\n_acc = metrics.accuracy_score\ndef _helper(a, b):\n    return _acc(a, b)\n"
     "def accuracy_score(a, b):\n    return _helper(a, b)", True),
    ("import numpy as np\ndef accuracy_score(a, b):\n    return float(np.mean(np.asarray(a) == np.asarray(b)))", False),
])
def test_static_scan_sees_through_aliases_and_helpers(code, used, tmp_path):
    assignment = assignments.get("12_evaluation")
    cells = load_submission(assignment.release_notebook, assignment).cells + [("cell 999", code)]
    scanned = forbidden.scan(cells, assignment)
    assert (_cell_of(assignment, "accuracy_score") in scanned.findings) is used, scanned.instructor_notes()


def test_a_given_cell_may_use_what_graded_code_may_not(monkeypatch):
    # Given code (here a made-up given cell whose helper calls sklearn.metrics) is never blamed,
    # even when a graded function calls the helper it defines.
    assignment = assignments.get("12_evaluation")
    given_code = ("import sklearn.metrics\n\ndef given_accuracy(a, b):\n"
                  "    return sklearn.metrics.accuracy_score(a, b)")
    given, tested_by = forbidden._source_layout(assignment.source_notebook)
    monkeypatch.setattr(forbidden, "_source_layout", lambda _: (given | {given_code}, tested_by))
    cells = load_submission(assignment.source_notebook, assignment).cells
    student = "def accuracy_score(a, b):\n    return given_accuracy(a, b)"
    scanned = forbidden.scan([("cell 1", given_code), *cells, ("cell 999", student)], assignment)
    assert scanned.findings == {}
    assert "cell 1" in forbidden.given_cell_labels([("cell 1", given_code)], assignment)


# ----------------------------------------------------------------------------- through the worker

def _grade(tmp_path, assignment_id, replacements):
    assignment = assignments.get(assignment_id)
    path = _notebook(tmp_path, assignment, replacements)
    return grade_notebook(path, assignment, "lazy")


def _tests_of(result, cell):
    return [t for t in result.tests if t.grade_id == cell]


def test_notebook_delegating_to_sklearn_scores_zero_on_those_tests_and_says_why(tmp_path):
    result = _grade(tmp_path, "12_evaluation", {"accuracy_score": DELEGATING["12_evaluation"][1]})
    cell = _cell_of(assignments.get("12_evaluation"), "accuracy_score")
    affected = _tests_of(result, cell)
    assert affected and all(t.points == 0 for t in affected)
    assert all("sklearn.metrics" in t.message and "accuracy_score" in t.message for t in affected)
    assert "forbidden: accuracy_score uses sklearn.metrics" in result.detail
    others = [t for t in result.tests if t.grade_id != cell]
    assert all(t.status == "passed" for t in others)


@pytest.mark.parametrize("body", [
    # A name built at run time: no string in the code spells the forbidden call.
    "return getattr(torch, 'soft' + 'max')(x, dim=dim)",
    # The refusal caught and hidden behind the student's own fallback: still reported.
    "try:\n        getattr(torch, 'soft' + 'max')(x, dim=dim)\n    except Exception:\n        pass\n"
    "    e = torch.exp(x - x.amax(dim, keepdim=True))\n    return e / e.sum(dim, keepdim=True)",
    # A method of the tensor, reached by a computed name.
    "return getattr(x, 'soft' + 'max')(dim)",
])
def test_worker_refuses_forbidden_call_reached_at_run_time(body, tmp_path):
    result = _grade(tmp_path, "07_attention", {"softmax": f"def softmax(x, dim=-1):\n    {body}\n"})
    softmax_tests = _tests_of(result, _cell_of(assignments.get("07_attention"), "softmax"))
    assert softmax_tests and all(t.points == 0 for t in softmax_tests)
    assert any("`torch." in t.message for t in softmax_tests), [t.message for t in softmax_tests]
    assert result.score > 0  # the rest of the notebook is graded as usual


def test_worker_refuses_module_imported_by_a_computed_name(tmp_path):
    body = ("import importlib\n    metrics = importlib.import_module('sklearn.' + 'metr' + 'ics')\n"
            "    return float(metrics.accuracy_score(y_true, y_pred))")
    result = _grade(tmp_path, "12_evaluation", {"accuracy_score": f"def accuracy_score(y_true, y_pred):\n    {body}\n"})
    calls = [t for t in result.tests if t.name.startswith("test_accuracy_")]
    assert calls and all(t.points == 0 and "`sklearn.metrics`" in t.message for t in calls)
    assert "suspicious: importlib" in result.detail


def test_reaching_torch_c_functions_is_reported_to_the_instructor(tmp_path):
    body = "return torch._C._VariableFunctions.softmax(x, dim)"
    result = _grade(tmp_path, "07_attention", {"softmax": f"def softmax(x, dim=-1):\n    {body}\n"})
    assert "suspicious: ._C" in result.detail
