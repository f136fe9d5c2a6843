"""The demo's past: what happened this school year before today, for the steering figures.

`demo.builders.history` reads these specs; nothing here builds anything. Every name is
fictional; children have a first name only, as the programme keeps no more.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from demo.data import HUB, HeroSpec

# Children of the demo's families, by school: more in the target neighbourhoods (De
# Zaanvogel in Poelenburg, De Regenboog in Peldersveld). Their grades: groep 3-8 in primary,
# leerjaar 1-3 in secondary school.
CHILDREN_PER_SCHOOL = {
    "99ZA": 56, "99ZB": 48, "99ZC": 22, "99ZD": 22, "99ZE": 22,
    "99ZF": 40, "99ZG": 22, "99ZH": 24,
    "99AM": 28, "99AN": 24, "99AP": 24,
}  # fmt: skip
GRADES = {"po": (3, 8), "vo": (1, 3)}
SIBLING_SHARE = 0.25  # families with a second child at the same school
LIVES_NEAR_SCHOOL = {"po": 0.8, "vo": 0.5}  # the rest lives in another neighbourhood

FIRST_NAMES = [
    "Noah", "Sem", "Liam", "Lucas", "Daan", "Finn", "Levi", "Luuk", "Mees", "Milan", "Bram",
    "Jesse", "Thijs", "Tygo", "Sven", "Ruben", "Gijs", "Teun", "Stijn", "Hugo", "Olivier",
    "Emma", "Julia", "Mila", "Sophie", "Tess", "Zoë", "Nora", "Eva", "Liv", "Lotte", "Fenna",
    "Roos", "Saar", "Anna", "Evi", "Lieke", "Isa", "Noor", "Fleur", "Femke", "Maud",
    "Adam", "Ayoub", "Ilyas", "Yassin", "Mohammed", "Rayan", "Zakaria", "Anas", "Bilal",
    "Hamza", "Amine", "Soufian", "Aya", "Nour", "Salma", "Malak", "Hiba", "Imane", "Yasmina",
    "Ikram", "Khadija", "Lina", "Rania", "Emir", "Kerem", "Yusuf", "Ömer", "Mert", "Eren",
    "Burak", "Arda", "Elif", "Zeynep", "Defne", "Eylül", "Ecrin", "Azra", "Meryem", "Esra",
    "Jayden", "Dylan", "Giovanni", "Romano", "Quincy", "Shanaya", "Naomi", "Kayleigh",
    "Ashanti", "Dewi", "Jakub", "Kacper", "Szymon", "Filip", "Wiktor", "Zofia", "Zuzanna",
    "Maja", "Hanna", "Lena", "Omar", "Ahmad", "Karim", "Yonas", "Abdi", "Faisal", "Ali",
    "Mariam", "Leila", "Huda", "Amira", "Selam", "Hodan", "Fatima", "Sumaya", "Arjun",
    "Rohan", "Wei", "Priya", "Anika", "Mei", "Maksym", "Bohdan", "Sofiia", "Daryna",
]  # fmt: skip
SURNAMES = [
    "de Vries", "Jansen", "de Jong", "Bakker", "Visser", "Smit", "Meijer", "de Boer",
    "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Dijk", "Dekker", "Brouwer",
    "Kok", "Jacobs", "de Wit", "El Amrani", "Bouzid", "Ouali", "Benali", "El Idrissi",
    "Azzouz", "Chaouch", "Haddouchi", "Yilmaz", "Kaya", "Demir", "Şahin", "Çelik", "Aydin",
    "Öztürk", "Arslan", "Doğan", "Pinas", "Martina", "Sedney", "Rosalia", "Ramdin", "Nowak",
    "Kowalski", "Wiśniewski", "Hassan", "Ahmadi", "Haile", "Tesfay", "Warsame", "Rahimi",
    "Singh", "Chen", "Nguyen", "Kovalenko", "Boateng", "Mensah", "Osei",
]  # fmt: skip


@dataclass(frozen=True)
class PastActivitySpec:
    """An activity of the past term. `block` is "first" (from the start of the school year
    to the autumn holiday, as things stand today), "second" (the block after it, up to last
    week) or "whole" (both). `demand` is how many children asked per place."""

    title: str
    brin: str
    category: str
    grades: tuple[int, int]
    capacity: int
    weekday: int
    hours: tuple[dt.time, dt.time]
    description: str
    block: str
    demand: float
    venue: str = ""
    lottery: str = ""  # the name of its lottery round; activities naming one are drawn together
    priority_own_school: bool = False
    priority_wijken: tuple[str, ...] = ()
    bring: str = ""


_t = dt.time

PAST_ACTIVITIES = [
    # Zaanstad
    PastActivitySpec(
        "Judo voor beginners", "99ZA", "sport", (4, 8), 14, 0, (_t(15), _t(16)),
        "Vallen, rollen en stoeien volgens de regels, met een judoleraar uit Poelenburg.",
        "first", 1.5, bring="Een joggingbroek en een T-shirt",
    ),
    PastActivitySpec(
        "Knutselclub", "99ZA", "culture", (3, 6), 12, 2, (_t(13, 30), _t(15)),
        "Elke week iets nieuws maken: van papier, klei of hout.", "whole", 1.3,
    ),
    PastActivitySpec(
        "Circus op school", "99ZA", "culture", (5, 8), 12, 1, (_t(15), _t(16, 30)),
        "Jongleren, balanceren en acrobatiek, met een echte circusdocent. Er wordt geloot.",
        "first", 1.8, lottery="Loting najaar De Zaanvogel", priority_own_school=True,
        priority_wijken=("Poelenburg",),
    ),
    PastActivitySpec(
        "Schaakclub", "99ZA", "other", (5, 8), 10, 3, (_t(15), _t(16)),
        "Leren schaken en elke week een toernooi tegen elkaar. Er wordt geloot.",
        "first", 1.5, lottery="Loting najaar De Zaanvogel", priority_own_school=True,
        priority_wijken=("Poelenburg",),
    ),
    PastActivitySpec(
        "Voetbal na school", "99ZA", "sport", (5, 8), 16, 4, (_t(13, 30), _t(15)),
        "Partijtjes en oefeningen op het veld achter de school.", "second", 1.2,
        bring="Sportkleren en een fles water",
    ),
    PastActivitySpec(
        "Huiswerkhulp groep 7 en 8", "99ZB", "homework", (7, 8), 15, 1, (_t(15), _t(16, 30)),
        "Hulp bij rekenen, taal en je spreekbeurt, met vrijwilligers uit de buurt.",
        "whole", 0.9,
    ),
    PastActivitySpec(
        "Dansen in de aula", "99ZB", "culture", (3, 6), 16, 3, (_t(15), _t(16)),
        "Dansen op muziek uit alle landen van de klas.", "first", 1.3,
    ),
    PastActivitySpec(
        "Moestuinclub", "99ZB", "nature", (4, 8), 12, 4, (_t(13, 30), _t(15)),
        "Zaaien, wieden en oogsten in de schooltuin.", "first", 1.0,
        bring="Kleren die vies mogen worden",
    ),
    PastActivitySpec(
        "Lego-robots", "99ZB", "technology", (5, 8), 12, 0, (_t(15), _t(16, 30)),
        "Bouwen met Lego en de robot laten rijden met een tablet.", "second", 1.5,
    ),
    PastActivitySpec(
        "Samen bakken", "99ZC", "cooking", (5, 8), 8, 2, (_t(14), _t(15, 30)),
        "Brood, koekjes en pizza bakken, en daarna samen opeten.", "first", 1.4,
    ),
    PastActivitySpec(
        "Tekenen en schilderen", "99ZC", "culture", (3, 8), 12, 1, (_t(15), _t(16)),
        "Tekenen, schilderen en aan het eind een tentoonstelling in de hal.", "second", 0.9,
    ),
    PastActivitySpec(
        "Basketbal", "99ZD", "sport", (5, 8), 14, 3, (_t(15, 15), _t(16, 15)),
        "Dribbelen, passen en scoren in de gymzaal.", "whole", 1.1,
    ),
    PastActivitySpec(
        "Natuurclub", "99ZE", "nature", (3, 6), 12, 0, (_t(15), _t(16)),
        "Op pad in het park: bomen, vogels en beestjes in de sloot.", "first", 1.0,
    ),
    PastActivitySpec(
        "Programmeren met Scratch", "99ZE", "technology", (6, 8), 12, 2, (_t(13, 30), _t(15)),
        "Je eigen spelletje maken op de computer.", "second", 1.2,
    ),
    PastActivitySpec(
        "Huiswerkbegeleiding", "99ZF", "homework", (1, 3), 20, 0, (_t(15, 30), _t(17)),
        "Samen plannen en huiswerk maken, met hulp van studenten.", "whole", 1.0, venue=HUB,
    ),
    PastActivitySpec(
        "Fitness en boksen", "99ZF", "sport", (1, 3), 14, 3, (_t(16), _t(17, 30)),
        "Conditie, kracht en bokstechniek, met een trainer van de sporthal.", "first", 1.4,
        venue="Sporthal Kogerveld", bring="Sportkleren en een handdoek",
    ),
    PastActivitySpec(
        "Fotografie", "99ZF", "culture", (1, 3), 10, 1, (_t(15, 30), _t(17)),
        "Foto's maken in de wijk en ze samen bespreken.", "second", 1.2,
    ),
    PastActivitySpec(
        "Brommers sleutelen", "99ZG", "technology", (1, 3), 10, 2, (_t(14), _t(16)),
        "Een oude brommer uit elkaar halen en weer laten rijden.", "whole", 1.3,
    ),
    PastActivitySpec(
        "Debatclub", "99ZH", "other", (1, 3), 12, 1, (_t(15, 30), _t(16, 30)),
        "Leren je mening te geven en naar die van een ander te luisteren.", "first", 0.9,
    ),
    PastActivitySpec(
        "Zaalvoetbal", "99ZH", "sport", (1, 3), 16, 4, (_t(15), _t(16, 30)),
        "Elke vrijdag een toernooitje in de sporthal van de school.", "whole", 1.2,
    ),
    # Amsterdam
    PastActivitySpec(
        "Voetbal in de kooi", "99AM", "sport", (4, 8), 14, 2, (_t(13, 30), _t(15)),
        "Voetballen in de kooi op het plein, met een trainer van de buurtsport.", "whole", 1.2,
    ),
    PastActivitySpec(
        "Kinderkoor", "99AM", "culture", (3, 8), 16, 3, (_t(15), _t(16)),
        "Samen zingen en een optreden voor de kerst oefenen.", "first", 1.0,
    ),
    PastActivitySpec(
        "Techniekclub", "99AN", "technology", (5, 8), 12, 1, (_t(15), _t(16, 30)),
        "Solderen, bouwen en uitvinden, met een techniekdocent.", "first", 1.3,
    ),
    PastActivitySpec(
        "Toneelclub", "99AN", "culture", (4, 8), 12, 0, (_t(15), _t(16, 15)),
        "Spelen, improviseren en een voorstelling maken.", "second", 1.1,
    ),
    PastActivitySpec(
        "Huiswerkclub", "99AP", "homework", (1, 3), 18, 1, (_t(15, 30), _t(17)),
        "Rustig werken aan je huiswerk, met hulp bij plannen.", "whole", 1.0,
    ),
    PastActivitySpec(
        "Basketbal op het plein", "99AP", "sport", (1, 3), 14, 3, (_t(16), _t(17, 30)),
        "Streetbasketbal met een trainer uit de buurt.", "second", 1.2,
    ),
]  # fmt: skip

# How a term goes, as shares and chances (each activity draws its own from these).
OWN_SCHOOL_SHARE = 0.85  # applicants from the activity's school; at a venue half
CANCELS_BEFORE_START = (0, 0, 1, 1, 2)  # places given back before the first session
DROP_OUTS = (0, 1, 1, 2)  # children who stop after the first session
OFFER_OUTCOMES = (("accept", 0.8), ("decline", 0.12), ("expire", 0.08))
LATE_JOINERS = (0, 1, 2)  # when places are left: children who join after the start
# A child's chance to be there, drawn once per enrolment; the rest is excused or absent.
PRESENCE = (0.96, 0.96, 0.95, 0.93, 0.9, 0.88, 0.85, 0.8, 0.7)
EXCUSED_SHARE = 0.6  # of the sessions missed; the others are absent without a word
NOTICE_SHARE = 0.7  # of the excused sessions, the family told beforehand ("afmelden")
ABSENCE_REASONS = ["Ziek", "Naar de tandarts", "Familiebezoek", "Zwemles", "", ""]
SESSION_CANCEL_CHANCE = 0.1  # per activity: one session did not go ahead
SESSION_CANCEL_REASONS = [
    "De begeleider is ziek.",
    "De zaal was niet beschikbaar.",
    "Het veld is afgekeurd na de regen.",
]

# Local Heroes and VR: each hero's chance per week to make a visit (within their monthly
# limit), the share of VR sessions for trained heroes, and offers declined first.
VISIT_CHANCE = 0.7
VR_SHARE = 0.4
DECLINED_FIRST = 0.15
OTHER_LANGUAGE_SHARE = 0.15  # a school asks for a hero's other language than Dutch
DECLINE_REASONS = [
    "Ik moet die dag werken.",
    "Ik ben die week op vakantie.",
    "Mijn kind is ziek, ik kan niet weg.",
    "Die school is op die tijd te ver voor mij.",
    "Ik heb die dag al een afspraak.",
]
REQUEST_NOTES = [
    "Graag na de pauze.",
    "De klas heeft net een project over dit onderwerp gehad.",
    "Er zitten een paar nieuwkomers in de klas.",
    "Graag in het lokaal met het digibord.",
]

AMSTERDAM_HEROES = [
    HeroSpec("hero.ayoub@demo.test", "Ayoub El Khattabi", ("Weerbaarheid", "Werk en stage"),
             ("nl", "ar"), "Slotervaart", ("Slotervaart", "Osdorp"), ((1, 9, 12), (3, 13, 16)),
             800, vr_trained=True),
    HeroSpec("hero.marieke@demo.test", "Marieke Hoekstra", ("Social media", "Groepsdruk"),
             ("nl", "en"), "Bos en Lommer", ("Bos en Lommer", "Slotervaart"),
             ((0, 13, 16), (2, 9, 12)), 45),  # expires within 60 days
    HeroSpec("hero.tarik@demo.test", "Tarik Aydin", ("Sport en gezondheid", "Weerbaarheid"),
             ("nl", "tr"), "Osdorp", ("Osdorp", "Bos en Lommer"), ((2, 13, 16), (4, 9, 12)),
             600, vr_trained=True),
    HeroSpec("hero.gloria@demo.test", "Gloria Mensah", ("Geld en schulden", "Werk en stage"),
             ("nl", "en"), "Slotervaart", ("Slotervaart",), ((1, 13, 16),), 500),
]  # fmt: skip
AMSTERDAM_KITS = [("VR-kit West", 15, None)]


@dataclass(frozen=True)
class OpenRequestSpec:
    """A request still open today, and why the matching engine finds no one for it.

    `reason` is the engine's code (scheduler.matching.model) for how things stand; `offers`
    were made and came to nothing: (hero email, "declined" or "expired"). With `past` its
    preferred times were on the last two such weekdays, else on the next two."""

    municipality: str
    brin: str
    group: str
    kind: str
    topic: str | None
    weekday: int
    hours: tuple[int, int]
    reason: str
    language: str = "nl"
    notes: str = ""
    past: bool = False
    offers: tuple[tuple[str, str], ...] = ()


OPEN_REQUESTS = [
    # Rick let his offer expire and Samira could not; nobody else is free on Wednesday
    # mornings, and now both times have passed: the school should pick new ones.
    OpenRequestSpec("zaanstad", "99ZD", "Groep 8", "hero", "Werk en stage", 2, (9, 12),
                    "window_past", past=True,
                    offers=(("hero.rick@demo.test", "expired"),
                            ("hero.samira@demo.test", "declined"))),
    OpenRequestSpec("zaanstad", "99ZB", "Groep 6", "hero", "Weerbaarheid", 3, (9, 12),
                    "no_hero_available", language="ti",
                    notes="Een paar kinderen zijn net in Nederland en spreken nog weinig "
                    "Nederlands."),
    # Only Kemal speaks Turkish on Friday afternoons, and his VOG has expired.
    OpenRequestSpec("zaanstad", "99ZF", "2A", "hero", "Groepsdruk", 4, (13, 16),
                    "no_valid_vog", language="tr"),
    # Only Jurgen speaks Papiamento on Friday afternoons, and he said no.
    OpenRequestSpec("zaanstad", "99ZC", "Groep 7", "hero", "Geld en schulden", 4, (13, 16),
                    "all_candidates_excluded", language="pap",
                    offers=(("hero.jurgen@demo.test", "declined"),)),
    # On Friday afternoons no VR-trained hero is free.
    OpenRequestSpec("zaanstad", "99ZG", "1A", "vr", None, 4, (13, 16),
                    "no_vr_trained_hero"),
    OpenRequestSpec("amsterdam", "99AN", "Groep 5", "hero", "Social media", 0, (13, 16),
                    "no_hero_available", language="uk",
                    notes="Veel kinderen in deze groep komen uit Oekraïne."),
]  # fmt: skip
