"""konlpy 패키지에 들어 있는 한국어 말뭉치(헌법 전문과 국회 의안)를 읽는 작은 도우미.

말뭉치는 저장소에 두지 않고 실행할 때 설치된 패키지에서 읽습니다(../shared/DATA.md).
`import konlpy`는 Java(JPype1)가 필요하므로 가져오지 않고, 파일 위치만
`importlib.util.find_spec("konlpy")`로 찾습니다. 05 토큰화 이후의 과제, 벤치마크,
테스트가 모두 이 함수 하나로 같은 텍스트를 얻습니다.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

CORPORA = ("kolaw", "kobill")


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
