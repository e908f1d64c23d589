"""Find model components by name: one registry per role, each listing its known names in its errors."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from slrflow.errors import ModelError

__all__ = ["Registry"]

T = TypeVar("T")


class Registry(Generic[T]):
    """Components of one role (feature extractors, classifiers, ...) by their class attribute `name`."""

    def __init__(self, role: str) -> None:
        self.role = role
        self._classes: dict[str, type[T]] = {}

    def register(self, cls: type[T]) -> type[T]:
        """Class decorator: add `cls` under `cls.name`; a second class with the same name is an error."""
        name = cls.name  # type: ignore[attr-defined]
        if name in self._classes:
            raise ModelError(f"two {self.role}s are both called {name!r}")
        self._classes[name] = cls
        return cls

    def names(self) -> list[str]:
        return sorted(self._classes)

    def get(self, name: str) -> type[T]:
        try:
            return self._classes[name]
        except KeyError:
            known = ", ".join(self.names())
            raise ModelError(f"unknown {self.role} {name!r}; known {self.role}s: {known}") from None

    def create(self, name: str, **params: Any) -> T:
        """An instance of the component called `name` with `params`; bad parameters are a ModelError."""
        cls = self.get(name)
        try:
            return cls(**params)
        except TypeError as error:
            raise ModelError(f"{self.role} {name!r} does not take these parameters: {error}") from None
