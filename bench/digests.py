"""Digests at community scale: search, rendering and import of 10,000 digests.

``python bench/run.py digests [--digests N] [--queries N] [--imports N] [--database-url URL]``

1. A throwaway data folder with its own SQLite file (or, with ``--database-url``, a fresh
   PostgreSQL database created for the run and dropped after it), migrated.
2. 10,000 published digests generated in several languages (English from the sentences of
   seed 002, Spanish, French and Portuguese from sentences written in the same register), 2 to
   4 topics each with nested statements, questions, notes and follow-ups, and some names that
   appear in a handful of digests only; their search documents written as the services write
   them (the database's triggers fill the full-text index).
3. Search: for rare words, common words and phrases, the raw full-text statements the search
   runs (``search.fetch_rows`` on the same connection: one statement, or on PostgreSQL for a
   phrase the candidates, their checks and the ranking) and the JSON endpoint
   (``/api/digests/search`` through Django's test client, in process), p50 and p95 of each.
4. Rendering: every digest loaded as plain data (``queries.digest_documents``, in chunks) and
   rendered to wikitext; the two times are reported apart.
5. Import: rendered plain-text digests imported through ``importers.apply.import_digest``
   (parse, speakers, writes, one transaction each): digests per second.

Targets (issue 4): search p95 < 20 ms, the endpoint within 3x the raw query; all 10,000
rendered to wikitext in < 10 s. Prints the figures with their ratios and writes
bench/results/digests.json. A measurement, not a test: it exits 0 when a target is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "digests.json"

SEARCH_P95_MS = 20.0
ENDPOINT_RATIO = 3.0
RENDER_SECONDS = 10.0

LANGUAGES = {"en": 0.55, "es": 0.25, "fr": 0.12, "pt": 0.08}

SPANISH = [
    "Desde marzo adaptamos todas las actividades para que fueran solo en línea.",
    "Los talleres ahora son más cortos, pero tienen más seguimiento.",
    "La pandemia vuelve a crecer y puede durar mucho tiempo.",
    "¿Cómo mantenemos el interés del público sin cansar a las comunidades?",
    "Los museos nos piden ideas para actividades en línea.",
    "Tenemos más personas voluntarias fuera del país que dentro.",
    "Aceptamos donaciones que nos ayudan con los gastos.",
    "Estamos construyendo un portal para una lengua indígena oral.",
    "Colaboramos con otros capítulos en seminarios sobre derechos digitales.",
    "Preparar propuestas de subvención lleva mucho tiempo.",
    "Queremos una evaluación de necesidades a fondo.",
    "Las necesidades de la comunidad cambian según el contexto y la capacidad.",
    "Un espacio de reunión en nuestro idioma es valioso.",
    "Las reuniones periódicas son importantes para retener a nuevas personas editoras.",
    "Creamos recursos compartidos con tutoriales y buenas prácticas.",
    "El mayor desafío es conectar a los grupos a distancia.",
    "La Fundación está probando espacios como esta llamada en varios idiomas.",
    "Se necesita formación y herramientas para el trabajo en las aulas.",
    "Organizamos sesiones introductorias para grupos de diez a veinte personas.",
    "Enviamos correos de seguimiento después de cada taller.",
]
FRENCH = [
    "Depuis mars, nous avons tout adapté pour des activités en ligne.",
    "Les ateliers sont plus courts mais mieux suivis.",
    "Comment garder l'intérêt du public sans épuiser les communautés ?",
    "Les musées nous demandent des idées d'activités en ligne.",
    "Nous avons plus de bénévoles à l'étranger que dans le pays.",
    "Préparer des demandes de subvention prend beaucoup de temps.",
    "Les besoins des communautés varient selon le contexte.",
    "Un espace de discussion dans notre langue est précieux.",
    "Des réunions régulières aident à garder les nouveaux contributeurs.",
    "Nous avons créé des tutoriels et des présentations réutilisables.",
    "La Fondation essaie des appels dans plusieurs langues.",
    "Le plus grand défi est de relier les groupes à distance.",
]
PORTUGUESE = [
    "Desde março adaptamos tudo para atividades online.",
    "As oficinas agora são mais curtas, com mais acompanhamento.",
    "Como manter o interesse do público sem cansar as comunidades?",
    "Temos mais voluntários fora do país do que dentro.",
    "Preparar propostas de financiamento leva muito tempo.",
    "Reuniões regulares ajudam a reter novos editores.",
    "Criamos recursos partilhados com tutoriais e boas práticas.",
    "O maior desafio é ligar os grupos à distância.",
]
TOPICS = {
    "en": [
        "Impact of the pandemic on affiliates",
        "Needed support from the Foundation",
        "Translation tools",
        "Online events",
        "Grants and funding",
        "Education programs",
        "Gender gap",
        "Community health",
        "Abstract Wikipedia",
        "Offline access",
    ],
    "es": ["Impacto de la pandemia", "Apoyo de la Fundación", "Eventos en línea", "Educación"],
    "fr": ["Impact de la pandémie", "Soutien de la Fondation", "Événements en ligne"],
    "pt": ["Impacto da pandemia", "Apoio da Fundação", "Eventos online"],
}
LABELS = {
    "en": ["a volunteer", "volunteer from Spain", "a volunteer from Wikimedia Venezuela"],
    "es": ["una persona voluntaria", "una persona voluntaria de Wikimedia Chile"],
    "fr": ["un bénévole", "une bénévole de Wikimédia France"],
    "pt": ["um voluntário", "uma voluntária da Wikimedia Portugal"],
}
RARE_SYLLABLES = ["ka", "lo", "mi", "zu", "ta", "re", "wa", "yu", "ne", "xo", "pi", "ga"]


class BenchError(Exception):
    pass


def _sentences_of_seed() -> list[str]:
    import re

    from clinicdesk.demo import seed_path

    text = seed_path("002").read_text(encoding="utf-8")
    found = []
    for line in text.splitlines():
        line = line.strip().lstrip("•").strip()
        if ":" in line[:45]:
            line = line.split(":", 1)[1].strip()
        for sentence in re.split(r"(?<=[.!?])\s+", line):
            if 25 <= len(sentence) <= 300 and not sentence.endswith("Edit"):
                found.append(sentence)
    return found


def _setup(args: argparse.Namespace, data_dir: Path) -> str:
    os.environ["CLINICDESK_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "clinicdesk.settings"
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ["SECRET_KEY"] = "bench-only-" + "0123456789abcdef" * 4
    os.environ.pop("REDIS_URL", None)
    os.environ["CONN_MAX_AGE"] = "0"
    database = ""
    if args.database_url:
        import psycopg

        base = args.database_url.rsplit("/", 1)[0]
        database = f"clinicdesk_bench_{os.getpid()}"
        with psycopg.connect(args.database_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{database}"')
        os.environ["DATABASE_URL"] = f"{base}/{database}"
    else:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    (data_dir / "static").mkdir(exist_ok=True)
    call_command("migrate", verbosity=0)
    return database


def _drop(args: argparse.Namespace, database: str) -> None:
    if not database:
        return
    from django.db import connections

    connections.close_all()
    import psycopg

    with psycopg.connect(args.database_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}"')


# --- Generating the digests ---------------------------------------------------------------------


def _rare_words(rng: random.Random, count: int) -> list[str]:
    words: set[str] = set()
    while len(words) < count:
        word = "".join(rng.choice(RARE_SYLLABLES) for _ in range(rng.randint(3, 4)))
        words.add(word.capitalize())
    return sorted(words)


def _generate(rng: random.Random, total: int) -> dict[str, Any]:
    """Writes ``total`` published digests in bulk; returns what the searches will look for."""
    from django.db import transaction

    from clinicdesk.digests import documents as d
    from clinicdesk.digests.attribution import Speaker
    from clinicdesk.digests.models import Digest, FollowUp, Item, SearchDocument, Topic
    from clinicdesk.digests.queries import search_config
    from clinicdesk.digests.search import document_text
    from clinicdesk.scheduling.models import ClinicSession, Person, Program

    pools = {"en": _sentences_of_seed(), "es": SPANISH, "fr": FRENCH, "pt": PORTUGUESE}
    rare = _rare_words(rng, max(200, total // 5))
    programs = [
        Program.objects.create(
            name=f"Bench program {i}", slug=f"bench-{i}", wiki_page_prefix=f"Bench program {i}"
        )
        for i in range(5)
    ]
    staff = [
        Person.objects.create(name=f"Staff{i}", role="staff", organization="WMF") for i in range(12)
    ]
    volunteers = [
        Person.objects.create(
            name=f"Volunteer{i}",
            affiliation=f"Wikimedia Chapter {i % 30}",
            attribution_consent=("name", "affiliation", "anonymous")[i % 3],
        )
        for i in range(150)
    ]
    codes = list(LANGUAGES)
    weights = list(LANGUAGES.values())
    sessions_needed = total // 2 + 1
    start = dt.date(2018, 1, 1)
    with transaction.atomic():
        sessions = ClinicSession.objects.bulk_create(
            ClinicSession(
                program=programs[i % len(programs)],
                number=i // len(programs) + 1,
                start_date=start + dt.timedelta(days=i // 3),
                spoken_languages=["en"],
                status="held",
            )
            for i in range(sessions_needed)
        )
    rare_used: dict[str, int] = {}

    def text(language: str) -> str:
        parts = [rng.choice(pools[language]) for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.08:
            word = rng.choice(rare)
            rare_used[word] = rare_used.get(word, 0) + 1
            parts.append(f"We worked with {word} on this.")
        if rng.random() < 0.1:
            parts.append("See [the page](https://meta.wikimedia.org/wiki/Clinics) for *more*.")
        return " ".join(parts)

    created = 0
    batch = 500
    while created < total:
        size = min(batch, total - created)
        with transaction.atomic():
            digests: list[Digest] = []
            for index in range(created, created + size):
                session = sessions[index // 2]
                language = "en" if index % 2 == 0 else rng.choices(codes, weights)[0]
                if language == "en" and index % 2 == 1:
                    language = "es"
                digests.append(
                    Digest(
                        session=session,
                        language=language,
                        status="published",
                        staff_count=rng.randint(2, 9),
                        volunteer_count=rng.randint(3, 40),
                        staff_organization="Wikimedia Foundation",
                        lead="Except for the introduction, the topics are raised by volunteers.",
                    )
                )
            digests = Digest.objects.bulk_create(digests)
            topic_rows: list[Topic] = []
            plans: list[tuple[Topic, list[Any]]] = []
            docs: dict[int, list[d.TopicData]] = {}
            for digest in digests:
                language = digest.language
                docs[digest.pk] = []
                for position in range(rng.randint(2, 4)):
                    title = rng.choice(TOPICS[language])
                    topic = Topic(digest=digest, position=position, title=title)
                    topic_rows.append(topic)
                    tree = []
                    for _ in range(rng.randint(4, 12)):
                        kind = rng.choices(
                            ["statement", "question", "note", "follow_up"], [85, 8, 4, 3]
                        )[0]
                        speaker = rng.choice(staff + volunteers) if rng.random() < 0.6 else None
                        children = [
                            (rng.choice(staff + volunteers), text(language))
                            for _ in range(rng.choice([0, 0, 1, 2, 3]))
                        ]
                        tree.append((kind, speaker, text(language), children))
                    plans.append((topic, tree))
                    items = tuple(
                        d.ItemData(
                            kind=kind,
                            text=body,
                            speaker=Speaker(is_person=True, name=s.name) if s else None,
                            children=tuple(
                                d.ItemData(kind="statement", text=c) for _p, c in children
                            ),
                        )
                        for kind, s, body, children in tree
                    )
                    docs[digest.pk].append(d.TopicData(title=title, items=items))
            Topic.objects.bulk_create(topic_rows)
            top: list[Item] = []
            nested: list[tuple[Item, list[Any]]] = []
            for topic, tree in plans:
                for position, (kind, speaker, body, children) in enumerate(tree):
                    follow_up = None
                    if kind == "follow_up":
                        follow_up = FollowUp.objects.create(
                            session=topic.digest.session,
                            owner=rng.choice(staff),
                            description=body,
                            due_date=topic.digest.session.start_date + dt.timedelta(days=14),
                        )
                    item = Item(
                        topic=topic,
                        position=position,
                        kind=kind,
                        speaker=speaker if kind != "note" else None,
                        text=body,
                        follow_up=follow_up,
                    )
                    top.append(item)
                    nested.append((item, children))
            Item.objects.bulk_create(top)
            Item.objects.bulk_create(
                Item(topic=parent.topic, parent=parent, position=p, speaker=s, text=body)
                for parent, children in nested
                for p, (s, body) in enumerate(children)
            )
            search_rows = []
            for digest in digests:
                session = digest.session
                doc = d.DigestData(
                    language=digest.language,
                    session_title=session.display_title,
                    lead=digest.lead,
                    topics=tuple(docs[digest.pk]),
                )
                title, body = document_text(doc)
                search_rows.append(
                    SearchDocument(
                        digest=digest,
                        program_id=session.program_id,
                        language=digest.language,
                        session_date=session.start_date,
                        config=search_config(digest.language),
                        title=title,
                        body=body,
                    )
                )
            SearchDocument.objects.bulk_create(search_rows)
        created += size
        print(f"  generated {created:>6} / {total} digests", flush=True)
    rare_found = sorted(word for word, n in rare_used.items() if 1 <= n <= 20)
    return {"rare": rare_found}


# --- Measuring ----------------------------------------------------------------------------------


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    return {
        "p50_ms": round(at(0.50) * 1000, 2),
        "p95_ms": round(at(0.95) * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
        "mean_ms": round(statistics.mean(ordered) * 1000, 2),
        "runs": len(ordered),
    }


def _search(rng: random.Random, found: dict[str, Any], runs: int) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.test import Client

    from clinicdesk.digests.search import SearchQuery, fetch_rows, parse_query

    common = ["community", "online", "volunteers", "Foundation", "language", "time"]
    phrases = [
        '"online events"',
        '"human rights"',
        '"grant proposals"',
        '"in-person activities"',
        '"the Foundation"',
        '"new editors"',
    ]
    kinds = {
        "rare": [rng.choice(found["rare"]) for _ in range(runs)],
        "common": [common[i % len(common)] for i in range(runs)],
        "phrase": [phrases[i % len(phrases)] for i in range(runs)],
    }
    client = Client()
    results: dict[str, Any] = {}
    for kind, queries in kinds.items():
        raw_times: list[float] = []
        endpoint_times: list[float] = []
        raw_cpu: list[float] = []
        endpoint_cpu: list[float] = []
        hits: list[int] = []
        # Warm both paths once (page cache of the database, Django's URL resolver).
        for text in queries[:5]:
            client.get("/api/digests/search", {"q": text})
        for text in queries:
            query = SearchQuery(text, limit=20)
            terms = parse_query(text)
            with transaction.atomic(), connection.cursor() as cursor:
                started, cpu = time.perf_counter(), time.process_time()
                rows = fetch_rows(cursor, query, terms)
                raw_times.append(time.perf_counter() - started)
                raw_cpu.append(time.process_time() - cpu)
            hits.append(len(rows))
            started, cpu = time.perf_counter(), time.process_time()
            response = client.get("/api/digests/search", {"q": text})
            endpoint_times.append(time.perf_counter() - started)
            endpoint_cpu.append(time.process_time() - cpu)
            if response.status_code != 200:
                raise BenchError(f"/api/digests/search?q={text} answered {response.status_code}")
        raw = _percentiles(raw_times)
        endpoint = _percentiles(endpoint_times)
        results[kind] = {
            "raw": raw,
            "endpoint": endpoint,
            # CPU time of this process alone: what the machine's other work cannot inflate
            # (on PostgreSQL the server's own work is not in it).
            "raw_cpu": _percentiles(raw_cpu),
            "endpoint_cpu": _percentiles(endpoint_cpu),
            "ratio_p95": round(endpoint["p95_ms"] / raw["p95_ms"], 2) if raw["p95_ms"] else None,
            "mean_hits": round(statistics.mean(hits), 1),
            "example": queries[0],
        }
    return results


def _render(total: int) -> dict[str, Any]:
    from clinicdesk.digests.models import Digest
    from clinicdesk.digests.queries import digest_documents
    from clinicdesk.digests.renderers import render_wikitext

    ids = list(Digest.objects.order_by("pk").values_list("pk", flat=True))
    documents = []
    started = time.perf_counter()
    for offset in range(0, len(ids), 500):
        chunk = ids[offset : offset + 500]
        documents += digest_documents(Digest.objects.filter(pk__in=chunk), absolute=True)
    loaded = time.perf_counter() - started
    # The 10,000 documents stay in memory for the test; the collector would walk all of them
    # again and again while the renderer makes its short-lived strings. A server renders one.
    gc.collect()
    gc.freeze()
    started, cpu = time.perf_counter(), time.process_time()
    size = 0
    for document in documents:
        size += len(render_wikitext(document))
    rendered = time.perf_counter() - started
    rendered_cpu = time.process_time() - cpu
    return {
        "digests": len(documents),
        "load_seconds": round(loaded, 2),
        "render_seconds": round(rendered, 2),
        "render_cpu_seconds": round(rendered_cpu, 2),
        "total_seconds": round(loaded + rendered, 2),
        "wikitext_megabytes": round(size / 1e6, 1),
        "per_digest_ms": round(rendered / max(len(documents), 1) * 1000, 3),
        "documents": documents,
    }


def _import(documents: list[Any], count: int) -> dict[str, Any]:
    from clinicdesk.digests.importers import parse_digest
    from clinicdesk.digests.importers.apply import import_digest
    from clinicdesk.digests.renderers import render_text
    from clinicdesk.scheduling.models import ClinicSession, Program

    program = Program.objects.create(name="Bench imports", slug="bench-imports")
    sample = documents[:count]
    texts = [render_text(document) for document in sample]
    ClinicSession.objects.bulk_create(
        ClinicSession(program=program, number=i + 1, start_date=dt.date(2021, 1, 1))
        for i in range(len(texts))
    )
    parse_digest(texts[0])  # the first parse reads CLDR's language names once
    started = time.perf_counter()
    for text in texts:
        parse_digest(text)
    parsed = time.perf_counter() - started
    started = time.perf_counter()
    failed = 0
    for number, (text, document) in enumerate(zip(texts, sample, strict=True), start=1):
        report = import_digest(
            text, program=program, session_number=number, language=document.language
        )
        failed += not report.ok
    imported = time.perf_counter() - started
    return {
        "digests": len(texts),
        "failed": failed,
        "parse_per_second": round(len(texts) / parsed, 1),
        "import_per_second": round(len(texts) / imported, 1),
        "import_seconds": round(imported, 2),
    }


def _print(result: dict[str, Any]) -> None:
    print()
    print(f"database: {result['database']}, {result['digests']} published digests")
    before, after = result["load_average"]
    if max(before[0], after[0]) > (os.cpu_count() or 1) * 0.5:
        print(
            f"warning: the machine was busy (1-minute load {before[0]:.1f} before, "
            f"{after[0]:.1f} after, on {os.cpu_count()} CPUs): the wall-clock figures are "
            "inflated; the CPU figures are this process's own"
        )
    print(
        f"{'search':<10}{'raw p50':>10}{'raw p95':>10}{'api p50':>10}{'api p95':>10}"
        f"{'api/raw':>9}  hits  verdict"
    )
    for kind, row in result["search"].items():
        raw, api = row["raw"], row["endpoint"]
        cpu_raw, cpu_api = row["raw_cpu"]["p95_ms"], row["endpoint_cpu"]["p95_ms"]
        cpu = f"  (CPU p95: raw {cpu_raw} ms, api {cpu_api} ms)"
        verdicts = []
        if raw["p95_ms"] >= SEARCH_P95_MS:
            verdicts.append(f"raw p95 >= {SEARCH_P95_MS:.0f} ms")
        if api["p95_ms"] >= SEARCH_P95_MS:
            verdicts.append(f"api p95 >= {SEARCH_P95_MS:.0f} ms")
        if row["ratio_p95"] and row["ratio_p95"] > ENDPOINT_RATIO:
            verdicts.append(f"api > {ENDPOINT_RATIO:.0f}x raw")
        print(
            f"{kind:<10}{raw['p50_ms']:>9.2f} {raw['p95_ms']:>9.2f} {api['p50_ms']:>9.2f} "
            f"{api['p95_ms']:>9.2f} {row['ratio_p95']:>8.2f}x {row['mean_hits']:>5}  "
            + ("PASS" if not verdicts else "FAIL: " + "; ".join(verdicts))
            + cpu
        )
    render = result["render"]
    verdict = "PASS" if render["render_seconds"] < RENDER_SECONDS else "FAIL"
    print(
        f"wikitext: rendered {render['digests']} digests in {render['render_seconds']} s "
        f"({render['per_digest_ms']} ms each, {render['render_cpu_seconds']} s of CPU; "
        f"target < {RENDER_SECONDS:.0f} s: {verdict}); "
        f"loading them as plain data took {render['load_seconds']} s more "
        f"({render['wikitext_megabytes']} MB of wikitext)"
    )
    imports = result["import"]
    print(
        f"import: {imports['import_per_second']} digests/s through the services "
        f"({imports['digests']} rendered digests, {imports['failed']} failed); "
        f"parsing alone {imports['parse_per_second']} digests/s"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench/run.py digests", description=__doc__)
    parser.add_argument("--digests", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200, help="queries of each kind")
    parser.add_argument("--imports", type=int, default=200, help="digests to import")
    parser.add_argument(
        "--database-url",
        default="",
        help="a PostgreSQL server URL; a database is created for the run and dropped after it",
    )
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--keep-data", action="store_true")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    data_dir = Path(tempfile.mkdtemp(prefix="clinicdesk-bench-digests-"))
    database = ""
    try:
        database = _setup(args, data_dir)
        from django.db import connection

        load_before = os.getloadavg()
        print(f"generating {args.digests} digests on {connection.vendor} ...", flush=True)
        started = time.perf_counter()
        found = _generate(rng, args.digests)
        generated = time.perf_counter() - started
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO digests_search(digests_search) VALUES ('optimize')")
                cursor.execute("ANALYZE")
        else:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print("searching ...", flush=True)
        search = _search(rng, found, args.queries)
        print("rendering ...", flush=True)
        render = _render(args.digests)
        documents = render.pop("documents")
        print("importing ...", flush=True)
        imports = _import(documents, args.imports)
        result = {
            "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
            "load_average": [load_before, os.getloadavg()],
            "database": connection.vendor,
            "digests": args.digests,
            "generate_seconds": round(generated, 1),
            "search": search,
            "render": render,
            "import": imports,
            "targets": {
                "search_p95_ms": SEARCH_P95_MS,
                "endpoint_over_raw": ENDPOINT_RATIO,
                "render_seconds": RENDER_SECONDS,
            },
        }
        _print(result)
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        vendor = connection.vendor
        name = "digests.json" if vendor == "sqlite" else f"digests-{vendor}.json"
        (RESULTS.parent / name).write_text(json.dumps(result, indent=2) + "\n")
        print(f"written to {RESULTS.parent / name}")
        return 0
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    finally:
        if args.keep_data:
            print(f"data kept in {data_dir}")
        else:
            _drop(args, database)
            shutil.rmtree(data_dir, ignore_errors=True)
