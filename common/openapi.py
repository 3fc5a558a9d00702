"""Post-processing of the OpenAPI schema (drf-spectacular)."""

ERROR = {
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in the request's language."},
        "errors": {
            "type": "object",
            "description": "For 400: the messages per field at fault; a nested object (e.g. `reporter`) "
            "has its own fields, each with its messages.",
            "additionalProperties": {
                "oneOf": [
                    {"type": "array", "items": {"type": "string"}},
                    {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
                ]
            },
        },
    },
}
ANSWERS = {
    "400": "The request is not valid: the fields at fault, each with a message.",
    "401": "Sign in (a token or a session) for this.",
    "403": "Not allowed for this user, or refused (e.g. a blocked sender).",
    "404": "No such thing, or not visible to this user.",
    "429": "Too many requests from here; see Retry-After.",
    "503": "The database is briefly unavailable; see Retry-After.",
}
# What a request with a body may also get (common.request_limits), before anything reads it.
BODY_ANSWERS = {
    "411": "A body sent in chunks: send it with its length (Content-Length).",
    "413": "The body is larger than this address accepts.",
}


def document_errors(result, generator, request, public):
    """Every operation may answer with the project's error shape (common.errors); say so, so
    that clients and schema-driven tests know every status the API uses."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            answers = {**ANSWERS, **BODY_ANSWERS} if method in ("post", "put", "patch") else ANSWERS
            for status, description in answers.items():
                operation["responses"].setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                )
    return result
