"""The ``kzaf`` command: run notebooks, inspect their parameters, check the data."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from kzaf import __version__


def _cmd_data_validate(args: argparse.Namespace) -> int:
    from kzaf import data

    try:
        tables = data.load(args.data_dir)
    except data.DataValidationError as exc:
        print(exc, file=sys.stderr)
        return 1
    for name in tables:
        print(f"{name:<16} {len(tables[name]):>5} rows")
    print("data: all tables valid, checksums match")
    return 0


def _cmd_data_rehash(args: argparse.Namespace) -> int:
    from kzaf import data

    changed = data.rehash(args.data_dir)
    print("checksums recorded; changed: " + (", ".join(changed) if changed else "none"))
    if changed:
        print("remember to add a dated line to the change log in data/README.md")
    return 0


def _cmd_data_codebook(args: argparse.Namespace) -> int:
    from kzaf import data

    print(data.codebook_markdown(data.read_descriptor(args.data_dir)))
    return 0


def _cmd_data_report(args: argparse.Namespace) -> int:
    from kzaf import audit, data

    print(audit.readme_report(data.load(args.data_dir)))
    return 0


def _cmd_data_readme(args: argparse.Namespace) -> int:
    from kzaf import audit, data

    tables = data.load(args.data_dir)
    path = tables.directory / "README.md"
    text = path.read_text(encoding="utf-8")
    for begin, end, block in (
        (data.CODEBOOK_BEGIN, data.CODEBOOK_END, data.codebook_markdown(tables.descriptor)),
        (audit.REPORT_BEGIN, audit.REPORT_END, audit.readme_report(tables)),
    ):
        if begin not in text or end not in text:
            print(f"{path}: markers {begin!r} .. {end!r} not found", file=sys.stderr)
            return 1
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1]
    path.write_text(text, encoding="utf-8")
    print(f"{path}: codebook and data report regenerated")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from kzaf import runner

    return runner.main(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kzaf",
        description="Kazakhstan–Afghanistan trade notebooks: run them, check their parameters "
        "and the sourced data they read.",
    )
    parser.add_argument("--version", action="version", version=f"kzaf {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run = commands.add_parser("run", help="execute notebooks with papermill into reports/")
    run.add_argument("notebooks", nargs="*", metavar="NOTEBOOK", help="default: all in notebooks/")
    run.set_defaults(handler=_cmd_run)

    data_cmd = commands.add_parser("data", help="validate the data tables or record checksums")
    data_cmd.add_argument("--data-dir", default=None, help="default: the project's data/")
    data_sub = data_cmd.add_subparsers(dest="data_command", metavar="ACTION", required=True)
    data_sub.add_parser("validate", help="load every table and report every problem").set_defaults(
        handler=_cmd_data_validate
    )
    data_sub.add_parser(
        "rehash", help="record each table's sha256 in data/datapackage.json after an edit"
    ).set_defaults(handler=_cmd_data_rehash)
    data_sub.add_parser(
        "codebook", help="print the codebook tables for data/README.md"
    ).set_defaults(handler=_cmd_data_codebook)
    data_sub.add_parser(
        "report", help="print the coverage, conflicts and gaps sections for data/README.md"
    ).set_defaults(handler=_cmd_data_report)
    data_sub.add_parser(
        "readme", help="regenerate the codebook and data report sections of data/README.md"
    ).set_defaults(handler=_cmd_data_readme)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.handler(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
