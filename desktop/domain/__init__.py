"""Plain-Python domain: enums, rules, validators, arithmetic. Never imports Qt or SQL."""
