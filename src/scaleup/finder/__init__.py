"""The scaleup support finder: its records, the directory as data, the starter directory."""
