"""Reference method adapters, registered through the ``mobench.methods`` entry point."""
