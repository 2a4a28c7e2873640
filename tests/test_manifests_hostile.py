"""Hostile manifests (issue 9, item 7): a pull request chooses every manifest, so each one is read with
a size cap, a depth cap, a YAML loader that refuses aliases into themselves and bounds their
expansion, and readers linear in the file's length. Each case never raises: a problem naming the file."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from forgea_hooks.manifests import core, read_installs


def problems_of(root: Path) -> list[str]:
    _, problems = read_installs(root)
    return [f"{problem.path}:{problem.line}: {problem.message}" for problem in problems]


def test_self_referencing_yaml_merge_in_compose(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  db: &d\n    <<: *d\n    image: postgres:16.4\n")
    (problem,) = problems_of(tmp_path)
    assert problem.startswith("compose.yaml:") and "refers to a node that contains it" in problem


def test_self_referencing_yaml_merge_in_pnpm_lock(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"dependencies": {"prisma": "^7.3.0"}}')
    (tmp_path / "pnpm-lock.yaml").write_text("importers:\n  .: &i\n    <<: *i\n    dependencies: {}\n")
    (problem,) = problems_of(tmp_path)
    assert problem.startswith("pnpm-lock.yaml:")


def test_bracket_flood_in_package_json(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text("[" * 100_000)
    assert problems_of(tmp_path) == ["package.json:1: package.json is nested too deeply to read"]


def test_deep_toml_in_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    (problem,) = problems_of(tmp_path)
    assert problem.startswith("pyproject.toml:")


def _fan_out(levels: int, keys: int = 10) -> str:
    lines = ["x0: &x0 {" + ", ".join(f"k{k}: v" for k in range(keys)) + "}"]
    for level in range(1, levels):
        merged = ", ".join(f"*x{level - 1}" for _ in range(keys))
        lines.append(f"x{level}: &x{level} {{<<: [{merged}]}}")
    return "\n".join(lines) + f"\nservices:\n  db:\n    <<: *x{levels - 1}\n"


def test_yaml_merge_fan_out_is_refused_at_once(tmp_path: Path) -> None:
    # 10 levels of 10 keys (10^10 merged nodes) took over 20 s before: it is refused by its count.
    (tmp_path / "compose.yaml").write_text(_fan_out(10))
    (problem,) = problems_of(tmp_path)
    assert "aliases expand to" in problem


def test_a_few_merges_of_a_template_are_read(tmp_path: Path) -> None:
    template = "x-db: &db\n  image: postgres:16.4\n"
    services = "".join(f"  db{n}:\n    <<: *db\n" for n in range(50))
    (tmp_path / "compose.yaml").write_text(template + "services:\n" + services)
    installs, problems = read_installs(tmp_path)
    # One image line, merged into 50 services: one install, not a problem.
    assert problems == [] and len(installs) == 1


def _grows_linearly(make: Callable[[int], str], name: str, root: Path, small: int) -> None:
    def seconds(size: int) -> float:
        (root / name).write_text(make(size))
        # The best of three: a loaded machine slows single runs, never all three.
        times = []
        for _ in range(3):
            started = time.perf_counter()
            read_installs(root)
            times.append(time.perf_counter() - started)
        return min(times)

    seconds(small)  # warm the imports
    # Quadratic work grows ~100x here on every attempt; a stall on a loaded machine spoils one attempt.
    ratios = []
    for _ in range(3):
        ratios.append(seconds(small * 10) / max(seconds(small), 1e-4))
        if ratios[-1] < 20:
            return
    raise AssertionError(f"10x the input took {min(ratios):.1f}x the time")


def test_unclosed_comment_flood_in_main_tf_is_linear(tmp_path: Path) -> None:
    _grows_linearly(lambda n: '"/* "' * n, "main.tf", tmp_path, 10_000)
    _grows_linearly(lambda n: "/* " * n, "main.tf", tmp_path, 10_000)
    _grows_linearly(lambda n: '"\\"' * n, "main.tf", tmp_path, 10_000)


def test_terraform_block_flood_is_linear(tmp_path: Path) -> None:
    _grows_linearly(lambda n: "terraform {\n" * n, "main.tf", tmp_path, 3000)
    _grows_linearly(lambda n: "terraform {\n" * n + "}\n" * n, "main.tf", tmp_path, 3000)


def test_blank_flood_in_a_requirement_is_linear(tmp_path: Path) -> None:
    _grows_linearly(lambda n: "a" + " " * (n * 10) + "b\n", "requirements.txt", tmp_path, 10_000)


def test_terraform_still_reads_a_real_block_after_hostile_text(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('terraform {\n  required_version = "1.9.5"\n}\n# "/* \n')
    installs, problems = read_installs(tmp_path)
    assert problems == [] and [(i.spec, i.line) for i in installs] == [("1.9.5", 2)]


def test_a_manifest_linking_out_of_the_root_is_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "outside.txt"
    secret.write_text("GITHUB_TOKEN=ghs_secret\n")
    root = tmp_path / "repo"
    root.mkdir()
    (root / "requirements.txt").symlink_to(secret)
    problems = problems_of(root)
    assert problems == [
        "requirements.txt:1: requirements.txt is a symbolic link, or is reached through one, "
        "that leads outside the repository (not read)"
    ]
    assert "ghs_secret" not in " ".join(problems)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_in_place_of_a_manifest_does_not_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / ".nvmrc")
    # A FIFO is no regular file: discovery skips it, and a direct read refuses it without waiting.
    assert problems_of(tmp_path) == []
    found = core.Found(tmp_path, frozenset({".nvmrc"}))
    assert found.text(".nvmrc") is None
    assert found.problems[0].message == ".nvmrc is not a regular file (a FIFO, socket or device) (not read)"


def test_an_oversized_manifest_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(core, "MAX_BYTES", 1024)
    (tmp_path / "package.json").write_text('{"dependencies": {}, "x": "' + "a" * 2000 + '"}')
    (problem,) = problems_of(tmp_path)
    assert problem.startswith("package.json:1: package.json is ") and "over the 1024-byte limit" in problem


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("package.json", '{"dependencies": {"a": 5}, "devDependencies": []}'),
        ("pyproject.toml", "[project]\ndependencies = 5\n[tool.poetry]\ndependencies = 3\n"),
        ("compose.yaml", "services: [1, 2]\n"),
        ("Pipfile.lock", '{"default": {"a": {"version": 5}}, "develop": 3}'),
        ("package.json", "\x00\x01\x02binary"),
    ],
)
def test_wrong_types_never_raise(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / name).write_text(text)
    read_installs(tmp_path)


def test_a_nul_in_an_included_file_name(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("-r base\x00.txt\na==1\n")
    assert problems_of(tmp_path) == ["base\\0.txt:1: a file name with a NUL character (not read)"]
