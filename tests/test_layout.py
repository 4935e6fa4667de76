"""Imports run one way: base modules use no feature, features use only auth and base modules, and nothing
imports admin."""
import ast
from pathlib import Path

from portal.config import BASE_DIR

PORTAL = BASE_DIR / "portal"
FEATURES = {path.name for path in PORTAL.iterdir() if (path / "__init__.py").exists()}
WIRING = {"portal", "portal.models", "portal.cli", "portal.demo"}
AGGREGATORS = {"home", "admin"}  # "what to do next" and administration read every feature


def module_name(path: Path) -> str:
    parts = path.relative_to(BASE_DIR).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every portal module the file imports, relative imports resolved."""
    package = module_name(path).split(".") if path.name == "__init__.py" else module_name(path).split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return {name for name in found if name == "portal" or name.startswith("portal.")}


def feature_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in FEATURES else None


def sources() -> dict[str, set[str]]:
    return {module_name(path): imports_of(path) for path in PORTAL.rglob("*.py")}


def test_nothing_imports_admin_but_the_application_factory():
    offenders = {module: sorted(name for name in names if feature_of(name) == "admin")
                 for module, names in sources().items() if module != "portal" and feature_of(module) != "admin"}
    assert {module: names for module, names in offenders.items() if names} == {}


def test_base_modules_use_no_feature_and_auth_uses_no_other_feature():
    wrong = {}
    for module, names in sources().items():
        if module in WIRING:
            continue
        own = feature_of(module)
        if own in AGGREGATORS:
            allowed = (FEATURES - {"admin"}) | {own}
        else:
            allowed = {own} if own == "auth" else ({own, "auth"} if own else set())
        used = {feature_of(name) for name in names} - {None} - allowed
        if used:
            wrong[module] = sorted(used)
    assert wrong == {}
