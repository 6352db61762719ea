"""Print each question's chosen reading or leftovers (developer diagnostic)."""
import json, sys, tempfile
from pathlib import Path
from graph.settings import Settings
from graph.connect import open_store
from ingest.load import ingest_all
from qa.rules import RulesTranslator
from qa.intents import INTENTS
d = Path(sys.argv[1])
s = Settings(data_dir=d)
st = open_store(s)
if st.run("MATCH (n) RETURN count(n) AS n")[0]["n"] == 0:
    ingest_all(st, s, reset=True)
tr = RulesTranslator(st)
qs = []
for f in sys.argv[2:]:
    if f.endswith(".jsonl"):
        qs += [json.loads(l) for l in open(f)]
    else:
        qs.append({"id": "-", "question": f})
for q in qs:
    f = tr.parse(q["question"])
    rs = []
    for intent in INTENTS:
        try:
            t = intent(tr, f)
        except Exception as e:
            print("   CRASH", intent.__name__, e); continue
        if t: rs.append((t.confidence, t.intent, tr.unused(f, t)))
    rs.sort(key=lambda r: (len(r[2]), -r[0]))
    print(q["id"], q["question"], "->", rs[:3] if rs else tr.unused(f, None))
