"""The schemathesis.toml of a conformance run: what the generated requests may aim at, and
which checks apply where."""

import json


def toml(document, known):
    """A config whose dictionaries hold the demo's ids and log positions, so that about half
    the requests name a tribe, part-up or member that exists and a position the log has, and
    get past 404 and 400 to the route's own rules."""
    lines = []
    positions = sorted({0, 1, known.head // 2, known.head})
    for name, values in (("tribes", known.tribes), ("partups", known.partups), ("members", known.members), ("positions", positions)):
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(values)}", ""]
    for path, methods in sorted(document["paths"].items()):
        for method, operation in sorted(methods.items()):
            bindings = {f"path.{name}": dictionary for name, dictionary in _path_dictionaries(path)}
            if "member" in _body_properties(document, operation):
                bindings["body.member"] = "members"
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and parameter["schema"].get("type") == "integer" and parameter["name"] != "limit":
                    bindings[f"query.{parameter['name']}"] = "positions"
            section = [f"[[operations]]", f'include-name = "{method.upper()} {path}"']
            if bindings:
                pairs = ", ".join(f'"{key}" = {{ dictionary = "{value}", probability = 0.5 }}' for key, value in bindings.items())
                section.append(f"parameters = {{ {pairs} }}")
            if _answers_anonymous_readers(operation):
                # `security: [{}, bearer]`: a read that also serves readers without a token; the
                # auth check cannot tell it from one that ignores tokens.
                section.append("checks = { ignored_auth = { enabled = false } }")
            if len(section) > 2:
                lines += section + [""]
    return "\n".join(lines)


def _path_dictionaries(path):
    for segment in path.split("/"):
        if segment == "{member}":
            yield "member", "members"
        elif segment == "{id}":
            yield "id", {"tribes": "tribes", "partups": "partups", "members": "members"}[path.split("/")[1]]


def _body_properties(document, operation):
    schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].split("/")[-1]]
    return schema.get("properties", {})


def _answers_anonymous_readers(operation):
    return {} in operation.get("security", [])
