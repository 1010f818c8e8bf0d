#!/usr/bin/env python3
"""The bench's synthetic campaigns (issue 15), in two steps.

    gen_campaigns.py api BASE_URL TOKEN N [SEED] [THREADS]
    gen_campaigns.py grow DB_FILE N [SEED]

`api` fills a running waymark with campaigns 1..N through its own JSON API.
`grow` (the server stopped) brings a SQLite database made by `api` up to N
published campaigns in SQL, the way bench/evidence_bench.cc grows its
incidents: campaign i (from the first id after the API-made ones) copies the
row, workflow fields and revisions of API-made campaign ((i-1) % K) + 1 and
gets its own generated texts, country, theme, channel and organisation from
the same generator as `api`. Then run `waymark reindex` so the product
indexes every campaign. The API makes 3 writes a campaign (about 50
campaigns/s on 2 cores, with an fsync each), so 100,000 through the API
alone would take over half an hour; the copies' revision snapshots still
hold the texts of the campaign they were copied from (only the history page
shows them).

The bench's synthetic set (issue 15): every campaign has an English, French
and Spanish title, summary and body, one country and one theme, and is
created, submitted and published (POST /api/v1/campaigns, .../submit,
.../publish) with an administrator's API token, so the rows, revisions,
change feed and search index are exactly what the product writes. Campaign i
is drawn from Random(SEED * 1000003 + i) and the lead organisation, country
and theme lists are sorted before use, so the same N and SEED give the same
data. Planted words, for the searches the bench runs:

  "solidarity" (fr "solidarité", es "solidaridad") in campaigns with
  i % 36 == 0 (2.8 % of the rows: the "common word"); "zanzibarite" in
  campaigns with i % 5882 == 1 (17 rows at N=100,000: the "rare word").

Bounded: each request has a 30 s timeout and up to 3 tries; any other
failure stops the run with a non-zero exit. Standard library only.
"""
import http.client
import os
import json
import random
import sys
import threading
import time
import urllib.parse

EN = ("migration migrants refugees campaign inclusion integration community rights workers labour "
      "children families women young people public perception change media stories voices asylum "
      "border citizens local national policy support welcome housing education school health "
      "employment jobs language culture diversity protection dialogue participation climate "
      "mobility students teachers training awareness myths facts data report research history "
      "memory identity belonging home journey arrival reception mentoring football sport music "
      "food kitchen theatre neighbours city town volunteers network partners festival exhibition").split()
FR = ("migration migrants réfugiés campagne inclusion intégration communauté droits travailleurs "
      "travail enfants familles femmes jeunes personnes public perception changement médias "
      "histoires voix asile frontière citoyens local national politique soutien accueil logement "
      "éducation école santé emploi métiers langue culture diversité protection dialogue "
      "participation climat mobilité étudiants enseignants formation sensibilisation préjugés "
      "faits données rapport recherche mémoire identité appartenance maison parcours arrivée "
      "parrainage football sport musique cuisine théâtre voisins ville quartier bénévoles réseau "
      "partenaires festival exposition").split()
ES = ("migración migrantes refugiados campaña inclusión integración comunidad derechos "
      "trabajadores trabajo niños familias mujeres jóvenes personas público percepción cambio "
      "medios historias voces asilo frontera ciudadanos local nacional política apoyo acogida "
      "vivienda educación escuela salud empleo oficios idioma cultura diversidad protección "
      "diálogo participación clima movilidad estudiantes profesores formación sensibilización "
      "mitos hechos datos informe investigación memoria identidad pertenencia hogar camino "
      "llegada mentoría fútbol deporte música cocina teatro vecinos ciudad barrio voluntarios red "
      "socios festival exposición").split()
COMMON = {"en": "solidarity", "fr": "solidarité", "es": "solidaridad"}
RARE = "zanzibarite"
COUNTRIES = sorted(("GBR FRA ESP GRC ITA DEU PRT BEL NLD IRL SWE DNK NOR FIN POL HUN AUT CHE CZE ROU "
                    "BGR HRV SVN MLT CYP TUR MAR TUN SEN MLI NGA SYR AFG UKR MEX COL VEN ARG CAN USA "
                    "ZAF KEN ETH").split())
