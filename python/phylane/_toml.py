"""TOML text of a dict, for phylane.Link.from_dict: the dict goes through the same config reader as
a file (io::load_config_text), so its keys, values, units and messages are those of docs/config.md.

Nested dicts become tables, lists of dicts arrays of tables, other lists arrays; strings, booleans,
integers and floats (numpy scalars too) are written exactly (floats by repr, which reads back to
the same double).
"""
import json
import math
import re

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(k):
    if not isinstance(k, str):
        raise TypeError(f"config keys are text, got {k!r}")
    return k if _BARE_KEY.match(k) else json.dumps(k)


def _value(v, where):
    if hasattr(v, "item") and not isinstance(v, (list, tuple, dict)):
        v = v.item()  # numpy scalar
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x, where) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(x, where + '.' + str(k))}" for k, x in v.items()) + "}"
    raise TypeError(f"{where}: {type(v).__name__} is not a config value (text, number, boolean, list or dict)")


def _is_table_array(v):
    return isinstance(v, (list, tuple)) and len(v) > 0 and all(isinstance(x, dict) for x in v)


def _table(lines, path, table):
    for k, v in table.items():
        if not isinstance(v, dict) and not _is_table_array(v):
            lines.append(f"{_key(k)} = {_value(v, '.'.join(path + [str(k)]))}")
    for k, v in table.items():
        sub = path + [_key(k)]
        if isinstance(v, dict):
            lines.append("")
            lines.append("[" + ".".join(sub) + "]")
            _table(lines, sub, v)
        elif _is_table_array(v):
            for item in v:
                lines.append("")
                lines.append("[[" + ".".join(sub) + "]]")
                _table(lines, sub, item)


def dumps(config):
    """The TOML document of `config` (a dict of tables)."""
    if not isinstance(config, dict):
        raise TypeError(f"a config is a dict of tables, got {type(config).__name__}")
    lines = []
    _table(lines, [], config)
    return "\n".join(lines).lstrip("\n") + "\n"
