"""Remove saved widget state (metadata.widgets) from notebooks so they are committed executed but small and stable."""

import json
import sys
from pathlib import Path

for name in sys.argv[1:] or [str(p) for p in Path("notebooks").rglob("*.ipynb")]:
    path = Path(name)
    nb = json.loads(path.read_text(encoding="utf-8"))
    if nb.get("metadata", {}).pop("widgets", None) is not None:
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"stripped widget state from {path}")
