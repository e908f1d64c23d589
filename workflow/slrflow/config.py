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
from slrflow.workflow_files import workflow_directory

__all__ = ["SCHEMA_PATH", "check_source_files", "dates_as_text", "load_config", "validate_config"]

SCHEMA_PATH = workflow_directory() / "schemas" / "config.schema.yaml"


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
    """Validate against the schema and fill defaults; the error names the key and says what would be right."""
    import jsonschema

    with open(SCHEMA_PATH, encoding="utf-8") as handle:
        schema = yaml.safe_load(handle)
    validator_class = jsonschema.validators.validator_for(schema)
    validator = _with_defaults(validator_class)(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: [str(part) for part in e.absolute_path])
    if errors:
        more = f" ({len(errors) - 1} more problem(s) after this one)" if len(errors) > 1 else ""
        raise ConfigError(f"{source}: {_explain(errors[0], config)}{more}. config/README.md explains every key.")
    return config


def check_source_files(config: dict[str, Any], *, root: str | Path = ".", source: str = "config") -> None:
    """Every search and other source names an export that exists (paths are relative to the review directory)."""
    for key in ("searches", "other_sources"):
        for index, item in enumerate(config.get(key, [])):
            path = Path(root) / item["file"]
            if not path.is_file():
                raise ConfigError(
                    f"{source}: {key}[{index}] ({item['name']}): file {item['file']} does not exist in "
                    f"{Path(root).resolve()}; put the export there or correct `file`"
                )


def _explain(error, config: Any) -> str:
    """One line: where the problem is (key path, with the search's name), what is there and what would be right."""
    where = _key_path(error.absolute_path, config)
    schema = error.schema
    value = error.instance
    if error.validator == "additionalProperties":
        unknown = sorted(set(value) - set(schema.get("properties", {})))
        place = f"in {where}" if where else "at the top level"
        return (
            f"unknown key {', '.join(map(repr, unknown))} {place}; the keys allowed there are "
            f"{', '.join(schema.get('properties', {}))}"
        )
    if error.validator == "required":
        name = error.message.split("'")[1] if "'" in error.message else error.message
        described = schema.get("properties", {}).get(name, {}).get("description")
        return f"{where or 'the top level'} lacks the key {name!r}" + (f" ({described})" if described else "")
    if error.validator == "enum":
        return f"{where} is {value!r}; expected one of {', '.join(map(str, error.validator_value))}"
    if error.validator == "pattern" and schema.get("description"):
        return f"{where} is {value!r}; expected {schema['description']}"
    if error.validator == "minItems":
        return f"{where} is empty; it needs at least {error.validator_value} item(s)"
    if error.validator == "type":
        return f"{where} is {value!r}; expected a value of type {error.validator_value}"
    return f"{where or 'the top level'}: {error.message}"


def _key_path(parts, config: Any) -> str:
    """searches[1].date, naming the item (searches[1] (wos)) where the list item has a name."""
    text = ""
    node = config
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("name"), str):
                text += f" ({node['name']})"
        else:
            text += f".{part}" if text else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return text


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
