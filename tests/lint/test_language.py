"""Telling English notes from others, offline: the note's main language decides, short notes stay English."""

from __future__ import annotations

import pytest

from composer.lint import lint_text
from composer.lint.language import default_invitations, detect_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Hola Lucía, nos conocimos en la feria de empleo de la universidad. ¡Me encantaría seguir en contacto!", "es"),
        ("Olá Renata! Nos conhecemos no evento de carreira, eu perguntei sobre vagas para quem vem de outra área.", "pt"),
        ("Bonjour Julie, j'ai beaucoup aimé ton atelier sur la lecture partagée au congrès.", "fr"),
        ("Hallo Herr Becker, vielen Dank für das nette Gespräch auf der Messe in Hannover.", "de"),
        ("Ciao Giulia! Eravamo nello stesso gruppo di studio al Politecnico, che piacere ritrovarti qui.", "it"),
        ("Goedemiddag, ik ben een ervaren logistiek medewerker en op zoek naar een nieuwe uitdaging.", "nl"),
        ("Cześć Kasia, pracowałyśmy razem w dziale HR w Poznaniu. Miło cię tu znaleźć!", "pl"),
        ("Merhaba, İzmir'de tekstil sektöründe ağımı genişletiyorum. Tanışmak güzel olur.", "tr"),
        ("Hei Aino, tapasimme Tampereen data-tapaamisessa. Mukava tutustua!", "fi"),
        ("Sveiki, Jonai, mūsų įmonė Kaune plečia logistikos komandą, gal galėtume pasikalbėti apie bendradarbiavimą?", "lt"),
        ("Labdien, Ilze! Vēlos ar jums sazināties par projektu vadību būvniecībā.", "lv"),
        ("Dobrý deň, pani Nováková, rád by som sa s vami spojil ohľadom logistiky v Košiciach.", "sk"),
        ("Pozdravljeni, rad bi se povezal z vami, ker tudi jaz delam v energetiki.", "sl"),
        ("Namaste sir, main final year ka student hoon, aapke network se judna chahta hoon.", "hi"),
        ("नमस्ते, मैं आपको अपने प्रोफ़ेशनल नेटवर्क में जोड़ना चाहता हूँ।", "hi"),
        ("مرحبا، أنا مهندس مدني من القاهرة وأبحث عن فرصة عمل جديدة.", "ar"),
        ("Здравствуйте! Мы вместе учились в университете, рада вас здесь найти.", "ru"),
        ("Привіт, Тарасе! Ми познайомилися на конференції у Львові. Радий бачити тебе тут!", "uk"),
        ("先日の勉強会ではありがとうございました！とても参考になりました。", "ja"),
        ("您好，我是深圳一家跨境电商公司的运营，希望多认识朋友，互相交流！", "zh"),
        ("Hi Sofía, loved your talk at the Lima meetup on first jobs in tech.", "en"),
        ("hey saw ur post abt ai in radiology, rly liked the triage part", "en"),
        ("Yo.", "en"),
        ("Hi Sir, need guidance.", "en"),
        ("Ciao Paolo, we met at the Milan Design Week stand. Let's keep in touch!", "en"),
        ("Hi 张伟, great meeting you at the Shenzhen hardware meetup on Friday!", "en"),
    ],
)
def test_detects_the_main_language(text: str, language: str):
    assert detect_language(text) == language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # Long, no English stop word, and Turkish's list hits only a tenth of the words: still Turkish.
        (
            "Merhabalar Ayşe Hanım, Bursa'daki otomotiv yan sanayi firmamız kalite mühendisi arıyor: "
            "IATF 16949, PPAP, FMEA deneyimi, İngilizce. Görüşmeye açık mısınız?",
            "tr",
        ),
        # Telegraphic English has no stop words either, but no other list hits it.
        ("Senior Java devs wanted: Pune, hybrid, 25 LPA, immediate joiners, Spring Boot, Kafka, AWS, Docker. DM.", "en"),
        ("C2C only. Sr. Salesforce Developer, Dallas TX (hybrid 3 days), 12 months+. H1B transfer or GC. Rate 70/hr.", "en"),
    ],
)
def test_a_long_note_with_hardly_an_english_word_is_not_english(text: str, language: str):
    assert detect_language(text) == language


def test_a_note_in_another_language_is_not_judged_in_english():
    rules = {f.rule for f in lint_text("Hola, soy contador en Lima y me encantaría conectar con profesionales como tú.")}
    assert "not-english" in rules
    # The English phrase rules are skipped; Spanish is a judged language, so no-specifics and sales-pitch
    # may run on the classifier's scores (tests/test_judged_languages.py).
    assert not rules & {"no-greeting", "self-focus"}


@pytest.mark.parametrize(
    "text",
    [
        "Me gustaría añadirte a mi red profesional en LinkedIn.",
        "Gostaria de adicioná-lo à minha rede profissional no LinkedIn.",
        "Ich möchte Sie gerne zu meinem beruflichen Netzwerk auf LinkedIn hinzufügen.",
        "Vorrei aggiungerti alla mia rete professionale su LinkedIn.",
        "J’aimerais vous inviter à rejoindre mon réseau professionnel sur LinkedIn.",
        "Я хотел бы добавить вас в свою профессиональную сеть в LinkedIn.",
        "I’d like to add you to my professional network on LinkedIn.",
    ],
)
def test_linkedins_default_text_is_generic_in_any_language(text: str):
    assert default_invitations(text)
    assert "generic-phrase" in {f.rule for f in lint_text(text)}
