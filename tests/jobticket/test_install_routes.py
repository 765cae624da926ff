"""Every way a team gets the client distribution gives all three packages, typed, at the right versions.

The distribution's version is its own (``jobticket/_version.py``: pip's metadata, ``jobticket.__version__``);
the generated package's is the API description's ``info.version`` (``jobticket_api.__version__``).

``client/`` holds the hand-written packages and ``generated/`` the generator's; the build hook
(``client/hatch_build.py``) joins them. The routes: ``pip install ./client``; a wheel built from the
folder (``python -m build --wheel``); the sdist route (``python -m build``: an sdist, then a wheel from
the unpacked sdist); the unpacked sdist as a vendored folder outside any checkout; ``pip install
"jobticket-api-client @ git+file:///…#subdirectory=client"``; and ``pip install -e ./client``, which
must see ``generated/`` live.

Each route installs into a fresh virtual environment, offline, from the wheelhouse of
``tests.helpers.virtualenvs`` (no index, no pip configuration of this machine).
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
import yaml

import jobticket
from jobticket_kit.checkout import Layout
from tests.helpers.virtualenvs import CLEAN, Wheelhouse, new_venv, pip, run
from tests.jobticket.test_downstream_typing import DOWNSTREAM, mypy_strict

LAYOUT = Layout.current()
ROOT = LAYOUT.root
NAME = "jobticket-api-client"
PACKAGES = ("jobticket", "jobticket_api", "jobticket_twin")
ROUTES = ("folder", "wheel", "sdist", "vendored-sdist", "git", "editable")
SPEC_VERSION = str(yaml.safe_load(LAYOUT.spec.read_text(encoding="utf-8"))["info"]["version"])
VERSION = jobticket.__version__  # this checkout's (the kit's environment installs it editable)
REPORT = f"""
import importlib.metadata, json, jobticket, jobticket_api, jobticket_twin
versions = {{"metadata": importlib.metadata.version("{NAME}"), "jobticket": jobticket.__version__,
            "jobticket_api": jobticket_api.__version__}}
files = {{p.__name__: p.__file__ for p in (jobticket, jobticket_api, jobticket_twin)}}
print(json.dumps({{"versions": versions, "files": files}}))
"""


def checkout_files(parts: tuple[str, ...]) -> list[str]:
    """The files of these folders as a commit would hold them: tracked or new, never ignored."""
    listed = run("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", *parts, cwd=ROOT)
    return sorted({name for name in listed.split("\0") if name and (ROOT / name).is_file()})


def copy_checkout(target: Path) -> Path:
    """The distribution's two folders, copied as a commit holds them (a stand-in for a clone)."""
    for name in checkout_files(("client", "generated")):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)
    return target


@pytest.fixture(scope="module")
def offline(wheelhouse: Wheelhouse) -> dict[str, str]:
    """pip's environment for every route: no index, no machine configuration, the wheelhouse only."""
    return wheelhouse.env


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, offline: dict[str, str]) -> dict[str, Path]:
    """What ``python -m build`` makes: a wheel from the folder, an sdist and the wheel built from it."""
    from_folder, through_sdist = tmp_path_factory.mktemp("wheel"), tmp_path_factory.mktemp("sdist")
    run(sys.executable, "-m", "build", "--wheel", "--outdir", from_folder, LAYOUT.distribution, env=offline)
    run(sys.executable, "-m", "build", "--outdir", through_sdist, LAYOUT.distribution, env=offline)
    (wheel,) = from_folder.glob("*.whl")
    (sdist,) = through_sdist.glob("*.tar.gz")
    (sdist_wheel,) = through_sdist.glob("*.whl")
    return {"wheel": wheel, "sdist": sdist, "sdist-wheel": sdist_wheel}


def install(route: str, where: Path, offline: dict[str, str], built: dict[str, Path]) -> Path:
    """Install the distribution by ``route`` into a fresh virtual environment; return its python."""
    python = new_venv(where / "venv")
    testing = "[testing]"
    if route == "folder":
        target = f"{LAYOUT.distribution}{testing}"
    elif route == "wheel":
        target = f"{built['wheel']}{testing}"
    elif route == "sdist":
        target = f"{built['sdist-wheel']}{testing}"
    elif route == "vendored-sdist":
        # The one folder a team copies into its own tree: no ../generated beside it, nothing else.
        with tarfile.open(built["sdist"]) as archive:
            archive.extractall(where / "vendor", filter="data")
        (folder,) = (where / "vendor").iterdir()
        target = f"{folder}{testing}"
    elif route == "git":
        repository = copy_checkout(where / "repository")
        identity = ("-c", "user.name=kit", "-c", "user.email=kit@example.invalid")
        run("git", "init", "-q", repository, env=CLEAN)
        run("git", "-C", repository, "add", "--all", env=CLEAN)
        run("git", *identity, "-C", repository, "commit", "-q", "--no-gpg-sign", "-m", "one", env=CLEAN)
        target = f"{NAME}{testing} @ git+file://{repository}#subdirectory=client"
    else:  # editable, from a copy so the test can change generated/ and watch it
        checkout = copy_checkout(where / "checkout")
        pip(python, "install", "-q", "-e", f"{checkout / 'client'}{testing}", env=offline)
        return python
    pip(python, "install", "-q", target, env=offline)
    return python


@pytest.fixture(scope="module", params=ROUTES)
def route(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    offline: dict[str, str],
    built: dict[str, Path],
) -> Iterator[tuple[str, Path, Path]]:
    """One route's fresh environment: the route's name, its python, the folder it was made in."""
    name = str(request.param)
    where = tmp_path_factory.mktemp(name)
    yield name, install(name, where, offline, built), where
    shutil.rmtree(where / "venv", ignore_errors=True)


