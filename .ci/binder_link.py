"""Builds README.md's Binder badge from pyproject.toml's [tool.casebook.binder] (the one place it is set)."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
BADGE = re.compile(r"^\[!\[Binder\]\(https://mybinder\.org/badge_logo\.svg\)\]\([^)]*\)$", re.M)


def binder_url(root: Path = ROOT) -> str:
    """The mybinder.org URL that opens JupyterLab on the start notebook of the configured repository and ref."""
    cfg = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["casebook"]["binder"]
    return (
        f"https://mybinder.org/v2/gh/{cfg['repository']}/{quote(cfg['ref'], safe='')}?urlpath=lab/tree/{cfg['start']}"
    )


def badge(root: Path = ROOT) -> str:
    """The Markdown line of the badge."""
    return f"[![Binder](https://mybinder.org/badge_logo.svg)]({binder_url(root)})"


def main(argv: list[str]) -> int:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    if not BADGE.search(text):
        print("README.md has no Binder badge line to update", file=sys.stderr)
        return 1
    new = BADGE.sub(badge(), text, count=1)
    if "--check" in argv:
        if new != text:
            print("README.md's Binder badge is out of date: run make binder-link", file=sys.stderr)
            return 1
        return 0
    readme.write_text(new, encoding="utf-8")
    print(binder_url())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
