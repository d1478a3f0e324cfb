"""Assemble the Korean pretraining corpus of the course's small GPT into build/corpus/ (ignored).

Sources, in this order (see ../../shared/DATA.md for their sizes and licenses):
  1. konlpy (PyPI, always installed): kolaw/constitution.txt and kobill/*.txt.
     kobill/1809899.txt is held out: it is the validation text the tests can always read.
  2. Debian libreoffice-help-ko (MPL-2.0): the <p id="par_id..."> paragraphs of the Korean help pages.
  3. Debian debian-faq-ko: debian-faq.ko.txt.gz.
Debian packages are fetched with `apt-get download` and unpacked with `dpkg-deb -x` into
build/corpus/debs/; where apt-get is missing or offline they are skipped, and the summary says so.
Nothing written elsewhere is committed: the repository holds this script, the output stays in build/.

Output: train.txt, valid.txt (documents separated by "<|endoftext|>"), SOURCES.md (what was used and
skipped, with the license notices), licenses/ (the packages' copyright files).

    python scripts/build_corpus.py [--out build/corpus] [--no-apt]
"""
from __future__ import annotations

import argparse
import gzip
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "solutions"), str(ROOT / "scripts")]
from debian_packages import fetch_debs  # noqa: E402
from korean_text import hangul_share, help_paragraphs, konlpy_corpus_dir  # noqa: E402

EOT = "<|endoftext|>"
HELD_OUT_KONLPY = "kobill/1809899.txt"
VALID_EVERY = 20  # every 20th Debian document goes to validation
PACKAGES = ("libreoffice-help-ko", "debian-faq-ko")

def konlpy_documents() -> tuple[list[str], list[str]]:
    """(train documents, held-out documents) from konlpy's kolaw and kobill corpora."""
    root = konlpy_corpus_dir()
    train, valid = [], []
    for name in ("kolaw", "kobill"):
        for path in sorted((root / name).glob("*.txt")):
            text = path.read_text(encoding="utf-8").replace("\r\n", "\n").strip()
            (valid if f"{name}/{path.name}" == HELD_OUT_KONLPY else train).append(text)
    return train, valid


def libreoffice_documents(tree: Path) -> list[str]:
    """One document per help page: its Korean paragraphs (>= 10 chars, >= 30 % Hangul), deduplicated."""
    seen, documents = set(), []
    for page in sorted((tree / "usr/share/libreoffice/help/ko/text").rglob("*.html")):
        paragraphs = []
        for text in help_paragraphs(page.read_text(encoding="utf-8", errors="replace")):
            if text not in seen:
                seen.add(text)
                paragraphs.append(text)
        if paragraphs:
            documents.append("\n".join(paragraphs))
    return documents


def faq_documents(tree: Path) -> list[str]:
    """The Debian FAQ in Korean, one document per blank-line-separated section of 2+ paragraphs."""
    path = tree / "usr/share/doc/debian/FAQ/debian-faq.ko.txt.gz"
    text = gzip.open(path, "rt", encoding="utf-8", errors="replace").read()
    blocks = [" ".join(b.split()) for b in re.split(r"\n\s*\n", text)]
    blocks = [b for b in blocks if len(b) >= 10 and hangul_share(b) >= 0.3]
    return ["\n".join(blocks[i:i + 8]) for i in range(0, len(blocks), 8)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "corpus")
    parser.add_argument("--no-apt", action="store_true", help="konlpy text only")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    log: list[str] = []

    train, valid = konlpy_documents()
    used = [f"konlpy kolaw+kobill: {len(train)} train documents, held out {HELD_OUT_KONLPY} "
            "(Korean state works, free to use; konlpy wheel GPL-3+)"]
    tree = None if args.no_apt else fetch_debs(out, log, PACKAGES)
    if args.no_apt:
        log.append("SKIPPED Debian packages: --no-apt.")
    licenses = out / "licenses"
    licenses.mkdir(exist_ok=True)
    if tree is not None:
        for name, reader, notice in (
                ("libreoffice-help-ko", libreoffice_documents, "MPL-2.0"),
                ("debian-faq-ko", faq_documents, "see its copyright file")):
            copyright_file = tree / "usr/share/doc" / name / "copyright"
            try:
                documents = reader(tree)
            except (FileNotFoundError, OSError) as error:
                log.append(f"SKIPPED {name}: {error}")
                continue
            if copyright_file.exists():
                shutil.copy(copyright_file, licenses / f"{name}.copyright")
            for i, doc in enumerate(documents):
                (valid if i % VALID_EVERY == VALID_EVERY - 1 else train).append(doc)
            used.append(f"{name}: {len(documents)} documents, "
                        f"{sum(map(len, documents)):,} chars ({notice})")

    (out / "train.txt").write_text(f"\n{EOT}\n".join(train) + "\n", encoding="utf-8")
    (out / "valid.txt").write_text(f"\n{EOT}\n".join(valid) + "\n", encoding="utf-8")
    summary = ["# Korean pretraining corpus (generated by scripts/build_corpus.py; not committed)", "",
               "## Used", *[f"- {u}" for u in used], "", "## Skipped",
               *([f"- {s}" for s in log] or ["- nothing"]), "",
               f"train.txt: {sum(map(len, train)):,} chars in {len(train)} documents",
               f"valid.txt: {sum(map(len, valid)):,} chars in {len(valid)} documents",
               "License notices of the Debian packages: licenses/."]
    (out / "SOURCES.md").write_text("\n".join(summary) + "\n", encoding="utf-8")
    print("\n".join(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
