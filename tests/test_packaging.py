"""The package list in pyproject.toml is written by hand (the bundled decks live in decks/):
these tests catch a package or a data file that would be left out of a wheel."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "study").rglob("__init__.py")
    }
    assert found - listed == set(), "add these packages to [tool.setuptools] packages"


def test_bundled_decks_ship_as_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert config["package-dir"]["study.bundled"] == "decks"
    patterns = config["package-data"]["study.bundled"]
    assert "*.toml" in patterns and "material/*" in patterns


def test_readme_test_command_is_what_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text()
    marker = readme.index("<!-- test-command -->")
    assert "pip install -e '.[test]' && pytest" in readme[marker : marker + 120]
    assert "README.md" in (ROOT / ".ci" / "run").read_text()


def test_every_module_of_study_is_in_a_layer_of_the_contract() -> None:
    """study/ holds only the layer packages, so the one layers contract covers all code."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    [layers] = [c for c in config["contracts"] if c["type"] == "layers"]
    named = {name.strip() for layer in layers["layers"] for name in layer.split("|")}
    found = {
        path.stem if path.is_file() else path.name
        for path in (ROOT / "study").iterdir()
        if path.name not in ("__init__.py", "__pycache__")
        and (path.suffix == ".py" or (path / "__init__.py").exists())
    }
    assert found - named == set(), "put these modules in a layer package"
    [core] = [c for c in config["contracts"] if c["name"] == "The core never imports textual"]
    assert set(core["source_modules"]) == {f"study.{name}" for name in named - {"cli", "tui"}}