def report(python: Path, cwd: Path) -> dict[str, object]:
    """What the environment imports: the versions it reports and each package's file."""
    loaded: dict[str, object] = json.loads(run(python, "-I", "-c", REPORT, cwd=cwd, env=CLEAN))
    return loaded


@pytest.mark.slow
def test_the_route_imports_all_three_packages_at_their_versions(
    route: tuple[str, Path, Path], tmp_path: Path
) -> None:
    name, python, where = route
    loaded = report(python, tmp_path)
    # The distribution's own version everywhere it is read; the generated package at the spec's.
    assert loaded["versions"] == {"metadata": VERSION, "jobticket": VERSION, "jobticket_api": SPEC_VERSION}
    files = loaded["files"]
    assert isinstance(files, dict)
    assert set(files) == set(PACKAGES)
    homes = {package: Path(file).resolve().parent.parent for package, file in files.items()}
    if name == "editable":
        checkout = (where / "checkout").resolve()
        assert homes == {
            "jobticket": checkout / "client",
            "jobticket_twin": checkout / "client",
            "jobticket_api": checkout / "generated",
        }
    else:  # installed copies, nothing read from this checkout
        site_packages = set(homes.values())
        assert len(site_packages) == 1
        assert site_packages.pop().name == "site-packages"
    metadata = pip(python, "show", NAME, env=CLEAN)
    assert f"\nVersion: {VERSION}\n" in metadata


@pytest.mark.slow
def test_downstream_code_passes_mypy_strict_against_the_route(
    route: tuple[str, Path, Path], tmp_path: Path
) -> None:
    _, python, _ = route
    result = mypy_strict(tmp_path, DOWNSTREAM, python)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "import-untyped" not in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("route", ["editable"], indirect=True)
def test_an_editable_install_sees_generated_live(route: tuple[str, Path, Path], tmp_path: Path) -> None:
    _, python, where = route
    probe = where / "checkout" / "generated" / "jobticket_api" / "live_probe.py"
    probe.write_text("REGENERATED = True\n", encoding="utf-8")
    try:
        code = "import jobticket_api.live_probe as probe; print(probe.REGENERATED)"
        printed = run(python, "-I", "-c", code, cwd=tmp_path)
    finally:
        probe.unlink()
    assert printed.strip() == "True"


def members(path: Path) -> dict[str, bytes]:
    """The files of a wheel or an sdist (minus its top folder), by name."""
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as wheel:
            return {name: wheel.read(name) for name in wheel.namelist()}
    with tarfile.open(path) as sdist:
        found: dict[str, bytes] = {}
        for member in sdist.getmembers():
            extracted = sdist.extractfile(member) if member.isfile() else None
            if extracted is not None:
                found[member.name.split("/", 1)[1]] = extracted.read()
        return found


@pytest.mark.slow
def test_the_sdist_is_one_folder_holding_the_generated_package_byte_for_byte(built: dict[str, Path]) -> None:
    assert built["sdist"].name == f"jobticket_api_client-{VERSION}.tar.gz"
    sdist = members(built["sdist"])
    assert f"\nVersion: {VERSION}\n" in sdist["PKG-INFO"].decode()
    generated = {name: (ROOT / name).read_bytes() for name in checkout_files(("generated",))}
    shipped = {name: data for name, data in sdist.items() if name.startswith("jobticket_api/")}
    assert shipped == {name.removeprefix("generated/"): data for name, data in generated.items()}
    assert {name.split("/", 1)[0] for name in sdist} >= {
        "PKG-INFO", "pyproject.toml", "hatch_build.py", "README.md", *PACKAGES
    }  # fmt: skip
    assert not any(name.startswith(("generated/", "tests/", "src/")) for name in sdist)


@pytest.mark.slow
def test_the_wheel_is_the_same_from_the_folder_and_through_the_sdist(built: dict[str, Path]) -> None:
    from_folder, through_sdist = members(built["wheel"]), members(built["sdist-wheel"])
    assert from_folder == through_sdist
    assert {name.split("/", 1)[0] for name in from_folder} == {
        *PACKAGES, f"jobticket_api_client-{VERSION}.dist-info"
    }  # fmt: skip
    assert "jobticket_api/py.typed" in from_folder


def build_hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location("hatch_build", LAYOUT.distribution / "hatch_build.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_build_hook_takes_generated_in_a_checkout_and_its_own_copy_in_an_sdist(tmp_path: Path) -> None:
    hook = build_hook()
    assert hook.generated_package(LAYOUT.distribution) == LAYOUT.generated_package
    unpacked = tmp_path / "jobticket_api_client-1.0.0"
    (unpacked / "jobticket_api").mkdir(parents=True)
    (unpacked / "jobticket_api" / "__init__.py").write_text("")
    (unpacked / "PKG-INFO").write_text("Metadata-Version: 2.4\n")
    # Even with a generated/ folder beside it, an sdist uses the copy it carries.
    shutil.copytree(LAYOUT.generated, tmp_path / "generated")
    assert hook.generated_package(unpacked) == unpacked / "jobticket_api"


def test_a_client_folder_without_the_generated_package_refuses_to_build(tmp_path: Path) -> None:
    # client/ copied alone (without generated/ beside it) must not build a wheel lacking jobticket_api.
    hook = build_hook()
    with pytest.raises(FileNotFoundError, match=r"the generated package is missing: .*run scripts/generate"):
        hook.generated_package(tmp_path / "client")
    unpacked = tmp_path / "sdist"
    unpacked.mkdir()
    (unpacked / "PKG-INFO").write_text("Metadata-Version: 2.4\n")
    with pytest.raises(FileNotFoundError, match="the generated package is missing"):
        hook.generated_package(unpacked)
