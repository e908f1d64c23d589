"""`slrflow --help` and every command's help are written for users: every option explained, examples as examples."""

from __future__ import annotations

import argparse

import pytest

from slrflow.cli import build_parser, main


def all_parsers(parser: argparse.ArgumentParser, name: str = "slrflow"):
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield from all_parsers(sub, f"{name} {sub_name}")


def test_every_option_of_every_command_has_a_description():
    undescribed = [
        f"{name} {'/'.join(action.option_strings) or action.dest}"
        for name, parser in all_parsers(build_parser())
        for action in parser._actions
        if not (action.help or "").strip() or action.help == argparse.SUPPRESS
    ]
    assert undescribed == []
    names = [name for name, _ in all_parsers(build_parser())]
    assert "slrflow init" in names and "slrflow rank" in names and "slrflow audit queues" in names


def test_top_level_help_describes_the_tool_and_shows_examples_as_written(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "systematic literature review" in out and "PRISMA 2020" in out
    assert "module" not in out  # the code's layout is for readers of the code
    # RawDescriptionHelpFormatter keeps each example on its own line, as typed.
    assert "\n  slrflow init MYREVIEW " in out and "\n  snakemake -c2 --directory MYREVIEW " in out


def test_rank_help_lists_the_registered_models(capsys):
    from slrflow.ranking.classifiers import CLASSIFIERS
    from slrflow.ranking.features import FEATURE_EXTRACTORS

    with pytest.raises(SystemExit):
        main(["rank", "--help"])
    out = capsys.readouterr().out
    for name in CLASSIFIERS.names() + FEATURE_EXTRACTORS.names():
        assert name in out
