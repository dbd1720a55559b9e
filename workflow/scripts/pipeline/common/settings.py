"""Settings as the rules pass them: nested like the config, merged and projected the same way
everywhere (the Snakefile's runs and overlays, a rule's params, the verl check's probe)."""

import copy
import json


def merged(base, overlay):
    """A copy of base with overlay merged in: nested dicts key by key, anything else replaced."""
    out = copy.deepcopy(base)
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def projected(config, *keys):
    """The config cut down to the given dotted keys ("filter", "train.data.max_length"), nested as
    in the config, so a rule sees exactly the settings that change its output and in their own shape."""
    out = {}
    for key in keys:
        *parents, last = key.split(".")
        source, target = config, out
        for part in parents:
            source, target = source[part], target.setdefault(part, {})
        target[last] = copy.deepcopy(source[last])
    return out


def as_json(settings):
    """One canonical text per settings value: what a rule's params hold and its script parses."""
    return json.dumps(settings, sort_keys=True)
