"""The consultation in the demo: Global Conversations (seed 004), a program of its own.

Two sets of events, 21-22 November and 5-6 December 2020, with live interpretation into
Arabic, Chinese, French, German, Indonesian, Russian and Spanish; registration open until
4 December for the second set. The consultation asked which of 45 initiatives, in the 10
recommendations of the Movement Strategy, are most important to coordinate globally: nearly
50 communities shared their priorities beforehand and about 250 people ranked during the
first set of events.

The initiative titles are illustrative (modelled on the Movement Strategy's, not its
wording); the communities, their submissions and the ballots are generated from a fixed
random seed, so the pages look the same on every machine. Running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
from django.db import transaction

from clinicdesk.consultations import services
from clinicdesk.consultations.models import Consultation, Submission
from clinicdesk.consultations.participants import Participant, participant_key
from clinicdesk.consultations.regions import region_of_country
from clinicdesk.registration import services as registration
from clinicdesk.scheduling import services as scheduling
from clinicdesk.scheduling.models import ClinicSession, Program

PROGRAM_SLUG = "global-conversations"
CONSULTATION_SLUG = "priorities-2021"
SEED = 2020
BALLOTS = 250
UTC = dt.UTC
# Seed 004: "live interpretation in Arabic, Chinese, French, German, Indonesian, Russian, and
# Spanish".
INTERPRETATION = ["ar", "zh", "fr", "de", "id", "ru", "es"]
TEXT_LANGUAGES = ["en", "es", "fr", "ar", "zh", "de", "ru", "id"]

PURPOSE = (
    "Virtual events where Wikimedians from around the world discuss which Movement Strategy "
    "initiatives matter most to coordinate globally, and what implementing them looks like. "
    "Live interpretation, internet data packages and childcare are offered to those who ask "
    "for them when they register."
)
ABOUT = (
    "Nearly 50 communities and affiliates shared their priorities in advance; during the "
    "events of 21 and 22 November about 250 participants ranked the initiatives they think "
    "most important to coordinate globally and start implementing in 2021. The results and "
    "raw data are published here.\n\n"
    "Demo data: the initiative titles are illustrative, modelled on the 45 initiatives of the "
    "Movement Strategy recommendations but not their official wording; the communities, their "
    "submissions and the ballots are generated."
)
QUESTION = (
    "Which of the 45 Movement Strategy initiatives are most important to globally coordinate "
    "and start implementing in 2021?"
)

# (day, title) of the two sets of events; each 13:00-16:00 UTC.
EVENTS = [
    (dt.date(2020, 11, 21), "Global Conversations, 21 November"),
    (dt.date(2020, 11, 22), "Global Conversations, 22 November"),
    (dt.date(2020, 12, 5), "Global Conversations, 5 December"),
    (dt.date(2020, 12, 6), "Global Conversations, 6 December"),
]
EVENT_START = dt.time(13, 0)
EVENT_MINUTES = 180

# The ten recommendations, and their initiatives (code, English, Spanish, weight in the
# generated preferences). Titles are illustrative.
GROUPS: list[tuple[str, str, str, list[tuple[str, str, str, float]]]] = [
    (
        "R1",
        "Increase the sustainability of our movement",
        "Aumentar la sostenibilidad de nuestro movimiento",
        [
            (
                "1.1",
                "Awareness of Wikimedia in new regions",
                "Conocimiento de Wikimedia en nuevas regiones",
                1.0,
            ),
            (
                "1.2",
                "Advocacy for free knowledge policy",
                "Incidencia en políticas de conocimiento libre",
                1.2,
            ),
            (
                "1.3",
                "Diverse revenue for communities",
                "Ingresos diversos para las comunidades",
                1.4,
            ),
            (
                "1.4",
                "Environmental sustainability of events",
                "Sostenibilidad ambiental de los eventos",
                0.3,
            ),
            (
                "1.5",
                "Partnerships with knowledge institutions",
                "Alianzas con instituciones del conocimiento",
                0.9,
            ),
        ],
    ),
    (
        "R2",
        "Improve user experience",
        "Mejorar la experiencia de uso",
        [
            (
                "2.1",
                "Easier onboarding for newcomers",
                "Una llegada más fácil para los recién llegados",
                1.7,
            ),
            (
                "2.2",
                "Mentorship inside the editing interface",
                "Mentoría dentro de la interfaz de edición",
                0.8,
            ),
            (
                "2.3",
                "Accessibility for people with disabilities",
                "Accesibilidad para personas con discapacidad",
                0.7,
            ),
            (
                "2.4",
                "Better tools for mobile editing",
                "Mejores herramientas para editar desde el móvil",
                1.1,
            ),
            ("2.5", "Shared technical documentation", "Documentación técnica compartida", 0.2),
        ],
    ),
    (
        "R3",
        "Provide for safety and inclusion",
        "Garantizar la seguridad y la inclusión",
        [
            ("3.1", "A universal code of conduct", "Un código de conducta universal", 1.6),
            ("3.2", "Clear ways to report harassment", "Vías claras para denunciar el acoso", 1.0),
            (
                "3.3",
                "Privacy and security for contributors at risk",
                "Privacidad y seguridad para quienes contribuyen en riesgo",
                0.8,
            ),
            (
                "3.4",
                "Support for contributors facing legal threats",
                "Apoyo ante amenazas legales",
                0.5,
            ),
        ],
    ),
    (
        "R4",
        "Ensure equity in decision-making",
        "Asegurar la equidad en la toma de decisiones",
        [
            ("4.1", "A movement charter", "Una carta del movimiento", 1.8),
            ("4.2", "A global council", "Un consejo global", 1.5),
            ("4.3", "Regional and thematic hubs", "Centros regionales y temáticos", 2.0),
            ("4.4", "Fair distribution of resources", "Distribución justa de los recursos", 1.3),
            (
                "4.5",
                "Underrepresented communities in governance",
                "Comunidades subrepresentadas en la gobernanza",
                0.9,
            ),
        ],
    ),
    (
        "R5",
        "Coordinate across stakeholders",
        "Coordinar entre las partes",
        [
            (
                "5.1",
                "A map of who does what in the movement",
                "Un mapa de quién hace qué en el movimiento",
                0.6,
            ),
            ("5.2", "A shared calendar of movement events", "Un calendario común de eventos", 0.2),
            (
                "5.3",
                "Coordination between affiliates and projects",
                "Coordinación entre afiliados y proyectos",
                0.7,
            ),
            ("5.4", "Regular global conversations", "Conversaciones globales periódicas", 0.6),
        ],
    ),
    (
        "R6",
        "Invest in skills and leadership development",
        "Invertir en habilidades y liderazgo",
        [
            (
                "6.1",
                "A global approach to leadership development",
                "Un enfoque global del desarrollo de liderazgo",
                1.5,
            ),
            (
                "6.2",
                "A skills directory and peer learning",
                "Un directorio de habilidades y aprendizaje entre pares",
                1.0,
            ),
            (
                "6.3",
                "Training for organizers and trainers",
                "Formación para organizadores y formadores",
                0.9,
            ),
            ("6.4", "Recognition of volunteer work", "Reconocimiento del trabajo voluntario", 0.8),
            (
                "6.5",
                "Capacity building for emerging communities",
                "Fortalecimiento de comunidades emergentes",
                1.2,
            ),
        ],
    ),
    (
        "R7",
        "Manage internal knowledge",
        "Gestionar el conocimiento interno",
        [
            (
                "7.1",
                "A knowledge management system for the movement",
                "Un sistema de gestión del conocimiento del movimiento",
                0.7,
            ),
            ("7.2", "Documentation of good practices", "Documentación de buenas prácticas", 0.5),
            (
                "7.3",
                "Translation of key movement documents",
                "Traducción de los documentos clave",
                0.6,
            ),
            (
                "7.4",
                "Research on the movement's communities",
                "Investigación sobre las comunidades",
                0.2,
            ),
        ],
    ),
    (
        "R8",
        "Identify topics for impact",
        "Identificar temas de impacto",
        [
            (
                "8.1",
                "Content gaps in underrepresented topics",
                "Brechas de contenido en temas subrepresentados",
                1.1,
            ),
            ("8.2", "Oral and indigenous knowledge", "Conocimiento oral e indígena", 0.7),
            ("8.3", "Content on health and climate", "Contenido sobre salud y clima", 0.4),
            ("8.4", "Measuring the impact of content", "Medir el impacto del contenido", 0.2),
        ],
    ),
    (
        "R9",
        "Innovate in free knowledge",
        "Innovar en conocimiento libre",
        [
            (
                "9.1",
                "Support for new knowledge formats",
                "Apoyo a nuevos formatos de conocimiento",
                0.6,
            ),
            ("9.2", "Experiments with new projects", "Experimentos con nuevos proyectos", 0.3),
            (
                "9.3",
                "Technology for underserved languages",
                "Tecnología para lenguas desatendidas",
                1.0,
            ),
            ("9.4", "Open data for research partners", "Datos abiertos para la investigación", 0.2),
            ("9.5", "Structured data across projects", "Datos estructurados entre proyectos", 0.4),
        ],
    ),
    (
        "R10",
        "Evaluate, iterate and adapt",
        "Evaluar, iterar y adaptar",
        [
            (
                "10.1",
                "Shared metrics for movement strategy",
                "Indicadores comunes para la estrategia",
                0.5,
            ),
            (
                "10.2",
                "Regular review of implementation",
                "Revisión periódica de la implementación",
                0.4,
            ),
            ("10.3", "Learning from what did not work", "Aprender de lo que no funcionó", 0.3),
            (
                "10.4",
                "Adapting plans to regional contexts",
                "Adaptar los planes a cada región",
                0.8,
            ),
        ],
    ),
]
DESCRIPTION_EN = "Illustrative initiative of the recommendation “{group}”."
DESCRIPTION_ES = "Iniciativa ilustrativa de la recomendación «{group}»."

# Fictional communities (no real affiliate is named), each with a country, or a region for
# those that work across countries.
COMMUNITIES = [
    ("Lagos Wiki Circle", "NG"),
    ("Accra Open Knowledge Friends", "GH"),
    ("Nairobi Wiki Readers", "KE"),
    ("Kampala Wiki Club", "UG"),
    ("Dakar Wiki Collective", "SN"),
    ("Douala Wiki Friends", "CM"),
    ("Johannesburg Wiki Club", "ZA"),
    ("Addis Knowledge Commons", "ET"),
    ("Arusha Wiki Network", "TZ"),
    ("Abidjan Contributors", "CI"),
    ("Cairo Wiki Circle", "EG"),
    ("Tunis Wiki Readers", "TN"),
    ("Amman Wiki Community", "JO"),
    ("Casablanca Contributors", "MA"),
    ("Beirut Wiki Forum", "LB"),
    ("Dhaka Wiki Circle", "BD"),
    ("Kochi Wiki Friends", "IN"),
    ("Pune Wiki Collective", "IN"),
    ("Kathmandu Wiki Club", "NP"),
    ("Colombo Wiki Group", "LK"),
    ("Lahore Wiki Readers", "PK"),
    ("Bandung Wiki Community", "ID"),
    ("Surabaya Wiki Friends", "ID"),
    ("Cebu Wiki Club", "PH"),
    ("Tainan Wiki Circle", "TW"),
    ("Busan Open Knowledge", "KR"),
    ("Osaka Wiki Salon", "JP"),
    ("Da Nang Wiki Friends", "VN"),
    ("Penang Wiki Readers", "MY"),
    ("Lviv Wiki Circle", "UA"),
    ("Kraków Wiki Readers", "PL"),
    ("Tbilisi Wiki Club", "GE"),
    ("Gyumri Wiki Community", "AM"),
    ("Novi Sad Wiki Forum", "RS"),
    ("İzmir Contributors", "TR"),
    ("Almaty Wiki Readers", "KZ"),
    ("Bilbao Wiki Collective", "ES"),
    ("Lyon Wiki Contributors", "FR"),
    ("Leipzig Wiki Stammtisch", "DE"),
    ("Uppsala Wiki Network", "SE"),
    ("Porto Wiki Group", "PT"),
    ("Guadalajara Wiki Club", "MX"),
    ("Medellín Wiki Club", "CO"),
    ("Córdoba Wiki Circle", "AR"),
    ("Recife Wiki Community", "BR"),
    ("Cusco Wiki Group", "PE"),
    ("Valparaíso Wiki Red", "CL"),
    ("Kingston Wiki Friends", "JM"),
    ("Winnipeg Wiki Meetup", "CA"),
    ("Tucson Wiki Meetup", "US"),
    ("Wiki Women Circle", "international"),
    ("Medicine Wiki Volunteers", "international"),
]
COMMENTS = [
    "Our volunteers ask for this at every meetup.",
    "Without this, newcomers in our region leave after their first edit.",
    "This would let small communities like ours take part in decisions.",
    "We have tried this locally and would like to share what we learned.",
    "Essential for communities whose language has few readers online.",
    "Nuestra comunidad lo necesita para crecer.",
    "C'est la priorité de notre groupe pour l'année prochaine.",
    "",
]
# Where the ballots come from: (region, weight); and the language groups.
BALLOT_REGIONS = [
    ("africa", 0.18),
    ("mena", 0.08),
    ("south-asia", 0.14),
    ("east-asia-pacific", 0.16),
    ("cee", 0.12),
    ("western-europe", 0.14),
    ("latin-america", 0.13),
    ("north-america", 0.03),
    ("", 0.02),
]
BALLOT_LANGUAGES = [
    ("en", 0.44),
    ("es", 0.12),
    ("fr", 0.10),
    ("ar", 0.08),
    ("ru", 0.07),
    ("id", 0.07),
    ("zh", 0.05),
    ("de", 0.07),
]
# What a region cares more about than the rest, for realistic breakdowns.
REGIONAL_TASTE = {
    "africa": ["6.5", "1.3", "9.3", "2.4"],
    "mena": ["3.3", "9.3", "7.3"],
    "south-asia": ["9.3", "2.4", "6.5"],
    "east-asia-pacific": ["2.1", "4.3", "8.2"],
    "cee": ["4.3", "1.2", "3.1"],
    "western-europe": ["4.1", "4.2", "1.2"],
    "latin-america": ["4.4", "8.1", "6.2"],
    "north-america": ["2.3", "3.2"],
}


def _program(say: Callable[[str], None]) -> Program:
    program = Program.objects.filter(slug=PROGRAM_SLUG).first()
    if program is None:
        program = scheduling.create_program(
            name="Global Conversations",
            slug=PROGRAM_SLUG,
            purpose=PURPOSE,
            conduct="Be kind and respectful; let everyone speak in the language they choose.",
            default_languages=["en"],
            community_zones=[
                "America/Mexico_City",
                "America/Sao_Paulo",
                "Europe/Berlin",
                "Africa/Lagos",
                "Asia/Kolkata",
                "Asia/Jakarta",
            ],
            session_title_pattern="{program} #{number}",
            default_duration_minutes=EVENT_MINUTES,
        )
        say("consultations demo: program Global Conversations created")
    return program


def _events(program: Program, say: Callable[[str], None]) -> list[ClinicSession]:
    sessions = []
    for number, (day, title) in enumerate(EVENTS, start=1):
        session = program.sessions.filter(number=number).first()
        if session is None:
            session = scheduling.schedule_session(
                program=program,
                number=number,
                title=title,
                kind=ClinicSession.Kind.EVENT,
                start_date=day,
                start_time=EVENT_START,
                time_zone="UTC",
                duration_minutes=EVENT_MINUTES,
                spoken_languages=["en"],
                interpretation_languages=INTERPRETATION,
            )
            _open_registration(session, day)
            scheduling.update_session(session=session, status=ClinicSession.Status.HELD)
            say(f"consultations demo: event {session.label} {day:%Y-%m-%d}")
        sessions.append(session)
    return sessions


def _open_registration(session: ClinicSession, day: dt.date) -> None:
    """Registration through the registration app: its form asks for the needs (interpretation
    into the seven languages, data package, childcare)."""
    # "Registration is open until December 4" for the events of 5 and 6 December; the
    # November events closed the day before the first of them.
    deadline = dt.date(2020, 12, 4) if day.month == 12 else dt.date(2020, 11, 20)
    registration.configure_registration(
        session=session,
        capacity=None,
        times=registration.WindowTimes(
            time_zone="UTC",
            opens_on=dt.date(2020, 10, 26),
            closes_on=deadline,
            closes_time=dt.time(23, 59),
        ),
        offers_data_package=True,
        offers_childcare=True,
        now=dt.datetime.combine(dt.date(2020, 10, 26), dt.time(12, 0), tzinfo=UTC),
    )


def _initiatives_text(language: str) -> str:
    lines = []
    for code, english, spanish, items in GROUPS:
        group = english if language == "en" else spanish
        lines.append(f"# {code} | {group}")
        template = DESCRIPTION_EN if language == "en" else DESCRIPTION_ES
        for item, title_en, title_es, _weight in items:
            title = title_en if language == "en" else title_es
            lines.append(f"{item} | {title} | {template.format(group=group)}")
    return "\n".join(lines)


def _consultation(
    program: Program, events: list[ClinicSession], say: Callable[[str], None]
) -> Consultation:
    found = Consultation.objects.filter(program=program, slug=CONSULTATION_SLUG).first()
    if found is not None:
        return found
    saved = services.create_consultation(
        program=program,
        title="Global Conversations: priorities for 2021",
        slug=CONSULTATION_SLUG,
        question=QUESTION,
        about=ABOUT,
        languages=TEXT_LANGUAGES,
        method=Consultation.Method.BORDA,
        max_choices=5,
        suppression_threshold=5,
        sessions=events[:2],
        times=services.ConsultationTimes(
            time_zone="UTC",
            submissions_opens_on=dt.date(2020, 10, 26),
            submissions_closes_on=dt.date(2020, 12, 4),
            ranking_opens_on=dt.date(2020, 11, 21),
            ranking_opens_time=dt.time(12, 0),
            ranking_closes_on=dt.date(2020, 11, 22),
            ranking_closes_time=dt.time(23, 59),
        ),
    )
    consultation = saved.consultation
    services.import_initiatives(consultation=consultation, text=_initiatives_text("en"))
    services.import_initiatives(
        consultation=consultation, text=_initiatives_text("es"), language="es"
    )
    say("consultations demo: 45 initiatives in 10 groups")
    return consultation


def _weights(consultation: Consultation) -> tuple[list[int], np.ndarray, dict[str, int]]:
    ids = dict(consultation.initiatives.values_list("code", "pk"))
    codes = [item[0] for _g, _e, _s, items in GROUPS for item in items]
    weights = np.array([item[3] for _g, _e, _s, items in GROUPS for item in items])
    return [ids[code] for code in codes], weights, {code: n for n, code in enumerate(codes)}


def _pick(rng: np.random.Generator, weights: np.ndarray, boost: list[int], count: int) -> list[int]:
    """An ordered choice drawn from a Plackett-Luce model (the Gumbel trick)."""
    utility = weights.copy()
    utility[boost] += 1.0
    keys = utility + rng.gumbel(size=len(utility)) * 0.9
    return [int(i) for i in np.argsort(-keys)[:count]]


def _submissions(consultation: Consultation, say: Callable[[str], None]) -> None:
    if consultation.submissions.exists():
        return
    services.add_communities(
        consultation=consultation,
        text="\n".join(f"{name} | {place}" for name, place in COMMUNITIES[:-3]),
    )
    rng = np.random.default_rng(SEED)
    ids, weights, position = _weights(consultation)
    when = dt.datetime(2020, 11, 10, 12, 0, tzinfo=UTC)
    listed = dict(consultation.communities.values_list("name", "pk"))
    for index, (name, place) in enumerate(COMMUNITIES):
        region = place if place == "international" else region_of_country(place)
        boost = [position[c] for c in REGIONAL_TASTE.get(region, [])]
        picked = _pick(rng, weights, boost, int(rng.integers(3, 6)))
        priorities = [
            services.Priority(ids[i], COMMENTS[int(rng.integers(0, len(COMMENTS)))]) for i in picked
        ]
        new = None
        if name not in listed:
            new = services.NewCommunity(
                name=name,
                country="" if place == "international" else place,
                region=place if place == "international" else "",
            )
        submission = services.submit_priorities(
            consultation=consultation,
            community_id=listed.get(name),
            new_community=new,
            contact_name=f"Contact {index + 1}",
            contact_email=f"contact{index + 1}@example.org",
            priorities=priorities,
            now=when + dt.timedelta(hours=index),
        )
        # Two wait for review and one was declined, so the review page has work on it.
        if index in (7, 30):
            continue
        services.review_submission(
            submission=submission,
            accept=index != 41,
            note="" if index != 41 else "Sent twice; the other copy is accepted.",
            now=when + dt.timedelta(days=1, hours=index),
        )
    accepted = consultation.submissions.filter(status=Submission.Status.ACCEPTED).count()
    say(f"consultations demo: {accepted} community submissions accepted")


def _ballots(
    consultation: Consultation, events: list[ClinicSession], say: Callable[[str], None]
) -> None:
    if consultation.ballots.exists():
        return
    rng = np.random.default_rng(SEED + 1)
    ids, weights, position = _weights(consultation)
    region_codes = [code for code, _w in BALLOT_REGIONS]
    region_p = np.array([w for _c, w in BALLOT_REGIONS])
    language_codes = [code for code, _w in BALLOT_LANGUAGES]
    language_p = np.array([w for _c, w in BALLOT_LANGUAGES])
    start = dt.datetime(2020, 11, 21, 13, 30, tzinfo=UTC)
    for number in range(BALLOTS):
        region = region_codes[int(rng.choice(len(region_codes), p=region_p / region_p.sum()))]
        language = language_codes[
            int(rng.choice(len(language_codes), p=language_p / language_p.sum()))
        ]
        boost = [position[c] for c in REGIONAL_TASTE.get(region, [])]
        count = 5 if rng.random() < 0.75 else int(rng.integers(1, 5))
        picked = _pick(rng, weights, boost, count)
        day = number % 2
        participant = Participant(
            key=participant_key(consultation, f"participant{number + 1}@example.org"),
            session_id=events[day].pk,
            region=region,
            language=language,
        )
        services.submit_ballot(
            consultation=consultation,
            participant=participant,
            choices=[ids[i] for i in picked],
            now=start + dt.timedelta(days=day, minutes=number % 150),
        )
    say(f"consultations demo: {BALLOTS} ballots")


def load_demo(*, program: Program | None = None, say: Callable[[str], None] = print) -> Any:
    """Loads the Global Conversations demo. ``program`` (the clinics demo's) is not used: the
    consultation has a program of its own."""
    with transaction.atomic():
        own = _program(say)
        events = _events(own, say)
        consultation = _consultation(own, events, say)
        _submissions(consultation, say)
        _ballots(consultation, events, say)
    return consultation
