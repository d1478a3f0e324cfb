"""konlpy 패키지에 들어 있는 한국어 말뭉치(헌법 전문과 국회 의안)를 읽는 작은 도우미.

말뭉치는 저장소에 두지 않고 실행할 때 설치된 패키지에서 읽습니다(../shared/DATA.md).
`import konlpy`는 Java(JPype1)가 필요하므로 가져오지 않고, 파일 위치만
`importlib.util.find_spec("konlpy")`로 찾습니다. 05 토큰화 이후의 과제, 벤치마크,
테스트가 모두 이 함수 하나로 같은 텍스트를 얻습니다.
"""
from __future__ import annotations

import html
import importlib.util
import re
from pathlib import Path

CORPORA = ("kolaw", "kobill")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
PARAGRAPH = re.compile(r'<p id="par_id[^"]*"[^>]*>(.*?)</p>', re.S)
TAG = re.compile(r"<[^>]+>")
HELP_MODULES = ("scalc", "swriter", "simpress", "sbasic")
HELP_MODULE_NAMES = ("스프레드시트(Calc)", "문서 작성(Writer)", "프레젠테이션(Impress)", "매크로(Basic)")
HELP_TREE = "build/corpus/debs/tree"


def konlpy_corpus_dir() -> Path:
    """설치된 konlpy의 `data/corpus` 폴더 경로. konlpy가 없으면 FileNotFoundError."""
    spec = importlib.util.find_spec("konlpy")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("konlpy 패키지를 찾을 수 없습니다 (pip install konlpy==0.6.0).")
    return Path(list(spec.submodule_search_locations)[0]) / "data" / "corpus"


def load_konlpy_text(corpora: tuple[str, ...] = CORPORA) -> str:
    """`corpora`(기본: kolaw, kobill)의 .txt 파일을 이름순으로 읽어 빈 줄 하나로 이어 붙인 텍스트.

    줄 끝은 "\\n"으로 통일합니다. 결과는 매번 같습니다(파일 순서가 정해져 있음).
    """
    root = konlpy_corpus_dir()
    parts = []
    for name in corpora:
        for path in sorted((root / name).glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            parts.append(text.replace("\r\n", "\n").strip("\n"))
    return "\n\n".join(parts) + "\n"


def hangul_share(text: str) -> float:
    """공백을 뺀 글자 가운데 한글 음절의 비율."""
    chars = [c for c in text if not c.isspace()]
    return len(HANGUL.findall(text)) / max(1, len(chars))


def help_paragraphs(page_html: str) -> list[str]:
    """LibreOffice 도움말 HTML 한 쪽의 한국어 문단 (10자 이상, 한글 30 % 이상, 태그 제거)."""
    paragraphs = []
    for raw in PARAGRAPH.findall(page_html):
        text = " ".join(html.unescape(TAG.sub("", raw)).split())
        if len(text) >= 10 and hangul_share(text) >= 0.3:
            paragraphs.append(text)
    return paragraphs


def help_module_task(tree=HELP_TREE) -> tuple[list[str], list[int]]:
    """LibreOffice 도움말 문단 → 모듈(0 scalc, 1 swriter, 2 simpress, 3 sbasic) 분류 데이터.

    tree: `python scripts/build_corpus.py`가 Debian 패키지를 풀어 둔 폴더. 두 모듈 이상에 나오는
    문단은 정답이 하나가 아니므로 뺍니다. 순서는 모듈, 파일 이름, 문단 순서로 정해져 있습니다.
    """
    root = Path(tree) / "usr/share/libreoffice/help/ko/text"
    if not root.is_dir():
        raise FileNotFoundError(f"{root} 가 없습니다: 먼저 python scripts/build_corpus.py 를 실행하세요.")
    found: dict[str, set[int]] = {}
    order: list[str] = []
    for label, module in enumerate(HELP_MODULES):
        for page in sorted((root / module).rglob("*.html")):
            for text in help_paragraphs(page.read_text(encoding="utf-8", errors="replace")):
                if text not in found:
                    found[text] = set()
                    order.append(text)
                found[text].add(label)
    texts = [t for t in order if len(found[t]) == 1]
    return texts, [next(iter(found[t])) for t in texts]


def konlpy_source_task() -> tuple[list[str], list[int]]:
    """konlpy 말뭉치의 문장 → 출처(0 헌법, 1 국회 의안) 이진 분류 데이터 (항상 설치되어 있음).

    문장 = 줄을 이어 붙인 텍스트를 '다.' 뒤에서 자른 조각 가운데 10자 이상, 한글 30 % 이상.
    """
    texts, labels = [], []
    for label, corpus in enumerate(CORPORA):
        text = " ".join(load_konlpy_text((corpus,)).split())
        for sentence in re.split(r"(?<=다\.)\s+", text):
            if len(sentence) >= 10 and hangul_share(sentence) >= 0.3 and sentence not in texts:
                texts.append(sentence)
                labels.append(label)
    return texts, labels


def classification_task(tree=None) -> dict:
    """10·11 파인 튜닝 과제의 한국어 분류 데이터.

    LibreOffice 도움말을 풀어 둔 폴더가 있으면 문단 → 모듈 (4 클래스), 없으면 konlpy 문장 → 출처
    (2 클래스). 돌려주는 dict: texts, labels, label_names, source (어느 데이터를 썼는지 한 줄 설명).
    tree를 주지 않으면 현재 폴더와 그 위 폴더들에서 HELP_TREE(저장소의 build/corpus/debs/tree)를
    찾습니다: 노트북을 release/<과제>/나 mywork/<과제>/에서 열어도 같은 데이터를 씁니다.
    """
    if tree is None:
        here = Path.cwd()
        tree = next((p / HELP_TREE for p in (here, *here.parents) if (p / HELP_TREE).is_dir()), HELP_TREE)
    try:
        texts, labels = help_module_task(tree)
        names, source = list(HELP_MODULE_NAMES), "LibreOffice 도움말 문단 → 모듈 (Debian libreoffice-help-ko, MPL-2.0)"
    except FileNotFoundError:
        texts, labels = konlpy_source_task()
        names, source = ["헌법", "국회 의안"], "konlpy 말뭉치 문장 → 출처 (헌법 / 국회 의안)"
    return {"texts": texts, "labels": labels, "label_names": names, "source": source}
