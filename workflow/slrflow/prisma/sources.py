"""Which PRISMA box each source of records belongs to, from the review's config.

Import rows carry the source's label in their `database` column: a search's `database`, or an other source's
`database` (defaulting to its `name`). Searches and sources of kind `registers` are identified in the left
column (databases and registers); `websites`, `organisations` and `citations` in the other-methods column.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from slrflow.errors import ConfigError

__all__ = ["Source", "SourceMap", "source_map"]


@dataclass(frozen=True)
class Source:
    """A label in the import table's `database` column and the PRISMA node its records are counted in."""

    label: str
    kind: str  # databases, registers, websites, organisations, citations

    NODES: ClassVar[dict[str, str]] = {
        "databases": "database_results",
        "registers": "register_results",
        "websites": "website_results",
        "organisations": "organisation_results",
        "citations": "citations_results",
    }

    @property
    def node(self) -> str:
        return self.NODES[self.kind]

    @property
    def column(self) -> str:
        """'dbr' for databases and registers, 'other' for other methods."""
        return "dbr" if self.kind in {"databases", "registers"} else "other"


@dataclass(frozen=True)
class SourceMap:
    sources: dict[str, Source]

    @property
    def has_other_methods(self) -> bool:
        return any(source.column == "other" for source in self.sources.values())

    def labels(self, kind: str) -> list[str]:
        """The labels of one kind, in config order."""
        return [label for label, source in self.sources.items() if source.kind == kind]

    def get(self, label: str, *, where: str) -> Source:
        try:
            return self.sources[label]
        except KeyError:
            known = ", ".join(repr(name) for name in self.sources) or "none"
            raise ConfigError(
                f"{where}: database {label!r} is neither a search's `database` nor an other source's "
                f"`database`/`name` in the config (known: {known}); re-run the import or fix the config"
            ) from None


def source_map(config: Mapping[str, Any]) -> SourceMap:
    """Map each database label in config to its kind; one label may not name two kinds of source."""
    sources: dict[str, Source] = {}

    def add(label: object, kind: str, where: str) -> None:
        if not isinstance(label, str) or not label.strip():
            raise ConfigError(f"config: {where}: needs a non-empty database label")
        label = label.strip()
        previous = sources.get(label)
        if previous is not None and previous.kind != kind:
            raise ConfigError(
                f"config: {where}: label {label!r} is used for both {previous.kind} and {kind}; "
                "give one of them its own `database` label so PRISMA can tell their records apart"
            )
        sources[label] = Source(label, kind)

    searches = config.get("searches") or []
    if not isinstance(searches, list):
        raise ConfigError("config: searches: must be a list of {name, database, file, date, query}")
    for i, search in enumerate(searches):
        add((search or {}).get("database"), "databases", f"searches[{i}]")
    others = config.get("other_sources") or []
    if not isinstance(others, list):
        raise ConfigError("config: other_sources: must be a list of {name, kind, file, date}")
    for i, other in enumerate(others):
        other = other or {}
        kind = other.get("kind")
        if kind not in {"registers", "websites", "organisations", "citations"}:
            raise ConfigError(
                f"config: other_sources[{i}].kind: {kind!r} is not one of registers, websites, organisations, citations"
            )
        add(other.get("database") or other.get("name"), kind, f"other_sources[{i}]")
    return SourceMap(sources)
