"""Reading source extracts: encodings, formats, headers, normalisation and row validation."""
