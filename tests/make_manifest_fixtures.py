"""Make the lockfile fixtures under tests/fixtures/manifests/ with the real tools, then scrub them.

Each fixture is a small project whose lock the package manager itself wrote: the manifest first
names the exact version wanted, the tool locks it, then the manifest is loosened to a range and the
tool locks again (keeping the locked version), as a real repository's history leaves it. Every
resolved or source URL's host is rewritten to registry.invalid, so no registry host is committed.

Run by hand when a format changes, with the tools on PATH (never install them in the project's venv):
    pnpm (9), pnpm8, yarn (1), yarn4, bun, npm, uv, poetry, pip-compile, pipenv
    python tests/make_manifest_fixtures.py [NAME...]
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).parent / "fixtures" / "manifests"
NPM_PACKAGE, NPM_LOCKED = "@prisma/client", "5.20.0"
PY_PACKAGE, PY_LOCKED = "sqlalchemy", "2.0.30"
_URL_HOST = re.compile(r"(https?://)[^/\s\"'<>]+")
_KEEP = re.compile(
    r"(package\.json|pnpm-workspace\.yaml|lock\.json|lock\.yaml|\.lock|pyproject\.toml|Pipfile|\.txt|\.in)$"
)


def run(folder: Path, *command: str) -> None:
    subprocess.run(command, cwd=folder, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def npm_workspace(folder: Path, spec: str, *, pnpm: bool = False) -> None:
    """A root that declares workspaces and an app that depends on the package."""
    root: dict[str, object] = {"name": "fixture", "version": "1.0.0", "private": True}
    if pnpm:
        (folder / "pnpm-workspace.yaml").write_text("packages:\n  - 'apps/*'\n", encoding="utf-8")
    else:
        root["workspaces"] = ["apps/*"]
    write_json(folder / "package.json", root)
    write_json(
        folder / "apps/api/package.json", {"name": "api", "version": "1.0.0", "dependencies": {NPM_PACKAGE: spec}}
    )


def locked_twice(folder: Path, setup: Callable[[Path, str], None], *command: str) -> None:
    setup(folder, NPM_LOCKED)
    run(folder, *command)
    setup(folder, "^5.0.0")
    run(folder, *command)


def make_npm(folder: Path) -> None:
    locked_twice(folder, npm_workspace, "npm", "install", "--package-lock-only", "--ignore-scripts")


def make_pnpm(tool: str) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        locked_twice(
            folder, lambda f, s: npm_workspace(f, s, pnpm=True), tool, "install", "--lockfile-only", "--ignore-scripts"
        )

    return make


def make_yarn1(folder: Path) -> None:
    locked_twice(folder, npm_workspace, "yarn", "install", "--ignore-scripts")


def make_yarn4(folder: Path) -> None:
    (folder / ".yarnrc.yml").write_text("nodeLinker: node-modules\nenableTelemetry: false\n", encoding="utf-8")
    locked_twice(folder, npm_workspace, "yarn4", "install", "--mode=update-lockfile")


def make_bun(folder: Path) -> None:
    locked_twice(folder, npm_workspace, "bun", "install", "--lockfile-only", "--save-text-lockfile")


def pyproject(folder: Path, spec: str) -> None:
    (folder / "pyproject.toml").write_text(
        '[project]\nname = "fixture"\nversion = "1.0.0"\nrequires-python = ">=3.10"\n'
        f'dependencies = ["{PY_PACKAGE}{spec}"]\n\n[dependency-groups]\ndev = ["{PY_PACKAGE}{spec}"]\n',
        encoding="utf-8",
    )


def make_uv(folder: Path) -> None:
    pyproject(folder, f"=={PY_LOCKED}")
    run(folder, "uv", "lock")
    pyproject(folder, ">=2.0")
    run(folder, "uv", "lock")


def poetry_project(folder: Path, spec: str) -> None:
    (folder / "pyproject.toml").write_text(
        '[tool.poetry]\nname = "fixture"\nversion = "1.0.0"\ndescription = ""\nauthors = []\npackage-mode = false\n\n'
        f'[tool.poetry.dependencies]\npython = ">=3.10"\n{PY_PACKAGE} = "{spec}"\n\n'
        f'[tool.poetry.group.dev.dependencies]\n{PY_PACKAGE} = "{spec}"\n',
        encoding="utf-8",
    )


def make_poetry(folder: Path) -> None:
    poetry_project(folder, PY_LOCKED)
    run(folder, "poetry", "lock")
    poetry_project(folder, "^2.0")
    run(folder, "poetry", "lock")


def make_pip_compile(folder: Path) -> None:
    (folder / "requirements.in").write_text(f"{PY_PACKAGE}=={PY_LOCKED}\n", encoding="utf-8")
    run(folder, "pip-compile", "--quiet", "--no-header", "--output-file", "constraints.txt", "requirements.in")
    (folder / "requirements.txt").write_text(f"-c constraints.txt\n{PY_PACKAGE}>=2.0\n", encoding="utf-8")


def make_pipenv(folder: Path) -> None:
    # No [[source]]: pipenv writes its default index, whose host the scrub then rewrites.
    (folder / "Pipfile").write_text(f'[packages]\n{PY_PACKAGE} = "=={PY_LOCKED}"\n', encoding="utf-8")
    run(folder, "pipenv", "lock")


MAKERS: dict[str, Callable[[Path], None]] = {
    "npm": make_npm,
    "pnpm9": make_pnpm("pnpm"),
    "pnpm8": make_pnpm("pnpm8"),
    "yarn1": make_yarn1,
    "yarn4": make_yarn4,
    "bun": make_bun,
    "uv": make_uv,
    "poetry": make_poetry,
    "pip-compile": make_pip_compile,
    "pipenv": make_pipenv,
}


def scrub(text: str) -> str:
    return _URL_HOST.sub(r"\1registry.invalid", text)


def main(names: list[str]) -> int:
    for name in names or list(MAKERS):
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch)
            try:
                MAKERS[name](folder)
            except (OSError, subprocess.CalledProcessError) as error:
                detail = getattr(error, "stderr", b"") or b""
                print(f"{name}: not made: {error} {detail.decode(errors='replace')[-400:]}", file=sys.stderr)
                continue
            target = HERE / name
            shutil.rmtree(target, ignore_errors=True)
            for path in sorted(folder.rglob("*")):
                relative = path.relative_to(folder)
                if path.is_file() and "node_modules" not in relative.parts and _KEEP.search(path.name):
                    (target / relative).parent.mkdir(parents=True, exist_ok=True)
                    (target / relative).write_text(scrub(path.read_text(encoding="utf-8")), encoding="utf-8")
            print(f"{name}: {sorted(str(p.relative_to(target)) for p in target.rglob('*') if p.is_file())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
