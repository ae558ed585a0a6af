"""Versioned task packs shipped with mobench (one folder per pack and version)."""
