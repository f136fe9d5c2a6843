"""The demo's data: who and what `python manage.py demo` builds, and nothing that builds it.

Every name, address and BRIN code is fictional. Builders in `demo.builders` read these specs;
adding a school, an activity or a hero is adding a line here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

PASSWORD = "demo-backontrack"

# (name, target area) — the programme focuses on Poelenburg and Peldersveld.
NEIGHBOURHOODS = [
    ("Poelenburg", True),
    ("Peldersveld", True),
    ("Saendelft", False),
    ("Kogerveld", False),
    ("Rosmolenwijk", False),
    ("Westerwatering", False),
    ("Zaandam-Zuid", False),
    ("Wormerveer", False),
]


@dataclass(frozen=True)
class SchoolSpec:
    brin: str
    name: str
    level: str
    wijk: str
    street: str
    postcode: str
    city: str = "Zaandam"


# Fictional schools with fictional BRIN codes (99 + two letters is not in use).
SCHOOLS = [
    SchoolSpec("99ZA", "Basisschool De Zaanvogel", "po", "Poelenburg", "Vogelweide 14", "1504 CA"),
    SchoolSpec("99ZB", "IKC De Regenboog", "po", "Peldersveld", "Pelderspad 3", "1504 DK"),
    SchoolSpec(
        "99ZC",
        "Kindcentrum De Vlinderboom",
        "po",
        "Saendelft",
        "Vlinderweg 21",
        "1567 KL",
        "Assendelft",
    ),
    SchoolSpec(
        "99ZD", "Basisschool Het Molenwiek", "po", "Rosmolenwijk", "Wiekstraat 8", "1502 GS"
    ),
    SchoolSpec(
        "99ZE", "Montessorischool De Wilgenhoek", "po", "Westerwatering", "Wilgenlaan 40", "1503 HB"
    ),
    SchoolSpec("99ZF", "Saenstroom College", "vo", "Kogerveld", "Kogerplein 1", "1507 VA"),
    SchoolSpec(
        "99ZG", "Vakcollege Wormerveer", "vo", "Wormerveer", "Zaanweg 110", "1521 DR", "Wormerveer"
    ),
    SchoolSpec("99ZH", "Het Zaanpoort Lyceum", "vo", "Zaandam-Zuid", "Poortlaan 5", "1506 ML"),
]
# Amsterdam: fewer schools, so a coordinator sees others' data stays out of view and the
# national figures compare two municipalities. (name, target area) as above.
AMSTERDAM_NEIGHBOURHOODS = [("Slotervaart", True), ("Osdorp", True), ("Bos en Lommer", False)]
AMSTERDAM_SCHOOLS = [
    SchoolSpec(
        "99AM", "Basisschool Het Amstelpad", "po", "Slotervaart", "Amstelpad 9", "1065 AB",
        "Amsterdam",
    ),
    SchoolSpec(
        "99AN", "IKC De Notenboom", "po", "Osdorp", "Notenlaan 31", "1068 MK", "Amsterdam"
    ),
    SchoolSpec(
        "99AP", "Westpoort College", "vo", "Bos en Lommer", "Havenstraat 77", "1055 AT",
        "Amsterdam",
    ),
]  # fmt: skip

HUB = "jongerenHUB Poelenburg"


@dataclass(frozen=True)
class VenueSpec:
    name: str
    wijk: str
    street: str
    postcode: str
    description: str
    city: str = "Zaandam"


VENUES = [
    VenueSpec(
        HUB,
        "Poelenburg",
        "Hubplein 2",
        "1504 CG",
        "Jongerencentrum met jongerenwerkers, huiswerkhulp en activiteiten in de avond.",
    ),
    VenueSpec(
        "Sporthal Kogerveld",
        "Kogerveld",
        "Sportlaan 12",
        "1507 VB",
        "Sporthal met een grote zaal, kleedkamers en een kantine.",
    ),
]


# School holidays as the government published them, by holiday region and school year
# (spring and autumn are advice). A year not listed is computed by `demo.holidays`; to use
# the official dates of a new year, add its lines here.
OFFICIAL_SCHOOL_HOLIDAYS: dict[str, dict[str, list[tuple[str, str, str]]]] = {
    "noord": {
        "2025-2026": [
            ("Herfstvakantie", "2025-10-18", "2025-10-26"),
            ("Kerstvakantie", "2025-12-20", "2026-01-04"),
            ("Voorjaarsvakantie", "2026-02-21", "2026-03-01"),
            ("Meivakantie", "2026-04-25", "2026-05-03"),
            ("Zomervakantie", "2026-07-04", "2026-08-16"),
        ],
        "2026-2027": [
            ("Herfstvakantie", "2026-10-17", "2026-10-25"),
            ("Kerstvakantie", "2026-12-19", "2027-01-03"),
            ("Voorjaarsvakantie", "2027-02-13", "2027-02-21"),
            ("Meivakantie", "2027-04-24", "2027-05-02"),
            ("Zomervakantie", "2027-07-10", "2027-08-22"),
        ],
        "2027-2028": [
            ("Herfstvakantie", "2027-10-16", "2027-10-24"),
            ("Kerstvakantie", "2027-12-25", "2028-01-09"),
            ("Voorjaarsvakantie", "2028-02-19", "2028-02-27"),
            ("Meivakantie", "2028-04-22", "2028-04-30"),
            ("Zomervakantie", "2028-07-08", "2028-08-20"),
        ],
    },
}

# Groups of this school year, with their pupils; last year's had one pupil less each.
PO_GROUPS = [
    ("Groep 3", 3, 23), ("Groep 4", 4, 25),
    ("Groep 5", 5, 26), ("Groep 6", 6, 24), ("Groep 7", 7, 27), ("Groep 8", 8, 25),
]  # fmt: skip
VO_GROUPS = [("1A", 1, 28), ("1B", 1, 26), ("2A", 2, 27), ("3A", 3, 24)]


@dataclass(frozen=True)
class Login:
    email: str
    name: str
    role: str


LOGINS = [
    Login("coordinator@demo.test", "Fatima El Amrani", "Coordinator, Zaanstad"),
    Login("staff.po@demo.test", "Sanne de Vries", "Staff, Basisschool De Zaanvogel"),
    Login("staff.vo@demo.test", "Mehmet Yilmaz", "Staff, Saenstroom College"),
    Login("hero@demo.test", "Dennis Bakker", "Local Hero, Zaanstad"),
    Login("parent@demo.test", "Ilse Jansen", "Parent"),
    Login("programma@demo.test", "Jeroen Visser", "Programme administrator, national"),
]


@dataclass(frozen=True)
class ActivitySpec:
    title: str
    brin: str
    category: str
    grades: tuple[int, int]
    capacity: int
    weekday: int
    hours: tuple[dt.time, dt.time]
    description: str
    venue: str = ""
    fill: int = 0  # places taken by demo families
    waiting: int = 0  # demo children on the waiting list after the places are gone
    lottery: bool = False
    priority_own_school: bool = False
    priority_wijken: tuple[str, ...] = ()
    parent_child: str = ""  # which child of parent@demo.test enrols, after the demo families
    offer: bool = False  # a demo family cancels, so the first one waiting gets an offer
    bring: str = ""  # what to bring, in the mails and on the activity page


_t = dt.time  # _t(15, 30): the specs below stay on one line each


ACTIVITIES = [
    ActivitySpec(
        "Voetbal op het plein", "99ZA", "sport", (3, 8), 12, 2, (_t(14), _t(15, 30)),
        "Elke woensdag samen voetballen op het schoolplein, met een trainer van de club.",
        fill=10, priority_wijken=("Poelenburg",), parent_child="Sem",
        bring="Sportkleren, voetbalschoenen en een fles water",
    ),
    ActivitySpec(
        "Theater en drama", "99ZA", "culture", (5, 8), 10, 0, (_t(15, 15), _t(16, 30)),
        "Spelen, verhalen maken en aan het eind een voorstelling voor de ouders.",
        fill=10, waiting=2, parent_child="Sem",
    ),
    ActivitySpec(
        "Streetdance", "99ZA", "culture", (4, 8), 12, 4, (_t(15, 30), _t(17)),
        "Dansen op je eigen muziek, met dansers uit de buurt.",
        venue=HUB, fill=12, parent_child="Sem", offer=True, bring="Sportschoenen",
    ),
    ActivitySpec(
        "Robots bouwen", "99ZB", "technology", (5, 8), 12, 1, (_t(15), _t(16, 30)),
        "Bouw en programmeer je eigen robot.", fill=4,
    ),
    ActivitySpec(
        "Natuurspeurtocht", "99ZB", "nature", (3, 6), 14, 4, (_t(13, 30), _t(15)),
        "Op zoek naar dieren en planten in het park.", fill=5,
    ),
    ActivitySpec(
        "Koken met de buurt", "99ZC", "cooking", (6, 8), 8, 3, (_t(15), _t(16, 30)),
        "Samen gezond koken en daarna samen eten.", fill=3,
    ),
    ActivitySpec(
        "Huiswerkklas", "99ZF", "homework", (1, 3), 15, 3, (_t(15, 30), _t(17)),
        "Rustig je huiswerk maken, met hulp van studenten.",
        venue=HUB, fill=6, parent_child="Yara",
    ),
    ActivitySpec(
        "Kickboksen", "99ZF", "sport", (1, 4), 12, 1, (_t(16), _t(17, 30)),
        "Kickboksen met respect: techniek, conditie en zelfbeheersing.",
        venue=HUB, fill=11,
    ),
    ActivitySpec(
        "Muziekstudio", "99ZF", "culture", (1, 6), 10, 0, (_t(15), _t(16, 30)),
        "Maak je eigen beats en nummers in een echte studio. Er wordt geloot.",
        fill=14, lottery=True, priority_own_school=True,
        priority_wijken=("Poelenburg", "Peldersveld"), parent_child="Yara",
    ),
    ActivitySpec(
        "Game design", "99ZG", "technology", (1, 3), 16, 2, (_t(14), _t(16)),
        "Ontwerp en bouw je eigen computerspel.", fill=7,
    ),
]  # fmt: skip

FAMILY_NAMES = [
    ("Yilmaz", "Emre", "Elif"), ("El Idrissi", "Adam", "Salma"), ("de Boer", "Lucas", "Julia"),
    ("Bakker", "Finn", "Tess"), ("Kaya", "Mert", "Zeynep"), ("Mohan", "Ravi", "Anjali"),
    ("Visser", "Daan", "Lotte"), ("Benali", "Ilias", "Nour"), ("Smit", "Jesse", "Fenna"),
    ("Öztürk", "Kerem", "Defne"), ("Mulder", "Thijs", "Sara"), ("Ahmadi", "Omar", "Mariam"),
    ("de Jong", "Milan", "Evi"), ("Pinas", "Jayden", "Shanaya"), ("Meijer", "Luuk", "Isa"),
    ("Bouzid", "Yassin", "Hiba"), ("Koster", "Bram", "Roos"), ("Nowak", "Jakub", "Zofia"),
    ("Hassan", "Amir", "Leila"), ("Vos", "Sam", "Noa"),
]  # fmt: skip
PO_BRINS = ["99ZA", "99ZB", "99ZC", "99ZD", "99ZE"]
VO_BRINS = ["99ZF", "99ZG", "99ZH"]


# Local Heroes

HERO_TOPICS = [
    "Weerbaarheid",
    "Sport en gezondheid",
    "Geld en schulden",
    "Social media",
    "Werk en stage",
    "Groepsdruk",
]


@dataclass(frozen=True)
class HeroSpec:
    email: str
    name: str
    topics: tuple[str, ...]
    languages: tuple[str, ...]
    home: str
    visits: tuple[str, ...]
    windows: tuple[tuple[int, int, int], ...]  # weekday, from hour, until hour
    vog_days: int | None  # VOG valid until today + this many days; None: no VOG yet
    vr_trained: bool = False
    story: str = ""


# hero@demo.test comes first; then about a dozen others who cannot log in.
HEROES = [
    HeroSpec(
        "hero@demo.test", "Dennis Bakker", ("Weerbaarheid", "Groepsdruk", "Werk en stage"),
        ("nl", "tr"), "Poelenburg", ("Poelenburg", "Peldersveld"), ((1, 13, 17), (3, 13, 17)),
        700, vr_trained=True,
        story="Ik groeide op in Poelenburg en werk nu als beveiliger. Ik vertel over keuzes "
        "maken, nee durven zeggen en wat je doet als vrienden je de verkeerde kant op trekken.",
    ),
    HeroSpec("hero.samira@demo.test", "Samira Amrani", ("Social media", "Groepsdruk"),
             ("nl", "ar", "ber"), "Peldersveld", ("Peldersveld", "Poelenburg"),
             ((0, 13, 16), (2, 9, 12)), 900, vr_trained=True),
    HeroSpec("hero.kemal@demo.test", "Kemal Demir", ("Sport en gezondheid", "Weerbaarheid"),
             ("nl", "tr"), "Kogerveld", ("Kogerveld", "Poelenburg"), ((1, 9, 12), (4, 13, 16)),
             -30),  # expired VOG
    HeroSpec("hero.shanice@demo.test", "Shanice Martina", ("Geld en schulden", "Werk en stage"),
             ("nl", "pap", "en"), "Zaandam-Zuid", ("Zaandam-Zuid", "Peldersveld"),
             ((2, 13, 17),), 40),  # expires within 60 days
    HeroSpec("hero.youssef@demo.test", "Youssef Bouali", ("Werk en stage",), ("nl", "ar"),
             "Poelenburg", ("Poelenburg",), ((3, 9, 15),), None),  # no VOG yet
    HeroSpec("hero.lisa@demo.test", "Lisa de Groot", ("Sport en gezondheid",), ("nl", "en"),
             "Westerwatering", ("Westerwatering", "Rosmolenwijk"), ((0, 9, 12), (2, 13, 16)),
             800, vr_trained=True),
    HeroSpec("hero.mustafa@demo.test", "Mustafa Yildiz", ("Geld en schulden", "Groepsdruk"),
             ("nl", "tr"), "Poelenburg", ("Poelenburg", "Kogerveld"), ((4, 9, 12),),
             50),  # expires within 60 days
    HeroSpec("hero.naima@demo.test", "Naima Ouali", ("Social media", "Weerbaarheid"),
             ("nl", "ber", "ar"), "Peldersveld", ("Peldersveld",), ((1, 13, 16), (3, 9, 12)),
             1000),
    HeroSpec("hero.rick@demo.test", "Rick Jansen", ("Sport en gezondheid", "Werk en stage"),
             ("nl",), "Wormerveer", ("Wormerveer", "Kogerveld"), ((2, 9, 15),), 600,
             vr_trained=True),
    HeroSpec("hero.esther@demo.test", "Esther Boateng", ("Geld en schulden", "Social media"),
             ("nl", "en"), "Zaandam-Zuid", ("Zaandam-Zuid", "Rosmolenwijk"),
             ((0, 13, 17), (3, 13, 17)), 400),
    HeroSpec("hero.jurgen@demo.test", "Jurgen Rosalia", ("Weerbaarheid", "Sport en gezondheid"),
             ("nl", "pap"), "Saendelft", ("Saendelft", "Westerwatering"), ((4, 13, 16),), 750),
    HeroSpec("hero.hatice@demo.test", "Hatice Kaya", ("Groepsdruk", "Social media"),
             ("nl", "tr", "en"), "Kogerveld", ("Kogerveld", "Poelenburg"), ((1, 9, 12),), 950),
    HeroSpec("hero.bas@demo.test", "Bas Visser", ("Werk en stage", "Geld en schulden"),
             ("nl",), "Rosmolenwijk", ("Rosmolenwijk",), ((2, 13, 16), (4, 9, 12)), 650,
             vr_trained=True),
]  # fmt: skip


# VR kits of Zaanstad: (name, headsets, home venue).
KITS = [("VR-kit Noord", 15, HUB), ("VR-kit Zuid", 12, None)]


@dataclass(frozen=True)
class RequestSpec:
    brin: str
    group: str
    kind: str
    topic: str | None
    weekday: int  # the preferred windows fall on the next school days with this weekday
    hours: tuple[int, int]
    language: str = "nl"
    notes: str = ""


# hero@demo.test (Dennis) is the only VR-trained hero free on Tuesdays: the first request is
# offered to him. The Somali one finds nobody, so the board shows a reason.
SESSION_REQUESTS = [
    RequestSpec("99ZF", "2A", "vr", "Groepsdruk", 1, (13, 16),
                notes="Graag in het lokaal met de grote tafels."),
    RequestSpec("99ZA", "Groep 7", "hero", "Social media", 0, (13, 16)),
    RequestSpec("99ZA", "Groep 8", "hero", "Werk en stage", 3, (9, 12)),
    RequestSpec("99ZD", "Groep 6", "hero", "Sport en gezondheid", 2, (9, 12)),
    RequestSpec("99ZH", "3A", "hero", "Geld en schulden", 0, (13, 16)),
    RequestSpec("99ZG", "1B", "vr", None, 2, (9, 12)),
    RequestSpec("99ZB", "Groep 5", "hero", "Weerbaarheid", 4, (9, 12), language="so",
                notes="Veel ouders spreken Somalisch; een held die dat spreekt zou mooi zijn."),
]  # fmt: skip
