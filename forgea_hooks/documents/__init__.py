"""Reading and parsing: a path becomes text, text becomes a Document. Nothing here knows of rules."""
