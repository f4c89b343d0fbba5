"""A wall config with the longest content a team might write, in German: to show the fitting holds.

    python tests/long_content.py FOLDER   # writes the config to FOLDER (for screenshots by hand)

Six personas with long names, roles and lists; one journey of nine stages
with long items; nine actions with long titles and owners, linked to its
stages; long German compounds, one longer than any column; and
`language: de`, so the wall's own words are German too.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import yaml

TEST_CONFIG_DIR = Path(__file__).resolve().parent / "fixtures" / "config"

# Longer than any journey column or persona card is wide: the browser breaks it anywhere.
LONGEST_WORD = "Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz"

NAMES = ["Maximiliane Oberhofer-Schwarzenbach", "Friedrich-Wilhelm von Hohenzollern-Sigmaringen",
         "Anneliese Großkopf-Ungerer", "Bartholomäus Schimmelpfennig", "Konstanze Würzburger-Eichhorn",
         "Jürgen Zwölfhundertachtzig"]
ROLES = ["Stellvertretende Laborleiterin für Qualitätssicherung und Gerätebetreuung, Nachtschicht",
         "Oberarzt der Pathologie mit Zuständigkeit für Befundübermittlung an alle Stationen",
         "Medizinisch-technische Laboratoriumsassistentin im Bereitschaftsdienst am Wochenende",
         "Informationssicherheitsbeauftragter und Datenschutzkoordinator der Klinikverwaltung",
         "Einkaufsleiterin für Verbrauchsmaterialien, Reagenzien und Wartungsverträge",
         "Auszubildender Fachinformatiker für Systemintegration im dritten Lehrjahr"]
QUOTE = ("Wenn der Analysator um drei Uhr morgens stehen bleibt, warten die Proben bis zum Morgen, und "
         "die Stationen rufen alle zehn Minuten an, um zu fragen, wann die Befunde endlich kommen werden.")
ITEMS = ["Jede Probe noch in der Nacht bearbeiten, in der sie im Labor eintrifft, ohne Rückstau",
         "Eine Telefonnummer, unter der nachts tatsächlich jemand mit Gerätekenntnissen abhebt",
         "Datenschutzfolgenabschätzungsverfahren ohne wochenlange Abstimmungsschleifen",
         "Rückmeldung, sobald die Störungsbehebung begonnen hat, statt Funkstille"]
CHANNELS = ["Telefon-Hotline", "Selbstbedienungsportal", "E-Mail", "Vor-Ort-Sprechstunde", "Microsoft Teams"]
STAGES = ["Probenverarbeitungsunterbrechung festgestellt", "Störungsmeldung über die Bereitschaftsnummer",
          "Fernwartungssitzung mit dem Gerätehersteller", "Ersatzteilbeschaffung über den Großhändler",
          "Wiederinbetriebnahme und Kalibrierungsüberprüfung", "Nachmessung der zurückgestellten Proben",
          "Befundübermittlung an die anfordernden Stationen", "Nachbesprechung mit der Laborleitung",
          "Zufriedenheitsbefragung nach Ticketabschluss"]


def personas() -> list[dict]:
    return [{"id": f"person-{number}", "name": name, "role": role, "quote": QUOTE,
             "goals": ITEMS, "frustrations": ITEMS[1:] + [LONGEST_WORD], "needs": ITEMS[::-1],
             "channels": CHANNELS}
            for number, (name, role) in enumerate(zip(NAMES, ROLES), start=1)]


def journeys() -> list[dict]:
    stages = [{"name": name, "emotion": (number % 5) - 2,
               "actions": [ITEMS[number % 4]] + ([LONGEST_WORD] if number == 4 else []),
               "touchpoints": CHANNELS[number % 3:number % 3 + 2],
               "pain_points": ITEMS[1:2] if number % 2 else [], "opportunities": [] if number % 2 else ITEMS[3:],
               "services": ["analysers", "lims"] if number % 2 else ["lims"]}
              for number, name in enumerate(STAGES)]
    return [{"id": "nacht-stoerung", "title": "Der Analysator bleibt nachts stehen", "persona": "person-1", "stages": stages}]


# Titles up to the 120 characters actions.yaml allows, owners up to 60.
ACTION_TITLES = ["Bereitschaftsdienst mit Gerätekenntnissen für jede Nacht einschließlich Wochenenden und Feiertagen",
                 "Automatische Befundübermittlung an die anfordernden Stationen unmittelbar nach der Freigabe",
                 "Ersatzteillager für die häufigsten Verschleißteile direkt im Labor statt beim Großhändler",
                 "Rückruf innerhalb von fünfzehn Minuten nach jeder nächtlichen Störungsmeldung mit Zwischenstand",
                 LONGEST_WORD + " endlich umsetzen"]
OWNERS = ["Maximiliane Oberhofer-Schwarzenbach und Konstanze Würzburger", "Jürgen Zwölfhundertachtzig"]


def actions() -> list[dict]:
    """Nine actions: most answer the lab information system's gap, some none; doing, planned and done, some
    overdue, each linked to a stage of the long journey."""
    statuses = ["doing", "planned", "done"]
    found = []
    for number in range(9):
        status = statuses[number % 3]
        found.append({"id": f"massnahme-{number}", "title": ACTION_TITLES[number % len(ACTION_TITLES)],
                      "owner": OWNERS[number % 2], "status": status,
                      **({"started": "2024-01-08"} if status != "planned" else {}),
                      "due": "2024-03-01" if number % 2 else "2030-12-31",
                      **({"done": "2024-02-02"} if status == "done" else {}),
                      "links": {"service": "lims" if number < 6 else "analysers", "journey": "nacht-stoerung",
                                "stage": STAGES[number % len(STAGES)]}})
    return found


def write_long_config(folder: Path, source: Path = TEST_CONFIG_DIR) -> Path:
    """The config in `source` (the tests' own, or one the browser driver prepared) with long German
    personas and journey, into `folder`."""
    if folder.resolve() != source.resolve():
        shutil.copytree(source, folder)
    for name, data in (("personas.yaml", {"personas": personas()}), ("journeys.yaml", {"journeys": journeys()}),
                       ("actions.yaml", {"actions": actions()})):
        (folder / name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with (folder / "wall.yaml").open("a", encoding="utf-8") as wall_yaml:
        wall_yaml.write("language: de\n")
    return folder


if __name__ == "__main__":
    write_long_config(Path(sys.argv[1]))