CHANNELS = ["posters", "video", "social_media", "events", "press", "crowdfunding", "radio"]
BENCH_EMAIL = "bench@example.org"  # the user bench/bench.sh adds and writes as
STAGES = ["idea", "planned", "running", "ended"]


def zipf_pick(rng, words):
    # Earlier words more often (a rough Zipf), so some words are common.
    return words[min(int(len(words) * rng.random() ** 2.2), len(words) - 1)]


def sentence(rng, words, n):
    return " ".join(zipf_pick(rng, words) for _ in range(n))


def campaign(i, seed, orgs, themes):
    rng = random.Random(seed * 1000003 + i)
    texts = {}
    for lang, words in (("en", EN), ("fr", FR), ("es", ES)):
        title = sentence(rng, words, rng.randint(3, 7)).capitalize()
        summary = sentence(rng, words, rng.randint(12, 24))
        body = "\n\n".join(sentence(rng, words, rng.randint(25, 50)) for _ in range(rng.randint(1, 3)))
        if i % 36 == 0:
            summary += " " + COMMON[lang]
        if i % 5882 == 1:
            body += " " + RARE
        texts[lang] = (f"{title} {i}", summary, body)
    year = 2005 + rng.randrange(20)
    return {
        "organisation": orgs[rng.randrange(len(orgs))],
        "title": {k: v[0] for k, v in texts.items()},
        "summary": {k: v[1] for k, v in texts.items()},
        "body": {k: v[2] for k, v in texts.items()},
        "countries": [COUNTRIES[rng.randrange(len(COUNTRIES))]],
        "themes": [themes[rng.randrange(len(themes))]],
        "channels": [CHANNELS[rng.randrange(len(CHANNELS))]],
        "status": STAGES[rng.randrange(len(STAGES))],
        "start_date": f"{year}-{1 + rng.randrange(12):02d}-{1 + rng.randrange(28):02d}",
    }


def fatal(msg):
    # From any thread: stop the whole run at once.
    print(f"gen_campaigns: {msg}", file=sys.stderr, flush=True)
    os._exit(1)


class Client:
    def __init__(self, base, token):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port
        self.headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
        self.conn = None

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        for attempt in range(3):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                self.conn.request(method, path, body=data, headers=self.headers)
                r = self.conn.getresponse()
                text = r.read()
                if r.status >= 500 or r.status == 429 or r.status == 503:
                    raise RuntimeError(f"{method} {path}: {r.status} {text[:200]!r}")
                if r.status >= 400:
                    fatal(f"{method} {path}: {r.status} {text[:400]!r}")
                return json.loads(text) if text else None
            except (OSError, http.client.HTTPException, RuntimeError) as e:
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                if attempt == 2:
                    fatal(str(e))
                time.sleep(0.5)
        return None


