"""Code that runs inside the untrusted worker process (and nothing that must stay secret)."""
import sys

# jsonschema imports rfc3987-syntax whenever it is installed (jupyter-events pulls it in), and that
# package builds an Earley parser at import time: 4-5 s of CPU in every process that imports
# nbformat or jsonschema (the grader, and each 13_agents worker). It only checks the "iri" string
# formats, which no schema of the course uses, so our processes import jsonschema without it.
sys.modules.setdefault("rfc3987_syntax", None)
