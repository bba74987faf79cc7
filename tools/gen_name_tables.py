"""Build jiandu/entities/data/t2s.csv and pinyin.csv from OpenCC and pypinyin.

Run by a developer when the pinned opencc-python-reimplemented or pypinyin changes; the
output is committed so that the platform imports neither package and reads nothing but its
own package data at run time (jiandu.entities.names). `--check` regenerates in memory and
fails when the committed files differ by a single byte (used by the tests).

t2s.csv (columns trad, simp): every entry of OpenCC's TSCharacters dictionary, one
traditional character to its first (most common) simplified candidate. Entries that map a
character to itself are left out (they change nothing), and chains are followed to their
end (薴→苧→苎 becomes 薴→苎) so that simplifying twice gives the same text as once.

pinyin.csv (columns char, pinyin): every character pypinyin knows in 〇 (U+3007) and the CJK
Unified Ideographs blocks (U+3400–U+4DBF, U+4E00–U+9FFF, U+20000–U+323AF), with its
default reading (pypinyin Style.NORMAL, heteronym=False): toneless, lower case, ü as "v".
The private-use characters pypinyin also lists (GB 18030 PUA) are left out.

Both files: UTF-8 without BOM, "\\n" line ends, rows sorted by code point.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "jiandu" / "entities" / "data"
_SYLLABLE = re.compile("[a-z]+")
_HAN_RANGES = ((0x3007, 0x3007), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0x20000, 0x323AF))


def t2s_rows() -> list[tuple[str, str]]:
    """(traditional, simplified) pairs from OpenCC's TSCharacters, chains resolved."""
    text = (resources.files("opencc") / "dictionary" / "TSCharacters.txt").read_text("utf-8")
    first: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        trad, candidates = line.split("\t")
        simp = candidates.split(" ")[0]
        if len(trad) != 1 or len(simp) != 1:
            raise ValueError(f"TSCharacters entry is not one character to one: {line!r}")
        first[trad] = simp
    resolved: dict[str, str] = {}
    for trad, simp in first.items():
        seen, target = {trad}, simp
        while target in first and first[target] != target and target not in seen:
            seen.add(target)
            target = first[target]
        if target != trad:
            resolved[trad] = target
    return sorted(resolved.items(), key=lambda row: ord(row[0]))


def pinyin_rows() -> list[tuple[str, str]]:
    """(character, toneless default reading) for the Han characters pypinyin knows."""
    from pypinyin import Style, pinyin  # noqa: PLC0415 - only this tool needs pypinyin
    from pypinyin.constants import PINYIN_DICT  # noqa: PLC0415

    rows: list[tuple[str, str]] = []
    for code in sorted(PINYIN_DICT):
        if not any(lo <= code <= hi for lo, hi in _HAN_RANGES):
            continue
        char = chr(code)
        reading = pinyin(char, style=Style.NORMAL, heteronym=False)[0][0].lower()
        reading = reading.replace("ü", "v")
        if not _SYLLABLE.fullmatch(reading):
            raise ValueError(f"unexpected pinyin {reading!r} for {char!r} (U+{code:04X})")
        rows.append((char, reading))
    return rows


def render(header: tuple[str, str], rows: list[tuple[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def tables() -> dict[str, bytes]:
    return {
        "t2s.csv": render(("trad", "simp"), t2s_rows()),
        "pinyin.csv": render(("char", "pinyin"), pinyin_rows()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="compare with the committed files, write nothing"
    )
    args = parser.parse_args(argv)
    stale = []
    for name, content in tables().items():
        path = OUT / name
        if args.check:
            if not path.exists() or path.read_bytes() != content:
                stale.append(name)
        else:
            OUT.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            print(f"wrote {path.relative_to(ROOT)} ({len(content):,} bytes)")
    if stale:
        print(f"out of date: {', '.join(stale)} (run tools/gen_name_tables.py)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
