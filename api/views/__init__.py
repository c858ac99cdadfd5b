"""One blueprint per resource: parse with a schema, call a service, dump with a schema."""
