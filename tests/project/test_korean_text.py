"""The Korean data of 10/11 (solutions/korean_text.py): what the fine-tuning notebooks get."""
from __future__ import annotations

from collections import Counter

from grader.assignments import ROOT, load_module_from

korean_text = load_module_from(ROOT / "solutions" / "korean_text.py", "korean_text_project_test")


def write_help_page(tree, module, name, paragraphs):
    folder = tree / "usr/share/libreoffice/help/ko/text" / module
    folder.mkdir(parents=True, exist_ok=True)
    body = "".join(f'<p id="par_id{i}" role="paragraph">{text}</p>' for i, text in enumerate(paragraphs))
    (folder / name).write_text(f"<html><body>{body}</body></html>", encoding="utf-8")


def test_help_task_labels_each_paragraph_with_its_module_and_drops_ambiguous_ones(tmp_path):
    write_help_page(tmp_path, "scalc", "a.html", ["셀 범위를 <b>선택</b>하고 합계를 구합니다.",
                                                  "두 모듈에 모두 나오는 같은 문단입니다.", "짧은 글"])
    write_help_page(tmp_path, "swriter", "b.html", ["문서의 머리글과 바닥글을 편집합니다.",
                                                    "두 모듈에 모두 나오는 같은 문단입니다.",
                                                    "Only English text is not Korean enough."])
    texts, labels = korean_text.help_module_task(tmp_path)
    assert texts == ["셀 범위를 선택하고 합계를 구합니다.", "문서의 머리글과 바닥글을 편집합니다."]
    assert labels == [0, 1]


def test_without_the_help_pages_the_task_falls_back_to_konlpy_sentences(tmp_path):
    task = korean_text.classification_task(tmp_path / "missing")
    assert task["label_names"] == ["헌법", "국회 의안"]
    assert "konlpy" in task["source"]
    counts = Counter(task["labels"])
    assert set(counts) == {0, 1} and min(counts.values()) >= 100
    assert len(set(task["texts"])) == len(task["texts"])
    assert all(korean_text.hangul_share(text) >= 0.3 for text in task["texts"])


def test_konlpy_task_is_the_same_every_time():
    assert korean_text.konlpy_source_task() == korean_text.konlpy_source_task()


def test_without_a_tree_the_task_finds_the_help_pages_in_a_folder_above(tmp_path, monkeypatch):
    tree = tmp_path / korean_text.HELP_TREE
    write_help_page(tree, "sbasic", "c.html", ["매크로에서 변수를 선언하는 방법입니다."])
    notebook_folder = tmp_path / "release" / "10_finetuning_methods"
    notebook_folder.mkdir(parents=True)
    monkeypatch.chdir(notebook_folder)
    task = korean_text.classification_task()
    assert task["texts"] == ["매크로에서 변수를 선언하는 방법입니다."] and task["labels"] == [3]
    assert "LibreOffice" in task["source"]
