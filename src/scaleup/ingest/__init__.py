"""Read and validate input files: one module per input kind, every problem at once."""
