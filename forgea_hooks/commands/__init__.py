"""The adoption commands (``baseline``, ``fix``, ``new``, ``pin``): each module adds its parser and
runs it, so that ``cli.py`` stays a table of subcommands. Modules import only argparse at the top:
building the parser is part of every run's start-up."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from pathlib import Path

NAMES = ("fix", "baseline", "new", "pin")


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser], names: tuple[str, ...] = NAMES) -> None:
    for name in names:
        importlib.import_module(f"forgea_hooks.commands.{name}").add_parser(sub)


def handler(name: str) -> Callable[[argparse.Namespace], int] | None:
    if name not in NAMES:
        return None
    run: Callable[[argparse.Namespace], int] = importlib.import_module(f"forgea_hooks.commands.{name}").run
    return run


def common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, default=Path("."), help="the repository root (default: .)")
    parser.add_argument("--config", type=Path, help="config file (default: .forgea-hooks.yaml or pyproject.toml)")
