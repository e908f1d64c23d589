"""The review's configuration: config/config.yaml validated against workflow/schemas/config.schema.yaml.

The workflow validates with snakemake.utils.validate; commands run outside Snakemake (`slrflow serve`, the
decisions command on a config path) use this module, which validates against the same schema with jsonschema
and fills the schema's defaults.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml

from slrflow.errors import ConfigError

__all__ = ["SCHEMA_PATH", "dates_as_text", "load_config", "validate_config"]

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "schemas" / "config.schema.yaml"


def load_config(path: str | Path) -> dict[str, Any]:
    """Read, validate and default-fill a review's config file."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8") as handle:
            config = yaml.safe_load(handle)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read ({error.strerror})") from error
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML ({error})") from error
    return validate_config(dates_as_text(config or {}), source=str(path))


def dates_as_text(value: Any) -> Any:
    """YAML reads an unquoted `date: 2024-05-14` as a date; the schema and the outputs want the ISO text."""
    if isinstance(value, dict):
        return {key: dates_as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [dates_as_text(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def validate_config(config: dict[str, Any], *, source: str = "config") -> dict[str, Any]:
    """Validate against the schema and fill defaults; the error names the key path that is wrong."""
    import jsonschema

    with open(SCHEMA_PATH, encoding="utf-8") as handle:
        schema = yaml.safe_load(handle)
    validator_class = jsonschema.validators.validator_for(schema)
    validator = _with_defaults(validator_class)(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: list(e.absolute_path))
    if errors:
        error = errors[0]
        where = ".".join(str(part) for part in error.absolute_path) or "(top level)"
        raise ConfigError(f"{source}: {where}: {error.message}")
    return config


def _with_defaults(validator_class):
    """A validator that also fills `default` values, as snakemake.utils.validate(set_default=True) does."""
    validate_properties = validator_class.VALIDATORS["properties"]

    def set_defaults(validator, properties, instance, schema):
        if isinstance(instance, dict):
            for name, subschema in properties.items():
                if "default" in subschema and name not in instance:
                    instance[name] = _copy(subschema["default"])
        yield from validate_properties(validator, properties, instance, schema)

    import jsonschema

    return jsonschema.validators.extend(validator_class, {"properties": set_defaults})


def _copy(value: Any) -> Any:
    return yaml.safe_load(yaml.safe_dump(value))
