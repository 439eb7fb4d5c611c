"""Export the JSON Schema of the project file: ``python -m dossier.schema schemas/projet.schema.json``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .model import schema_json


def schema_texte() -> str:
    return json.dumps(schema_json(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    Path(sys.argv[1]).write_text(schema_texte(), encoding="utf-8")
