"""The personas panel: the cards a viewer reads, and how personas share pages.

Rendered without a browser: the tests walk the component tree for the text a
viewer would see and the images they would get.
"""

from __future__ import annotations

import dataclasses

from dash import dcc, html

from layouts import personas
from layouts.components import Screen
from obeya.config import Persona
from tests.component_tree import components, texts

SCREEN = Screen(scale=1.0, theme="dark")


def cards(page) -> list:
    return [c for c in components(page) if isinstance(c, html.Article)]


def persona(number: int, **fields) -> Persona:
    base = dict(id=f"p{number}", name=f"Person {number}", role="Colleague", quote=f"Quote number {number}.",
                goals=[f"Goal of {number}"], frustrations=[f"Frustration of {number}"], needs=[f"Need of {number}"],
                channels=["Chat"])
    return Persona(**{**base, **fields})


def with_personas(config, *people: Persona):
    return dataclasses.replace(config, personas=tuple(people))


def test_every_persona_card_shows_name_role_quote_lists_and_channels(test_config):
    pages = personas.render(test_config, None, SCREEN)

    assert len(pages) == 1
    assert len(cards(pages[0])) == 3
    words = texts(pages[0])
    for expected in ("Ana Costa", "Lab technician, night shift",
                     "A frozen analyser at 3 a.m. means samples waiting until morning.",
                     "Run every sample the night it arrives", "Nobody on call who knows the analysers",
                     "A number that answers at night", "Phone", "Ben Okafor", "E-mail", "Portal", "Chen Wei",
                     "Goals", "Frustrations", "Needs"):
        assert expected in words


def test_a_persona_without_lists_shows_no_empty_sections(test_config):
    chen = cards(personas.render(test_config, None, SCREEN)[0])[2]

    assert "Goals" not in texts(chen)
    assert "Reports must reach the ward, not a printer nobody checks." in texts(chen)


def test_four_personas_share_one_page(test_config):
    pages = personas.render(with_personas(test_config, *(persona(n) for n in range(1, 5))), None, SCREEN)

    assert len(pages) == 1
    assert len(cards(pages[0])) == 4


def test_five_personas_make_two_balanced_pages(test_config):
    config = with_personas(test_config, *(persona(n) for n in range(1, 6)))

    pages = personas.render(config, None, SCREEN)

    assert [len(cards(page)) for page in pages] == [3, 2]
    assert "personas 1\u20133 of 5" in texts(pages[0])
    assert "personas 4\u20135 of 5" in texts(pages[1])
    assert "Person 5" in texts(pages[1])


def test_long_lists_show_three_and_say_how_many_more(test_config):
    many = persona(1, goals=[f"Goal {n}" for n in range(1, 8)])

    words = texts(personas.render(with_personas(test_config, many), None, SCREEN)[0])

    assert ["Goal 1", "Goal 2", "Goal 3"] == [w for w in words if w.startswith("Goal ")]
    assert "+4 more" in words


def test_a_wordy_persona_shows_fewer_bullets_or_gets_a_wider_card_and_every_card_fits(test_config):
    wordy = persona(5, role="Head nurse on the cardiology ward, night and weekend shifts",
                    quote="A very long quote that goes on and on about everything that went wrong. " * 3,
                    goals=["A goal that is written as a full and rather long sentence indeed"] * 5,
                    frustrations=["A frustration that is also written as a long sentence"] * 3,
                    needs=["A need explained at length, with several clauses"] * 3,
                    channels=["Chat", "Phone", "E-mail", "Portal", "Walk-in"])
    people = (persona(1), persona(2), persona(3), persona(4), wordy)

    pages = personas.pages_of(people)

    assert len(pages) == 2
    caps = {card.persona.id: card.cap for page in pages for card in page.cards}
    assert caps["p1"] == 3
    for page in pages:
        for card in page.cards:
            assert card.height(page.columns) <= personas.grid_height()
    words = texts(personas.render(with_personas(test_config, *people), None, SCREEN))
    assert "Person 5" in words


def test_avatar_image_comes_from_the_config_folder_and_initials_stand_in_without_one(test_config):
    pictured = persona(1, name="Priya Raman", avatar="people/priya raman.png")
    plain = persona(2, name="Tom van Berger")

    page = personas.render(with_personas(test_config, pictured, plain), None, SCREEN)[0]

    images = [c for c in components(page) if isinstance(c, html.Img)]
    assert [image.src for image in images] == ["/config-file/people/priya%20raman.png"]
    assert "TB" in texts(page)


def test_channels_get_icons_and_keep_their_words():
    assert personas.channel_icon("Chat") == "bi-chat-dots-fill"
    assert personas.channel_icon("E-mail") == "bi-envelope-fill"
    assert personas.channel_icon("Walk-in") == "bi-person-walking"
    assert personas.channel_icon("Carrier pigeon") == "bi-chat-square-text-fill"


def test_yaml_text_is_shown_as_plain_text(test_config):
    sneaky = persona(1, name="<img src=x onerror=alert(1)>", quote="**bold** <b>quote</b>")

    page = personas.render(with_personas(test_config, sneaky), None, SCREEN)[0]

    assert "<img src=x onerror=alert(1)>" in texts(page)
    assert "**bold** <b>quote</b>" in texts(page)
    assert not any(isinstance(c, dcc.Markdown) for c in components(page))
