"""A plain clone passes its own tests: the README's two set-up commands, run in a fresh clone with no
``../shared`` beside it, in a fresh venv.

The venv is real and the package is really installed into it (built from the clone, entry point and
all); only the third-party dependencies come from this interpreter's site-packages, through a
``.pth`` file, so that the test needs no package index and no network. The clone's own test suite
runs as a smoke test here (whole-suite collection plus the tests that read trees and fixtures);
``FORGEA_CLONE_FULL=1`` (set by ``.ci/run``) runs the README's test command unabridged.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import REPO

INNER = "FORGEA_CLONE_TEST_INNER"
# The suite's tests that read trees, fixtures or ../shared: where a plain clone used to break.
SMOKE = ("tests/test_corpus.py", "tests/test_schemas.py", "tests/test_resultcache.py", "tests/test_architecture.py")


def readme_commands() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Set-up on a fresh machine", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.S)]


def reused_site_packages(target: Path) -> Path:
    """This interpreter's third-party packages, without forgea-hooks itself (the clone must bring its
    own) and without .pth files (no editable finder pointing back at this checkout)."""
    target.mkdir()
    for folder in dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]):
        for entry in Path(folder).iterdir():
            name = entry.name.lower()
            if name.startswith(("forgea_hooks", "forgea-hooks", "__editable__")) or name.endswith(".pth"):
                continue
            if not (target / entry.name).exists():
                (target / entry.name).symlink_to(entry)
    return target


class Clone:
    def __init__(self, root: Path, reuse: Path, basetemp: Path) -> None:
        self.root = root
        self.reuse = reuse
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYTHON", "VIRTUAL_ENV", "PYTEST_", "FORGEA_"))
        }
        self.env.update({INNER: "1", "PYTEST_ADDOPTS": f"--basetemp={basetemp}"})
        self.env.pop("GITHUB_ACTIONS", None)

    def run(self, argv: list[str], cwd: Path | None = None) -> str:
        done = subprocess.run(
            argv, cwd=cwd or self.root, env=self.env, capture_output=True, text=True, timeout=900, check=False
        )
        assert done.returncode == 0, f"{shlex.join(argv)} exited {done.returncode}\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def step(self, step: str, *, smoke: bool) -> None:
        """One ``&&``-joined step of a README command."""
        venv = self.root / ".venv"
        words = shlex.split(step)
        if words == ["python3", "-m", "venv", ".venv"]:
            self.run([sys.executable, "-m", "venv", ".venv"])
            purelib = self.run(
                [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
            )
            (Path(purelib.strip()) / "zz-reused-dependencies.pth").write_text(f"{self.reuse}\n", encoding="utf-8")
            # Native tools that wheels put beside the interpreter (ruff's binary) rather than in
            # site-packages; scripts (#!) stay out, they name this interpreter.
            for tool in Path(sys.executable).parent.iterdir():
                target = venv / "bin" / tool.name
                if tool.is_file() and not target.exists() and os.access(tool, os.X_OK):
                    with tool.open("rb") as head:
                        if head.read(2) != b"#!":
                            target.symlink_to(tool.resolve())
        elif words == [".", ".venv/bin/activate"]:
            self.env["VIRTUAL_ENV"] = str(venv)
            self.env["PATH"] = f"{venv / 'bin'}{os.pathsep}{self.env.get('PATH', '')}"
        elif words[:2] == ["pip", "install"]:
            # No index: what the package needs must already be there, the clone brings the rest.
            # (pre-commit's own installs, in the full run, use pip as configured.)
            pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-index", "--no-build-isolation"]
            self.run([*pip, *words[2:]])
        elif words[:3] == ["python", "-m", "pytest"] and smoke:
            python = str(venv / "bin" / "python")
            self.run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--collect-only"])
            self.run([python, "-m", "pytest", *words[3:], "-p", "no:cacheprovider", *SMOKE])
        else:
            self.run(["bash", "-c", step])

    def installed_from(self) -> Path:
        code = "import forgea_hooks; print(forgea_hooks.__file__)"
        # From outside the clone: `python -c` puts the working folder first on sys.path.
        return Path(self.run([str(self.root / ".venv" / "bin" / "python"), "-c", code], cwd=self.root.parent).strip())


def test_the_readme_names_two_setup_commands() -> None:
    install, test = readme_commands()
    assert "pip install ." in install and "forgea-hooks check" in install
    assert 'pip install -e ".[test]"' in test and "python -m pytest" in test


def test_the_readme_commands_pass_in_a_plain_clone(tmp_path: Path) -> None:
    if os.environ.get(INNER):
        pytest.skip("this is the clone test's own inner run")
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout: nothing to clone")
    root = tmp_path / "work" / "forgea-hooks"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(root)], check=True, capture_output=True)
    assert not (root.parent / "shared").exists()
    clone = Clone(root, reused_site_packages(tmp_path / "site"), tmp_path / "inner")
    install, test = readme_commands()

    for step in install.split(" && "):
        clone.step(step, smoke=True)
    # Installed, not run from the source folder: the wheel carries the package and its schemas.
    assert clone.installed_from().is_relative_to(root / ".venv")

    shutil.rmtree(root / ".venv")
    clone.env["PATH"] = os.environ.get("PATH", "")
    for step in test.split(" && "):
        clone.step(step, smoke=os.environ.get("FORGEA_CLONE_FULL") != "1")
    assert clone.installed_from() == root / "forgea_hooks" / "__init__.py"
