"""A contract type for import-linter (.importlinter): no module imports another module's private
names (`from geo_reports.views import _answers`). import-linter's own contracts look at which modules
import which; this one reads the names, from each module's source."""

import ast
import importlib.util
from pathlib import Path

from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _absolute(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    parts = module.split(".")
    base = parts if is_package else parts[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


class PrivateNamesContract(Contract):
    """Configuration: `packages`, the packages whose modules are checked (and whose names count)."""

    packages = fields.ListField(subfield=fields.StringField())

    def check(self, graph, verbose: bool) -> ContractCheck:
        ours = tuple(self.packages)
        offences = []
        for package in ours:
            spec = importlib.util.find_spec(package)
            for root in spec.submodule_search_locations or []:
                for path in sorted(Path(root).rglob("*.py")):
                    relative = path.relative_to(Path(root).parent).with_suffix("")
                    is_package = relative.name == "__init__"
                    module = ".".join(relative.parts[:-1] if is_package else relative.parts)
                    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
                    for node in ast.walk(tree):
                        if not isinstance(node, ast.ImportFrom):
                            continue
                        source = _absolute(module, node, is_package)
                        if not source.startswith(ours) or source == module:
                            continue
                        for alias in node.names:
                            if _private(alias.name) or any(_private(part) for part in source.split(".")):
                                offences.append(f"{module}:{node.lineno} imports {alias.name} from {source}")
        return ContractCheck(kept=not offences, metadata={"offences": offences})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for offence in check.metadata["offences"]:
            output.print_error(offence, bold=False)
            output.new_line()
