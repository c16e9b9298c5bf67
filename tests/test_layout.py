"""The tree is the product card's, and the import contracts cover every module of scoring."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CARD_TOP_LEVEL = {
    "manage.py",
    "popm",
    "backlog",
    "scoring",
    "templates",
    "static",
    "tests",
    "docker-compose.yml",
    "pyproject.toml",
    "README.md",
    "bench",
    "docs",
    ".ci",
    "Makefile",
    "requirements.lock",
}


def test_the_top_level_holds_only_what_the_product_card_names():
    tracked = {path.name for path in ROOT.iterdir() if not path.name.startswith(".") or path.name == ".ci"}
    ignored = {"screenshots", "db.sqlite3", "__pycache__", ".pytest_cache"}
    assert tracked - ignored <= CARD_TOP_LEVEL


def test_every_module_of_scoring_is_held_by_the_rooms_contract():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["name"].startswith("scoring's own modules")]
    # management holds load_demo, which composes every room's demo data.
    rooms = {
        "planning",
        "tradeoffs",
        "rescoring",
        "exports",
        "roadmap",
        "outcomes",
        "estimation",
        "migrations",
        "__init__",
        "backlog_marks",
        "management",
    }
    modules = {f"scoring.{path.stem}" for path in (ROOT / "scoring").iterdir() if path.stem not in rooms}
    modules.discard("scoring.__pycache__")
    assert modules <= set(contract["source_modules"])
