#!/usr/bin/python3
"""Writes the trimmed IAM, STS and Organizations service models that tools/gen_protocol.py reads.

The botocore models carry documentation, examples and endpoint data the wire layer never
needs. This keeps what the Query and JSON 1.1 protocols and input validation use: operations (input,
output with its result wrapper, modeled errors) and shapes with their members, list/map
member names, locationName, flattened, required, min/max, pattern, enum, sensitive,
timestampFormat, and the error metadata (code, httpStatusCode, senderFault). Member order
is kept because responses list members in model order.

Members of AWS's current models that this botocore lacks come from models/overlay.json: its
shapes are added, its members appended to existing structures and its enum values to existing
enums (the source says so).

Usage: tools/trim_models.py [BOTOCORE_DATA_DIR] [OUT_DIR]
  defaults: /usr/lib/python3/dist-packages/botocore/data and models/ next to tools/.
Standard library only; the build reads the committed output and never needs botocore.
"""

import json
import os
import sys

SERVICES = (("iam", "2010-05-08"), ("sts", "2011-06-15"), ("organizations", "2016-11-28"))

# jsonVersion and targetPrefix: the JSON 1.1 services' Content-Type and X-Amz-Target prefix.
METADATA_KEYS = ("apiVersion", "endpointPrefix", "jsonVersion", "protocol", "serviceId", "signatureVersion",
                 "targetPrefix", "uid", "xmlNamespace")
SHAPE_KEYS = ("type", "required", "min", "max", "pattern", "enum", "sensitive", "flattened", "timestampFormat",
              "exception", "fault", "error")
REF_KEYS = ("shape", "locationName", "flattened", "xmlNamespace", "timestampFormat")
ERROR_KEYS = ("code", "httpStatusCode", "senderFault")


def trim_ref(ref):
    return {k: ref[k] for k in REF_KEYS if k in ref}


def trim_shape(shape):
    out = {}
    for key in SHAPE_KEYS:
        if key not in shape:
            continue
        value = shape[key]
        if key == "error":
            value = {k: value[k] for k in ERROR_KEYS if k in value}
        out[key] = value
    if "members" in shape:
        out["members"] = {name: trim_ref(ref) for name, ref in shape["members"].items()}
    for key in ("member", "key", "value"):
        if key in shape:
            out[key] = trim_ref(shape[key])
    return out


def trim_operation(op):
    out = {"name": op["name"]}
    if "input" in op:
        out["input"] = {"shape": op["input"]["shape"]}
    if "output" in op:
        out["output"] = {k: op["output"][k] for k in ("shape", "resultWrapper") if k in op["output"]}
    if op.get("errors"):
        out["errors"] = [{"shape": e["shape"]} for e in op["errors"]]
    return out


def botocore_version(data_dir):
    init = os.path.join(os.path.dirname(data_dir), "__init__.py")
    try:
        with open(init, encoding="utf-8") as f:
            for line in f:
                if line.startswith("__version__"):
                    return line.split("=", 1)[1].strip().strip("'\"")
    except OSError:
        pass
    return "unknown"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    data_dir = sys.argv[1] if len(sys.argv) > 1 else "/usr/lib/python3/dist-packages/botocore/data"
    out_dir = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "..", "models")
    version = botocore_version(data_dir)
    for service, api_version in SERVICES:
        with open(os.path.join(data_dir, service, api_version, "service-2.json"), encoding="utf-8") as f:
            model = json.load(f)
        trimmed = {
            "source": "botocore %s data/%s/%s/service-2.json, trimmed by tools/trim_models.py" %
                      (version, service, api_version),
            "metadata": {k: model["metadata"][k] for k in METADATA_KEYS if k in model["metadata"]},
            "operations": {name: trim_operation(op) for name, op in sorted(model["operations"].items())},
            "shapes": {name: trim_shape(shape) for name, shape in sorted(model["shapes"].items())},
        }
        overlay = json.load(open(os.path.join(here, "..", "models", "overlay.json"), encoding="utf-8")).get(service)
        if overlay:
            trimmed["source"] += ", with models/overlay.json"
            for name, shape in overlay.get("shapes", {}).items():
                assert name not in trimmed["shapes"], name
                trimmed["shapes"][name] = shape
            trimmed["shapes"] = dict(sorted(trimmed["shapes"].items()))
            for name, members in overlay.get("members", {}).items():
                for member, ref in members.items():
                    assert member not in trimmed["shapes"][name]["members"], (name, member)
                    trimmed["shapes"][name]["members"][member] = ref
            for name, values in overlay.get("enum_values", {}).items():
                for value in values:
                    assert value not in trimmed["shapes"][name]["enum"], (name, value)
                    trimmed["shapes"][name]["enum"].append(value)
        path = os.path.join(out_dir, service + ".json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(trimmed, f, indent=1, ensure_ascii=False)
            f.write("\n")
        print("%s: %d operations, %d shapes" % (path, len(trimmed["operations"]), len(trimmed["shapes"])))


if __name__ == "__main__":
    main()