def grow(db_file, n, seed):
    import sqlite3
    db = sqlite3.connect(db_file)
    db.execute("PRAGMA foreign_keys=ON")
    orgs = sorted(r[0] for r in db.execute("SELECT slug FROM organisations"))
    org_ids = dict(db.execute("SELECT slug, id FROM organisations"))
    themes = sorted(r[0] for r in db.execute("SELECT code FROM themes"))
    # The API-made campaigns: those of the bench's own user (the demo's are not).
    made = [r[0] for r in db.execute(
        "SELECT c.id FROM campaigns c JOIN users u ON u.id = c.created_by "
        "WHERE u.email = ? AND c.lifecycle = 'published' ORDER BY c.id", (BENCH_EMAIL,))]
    have = len(made)
    if have == 0:
        sys.exit("gen_campaigns grow: no API-made campaigns in " + db_file)
    if have >= n:
        print(f"  {have} campaigns already, nothing to grow", file=sys.stderr)
        return
    cols = [r[1] for r in db.execute("PRAGMA table_info(campaigns)") if r[1] != "id"]
    rev_cols = [r[1] for r in db.execute("PRAGMA table_info(campaign_revisions)") if r[1] != "campaign_id"]
    start = time.monotonic()
    db.execute("BEGIN")
    for i in range(have + 1, n + 1):
        src = made[(i - 1) % have]
        c = campaign(i, seed, orgs, themes)
        # The slug, organisation, stage and start of campaign i, the rest of its source.
        own = {"slug": f"bench-{i}", "organisation_id": org_ids[c["organisation"]], "stage": c["status"],
               "start_date": c["start_date"]}
        exprs = ", ".join("?" if col in own else col for col in cols)
        params = [own[col] for col in cols if col in own]
        cur = db.execute(f"INSERT INTO campaigns ({', '.join(cols)}) SELECT {exprs} FROM campaigns WHERE id = ?",
                         (*params, src))
        cid = cur.lastrowid
        for lang in ("en", "fr", "es"):
            db.execute("INSERT INTO campaign_texts (campaign_id, lang, title, summary, body) VALUES (?, ?, ?, ?, ?)",
                       (cid, lang, c["title"][lang], c["summary"][lang], c["body"][lang]))
        db.execute("INSERT INTO campaign_countries (campaign_id, country) VALUES (?, ?)", (cid, c["countries"][0]))
        db.execute("INSERT INTO campaign_themes (campaign_id, theme_code) VALUES (?, ?)", (cid, c["themes"][0]))
        db.execute("INSERT INTO campaign_channels (campaign_id, ord, channel) VALUES (?, 0, ?)",
                   (cid, c["channels"][0]))
        db.execute(f"INSERT INTO campaign_revisions (campaign_id, {', '.join(rev_cols)}) "
                   f"SELECT ?, {', '.join(rev_cols)} FROM campaign_revisions WHERE campaign_id = ?", (cid, src))
        if i % 10000 == 0:
            print(f"\r  grown to {i}/{n}", end="", file=sys.stderr, flush=True)
    db.commit()
    total = db.execute("SELECT count(*) FROM campaigns WHERE lifecycle = 'published'").fetchone()[0]
    db.close()
    print(f"\n  {n - have} campaigns added in SQL in {time.monotonic() - start:.0f} s; "
          f"{total} published in all", file=sys.stderr)


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "grow":
        grow(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 1)
        return
    if len(sys.argv) < 5 or sys.argv[1] != "api":
        sys.exit(__doc__)
    base, token, n = sys.argv[2], sys.argv[3], int(sys.argv[4])
    seed = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    threads = int(sys.argv[6]) if len(sys.argv) > 6 else 6
    c = Client(base, token)
    orgs = sorted(o["slug"] for o in c.call("GET", "/api/v1/organisations?per_page=100")["items"])
    themes_json = c.call("GET", "/api/v1/themes")
    items = themes_json["items"] if isinstance(themes_json, dict) else themes_json
    themes = sorted(t["code"] for t in items)
    if not orgs or not themes:
        sys.exit("gen_campaigns: no organisations or themes on the server")

    lock = threading.Lock()
    state = {"next": 1, "done": 0}
    start = time.monotonic()

    def worker():
        cl = Client(base, token)
        while True:
            with lock:
                i = state["next"]
                if i > n:
                    return
                state["next"] += 1
            created = cl.call("POST", "/api/v1/campaigns", campaign(i, seed, orgs, themes))
            cid = created["id"]
            cl.call("POST", f"/api/v1/campaigns/{cid}/submit")
            cl.call("POST", f"/api/v1/campaigns/{cid}/publish")
            with lock:
                state["done"] += 1
                done = state["done"]
            if done % 2000 == 0:
                rate = done / max(time.monotonic() - start, 0.001)
                print(f"\r  campaigns: {done}/{n} ({rate:.0f}/s)", end="", file=sys.stderr, flush=True)

    ts = [threading.Thread(target=worker) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    print(f"\n  {state['done']} campaigns published in {time.monotonic() - start:.0f} s", file=sys.stderr)
    if state["done"] != n:
        sys.exit("gen_campaigns: a worker stopped early")


if __name__ == "__main__":
    main()
