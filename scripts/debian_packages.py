"""Debian packages as data: `apt-get download` + `dpkg-deb -x`, no root needed, nothing installed.

Used by scripts/build_corpus.py (the course GPT's pretraining corpus) and shipped in the student
distribution, whose `make lab` unpacks libreoffice-help-ko for the 10/11 fine-tuning notebooks
(they find <folder>/build/corpus/debs/tree from the notebook's folder upwards). Standard library only.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

HELP_PACKAGE = "libreoffice-help-ko"


def fetch_debs(workdir: Path, log: list[str], packages: tuple[str, ...]) -> Path | None:
    """apt-get download + dpkg-deb -x of `packages` into workdir/debs/tree; the tree, or None.

    What could not be fetched (no apt-get, offline, unknown package) is appended to `log`."""
    if shutil.which("apt-get") is None or shutil.which("dpkg-deb") is None:
        log.append("SKIPPED Debian packages: apt-get/dpkg-deb not found on this machine.")
        return None
    debs, tree = workdir / "debs", workdir / "debs" / "tree"
    debs.mkdir(parents=True, exist_ok=True)
    for package in packages:
        if not list(debs.glob(f"{package}_*.deb")):
            result = subprocess.run(["apt-get", "download", package], cwd=debs,
                                    capture_output=True, text=True)
            if result.returncode != 0:
                log.append(f"SKIPPED {package}: apt-get download failed "
                           f"({result.stderr.strip().splitlines()[-1:] or 'no message'}).")
    for deb in sorted(debs.glob("*.deb")):
        subprocess.run(["dpkg-deb", "-x", str(deb), str(tree)], check=True)
    return tree if tree.exists() else None
