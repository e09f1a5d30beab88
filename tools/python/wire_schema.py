"""The backplane's wire schema (schema/backplane.schema.json) in Python: checks the messages a participant sends
and receives against the same JSON Schema the coordinator and the workers compile with ajv. Needs Debian's
python3-jsonschema; only the tests turn it on (SYSPLEX_EMU_CHECK_WIRE=1), a model in production does not need it.

JSON has no byte strings: the schema marks msgpack bin fields with the keyword `binary`, defined here as bytes.
"""

import json
import os

SCHEMA_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'schema', 'backplane.schema.json')


def _binary(validator, wanted, instance, schema):
    import jsonschema
    if wanted and not isinstance(instance, (bytes, bytearray)):
        yield jsonschema.ValidationError('%r is not a byte string (msgpack bin)' % (instance,))


class WireSchema:
    """validate(message, 'fromParticipant' | 'fromCoordinator') raises ValueError naming what is wrong."""

    def __init__(self, path=SCHEMA_PATH):
        import jsonschema
        with open(path) as f:
            self.schema = json.load(f)
        base = jsonschema.validators.validator_for(self.schema)
        self._cls = jsonschema.validators.extend(base, {'binary': _binary})
        self._validators = {}

    def validate(self, message, definition):
        v = self._validators.get(definition)
        if v is None:
            sub = dict(self.schema)
            sub.update({'$ref': '#/definitions/' + definition})
            v = self._validators[definition] = self._cls(sub)
        error = next(iter(v.iter_errors(message)), None)
        if error is not None:
            error = _discriminated(error, self.schema['definitions'])
            where = '/'.join(str(p) for p in error.absolute_path)
            raise ValueError('%s message does not match the wire schema at /%s: %s' % (message.get('type', definition) if isinstance(message, dict) else definition, where, error.message))


def _discriminated(error, definitions):
    """As ajv's `discriminator` does: in a oneOf that names a discriminator (`type` of a message, `kind` of a
    payload), the branch whose constant the instance carries says what is wrong, not "not valid under any"."""
    while error.validator == 'oneOf' and isinstance(error.instance, dict):
        tag = error.schema.get('discriminator', {}).get('propertyName')
        if tag is None:
            break
        branches = error.validator_value
        chosen = None
        for e in error.context:
            i = e.schema_path[0]
            branch = branches[i]
            if '$ref' in branch:
                branch = definitions[branch['$ref'].rsplit('/', 1)[1]]
            if branch.get('properties', {}).get(tag, {}).get('const') == error.instance.get(tag):
                chosen = e
                break
        if chosen is None:
            break
        error = chosen
    return error



def from_environment():
    """A WireSchema when SYSPLEX_EMU_CHECK_WIRE=1 (the tests), else None."""
    return WireSchema() if os.environ.get('SYSPLEX_EMU_CHECK_WIRE') == '1' else None
