"""The hook finder (composer/lint/hooks.py) on invented notes: what ties a note to its recipient, and what does not.

These check the rules' evidence alone (`strongest_hook`), so they hold whatever the classifier scores.
"""

from __future__ import annotations

import pytest

from composer.lint.combine import NAMED, STATED
from composer.lint.context import Context
from composer.lint.hooks import find_hooks, sales_phrase_spans, strongest_hook
from composer.lint.keys import LINT_PIPE
from composer.lint.pipeline import get_pipeline


def context(text: str) -> Context:
    pipeline = get_pipeline()
    nlp = pipeline.nlp
    with nlp.select_pipes(disable=[LINT_PIPE]):
        doc = nlp(text)
    if pipeline.trained and "ner" in nlp.component_names:
        doc = nlp.get_pipe("ner")(doc)
    return Context(text=doc.text, doc=doc, limit=10_000, name=None, trained=pipeline.trained, scores=dict(doc.cats))


def hook_texts(text: str) -> list[str]:
    return [text[start:end] for start, end, _ in find_hooks(context(text))]


@pytest.mark.parametrize(
    "text",
    [
        "Hi Ada, I've also attended Kubernetes Community Days Lagos! Let's connect!",
        "Connecting with you via Outreachy 2023!",
        "a friend from Globex :)",
        "So glad you stopped by our booth at DevFest Accra. Looking forward to staying in touch!",
        "Lovely chatting with you at the Delft Career Fair today.",
        "I'm Tomas, Jana's brother. Could we chat about the role?",
        "I attended the Intro to Vector Search and RAG meetup on May 3rd.",
        "noticed your reply under Maria Lopez's post on supply chains. Would love to connect!",
    ],
)
def test_plain_hooks_are_stated(text: str):
    """Hooks in plain words: a shared event, a programme, a friend from somewhere, a visit, a relative."""
    assert strongest_hook(context(text)) == STATED


@pytest.mark.parametrize(
    ("text", "hook"),
    [
        # where the sender found them, when it is a named or shared place
        ("Hi Noor, I found your name on the Leeds Data Week speaker lineup and wanted to say hello.", STATED),
        ("Hi Tom, I came across your profile through our alumni directory; I'm a 2019 grad as well.", STATED),
        ("hey, spotted your profile in the Rustaceans Discord, small world!", STATED),
        ("Hi Ana, I've been following your newsletter since its third issue on seed pricing.", STATED),
        ("hi, found your LinkedIn profile on Priya's thread about Airflow retries, thanks for the tips", STATED),
        # where anyone finds anyone: no hook
        ("Hi Tom, I came across your profile through a search and would welcome a connection.", None),
        ("I found your profile on LinkedIn and would like to connect.", None),
        ("Hello, I saw your profile in my feed, please connect.", None),
        ("I've been following you since the beginning, would love to connect.", None),
    ],
)
def test_where_they_were_found_is_a_hook_only_when_it_names_a_place(text: str, hook: str | None):
    """A named list or group says where your paths crossed; "found your profile in search" does not."""
    assert strongest_hook(context(text)) == hook


@pytest.mark.parametrize(
    ("text", "hook"),
    [
        ("Really liked your breakdown of the Basel IV capital rules, so wanted to connect.", STATED),
        ("Your coverage of the Porto transit strike was the clearest I read.", STATED),
        ("Not sure we managed to connect at Data Council Austin, so I'm saying hi here.", STATED),
        ("Looking forward to connecting at the Nairobi Fintech Week dinner!", STATED),
        ("Hi Ray, I saw your Rust Platform job post and I'm interested.", STATED),
        # no named occasion, and the sender's own work: no stated hook
        ("Would love to connect at some point.", None),
        ("Looking forward to connecting at your earliest convenience.", None),
        ("Please find the summary of our recent report on the Global Cocoa Market attached.", NAMED),
    ],
)
def test_their_named_work_or_a_named_occasion_is_a_stated_hook(text: str, hook: str | None):
    """A breakdown or coverage of something named is their work, like a post, and so is a post with its name
    inside the phrase; "connect at" a named event is where paths crossed. "connect at some point" names
    nothing, and "the report on" is the sender's."""
    assert strongest_hook(context(text)) == hook


@pytest.mark.parametrize(
    "text",
    [
        "Hi Ana, I found your profile on Sales Navigator and wanted to connect.",
        "I came across your profile on Upwork and thought we should talk.",
        "Found your name in People You May Know, so here I am.",
    ],
)
def test_a_platform_where_anyone_finds_anyone_is_no_stated_hook(text: str):
    """A prospecting tool or a marketplace is where a mass sender finds everyone: not a place you share."""
    assert strongest_hook(context(text)) != STATED


@pytest.mark.parametrize(
    "text",
    [
        "Hello there! This is Priyanka from Zentrox Labs. We build dashboards for retailers.",
        "Hi Ola, Marco here, cofounder at Quillbase. Let's connect.",
        "We at Brightpath train graduates in Java. At Brightpath, we place them with clients.",
        "Hi Ana, I see you work at Globex. Would love to connect.",
        "Hi Ana, your role as Head of Data at Initech is impressive. Let's connect.",
        "Hi Tomasz, Huge admirer of everything your team ships. Would love to connect.",
        "Hi Jun, I'm Rahel, a data analyst. Would love to connect.",
        "Hi, we help teams like Globex and Initech cut churn. Worth a chat?",
    ],
)
def test_the_senders_own_names_and_merge_fields_are_not_hooks(text: str):
    """The sender's name and company, the recipient's employer or role, a capital after the greeting,
    a month that is someone's name, and names in a pitching sentence tie the note to no one."""
    assert strongest_hook(context(text)) is None, hook_texts(text)


@pytest.mark.parametrize(
    ("text", "hook"),
    [
        ("Hi Ines, congrats on the new role at Tallowby Foods! Wishing you a great first month.", None),
        ("Dear Mr. Okafor, congratulations on your appointment as CFO of Rivenmoor Bank.", None),
        ("Congrats on being promoted to Head of Sales, Priya!", None),
        ("Hi Ines, congrats on your talk at PyData Lisbon! The part on caching was great.", STATED),
        ("Congrats on the new role! We worked together at Quillbase in 2019.", STATED),
    ],
)
def test_congratulations_on_a_new_role_are_a_merge_field(text: str, hook: str | None):
    """docs/labeling.md: a new role, title or employer is read off the profile, as "your role at" is; what the
    recipient did (a talk) or what both share stays a hook."""
    assert strongest_hook(context(text)) == hook, hook_texts(text)


@pytest.mark.parametrize(
    "text",
    [
        "Hi Tomas, Ines Duarte said you're the person to ask about rail freight in Porto.",
        "Hi Tomas, my cousin Ana tells me you two rowed together at uni.",
        "Marta sent me your way about the QA lead opening.",
        "Hi Ola, we were both at the Vilnius Data Days last spring. Nice to connect.",
        "Hi Ola, we both volunteered at the Riga food bank in 2021.",
        "Hi Ola, I've been using your open-source queue library for a year now.",
        "Hi Ola, do you remember me? We sat next to each other in the evening Spanish class.",
        "Hi Ola, I'm the intern who asked about load testing after your talk.",
        "Loved your carousel on hiring juniors, saved it for my team.",
        "Your preprint on soil carbon models was a great read.",
        "Hi Ana, Piotr Nowak mentioned that you're moving into climate finance.",
        "Hi Ana, Dr. Okafor referred me to you about the pharmacy internship.",
        "hi ana, i was a waiter at the harbour cafe when u were the shift lead!",
        "Hi Ana, I reworked my CV like you suggested at the mixer.",
        "Thanks for hopping on the call earlier, super useful.",
        "Great chatting with you after the panel, Ana!",
        "Hi Ana, I'm a junior at Westbrook Academy, the same high school you went to.",
        "Hi Ana, I read your 2023 whitepaper on cold-chain pricing.",
        "Hi Ana, your terraform modules on GitHub saved us a week.",
    ],
)
def test_a_referrer_a_shared_past_or_their_own_work_is_a_stated_hook(text: str):
    """Kinds the corpus's personal notes use in plain words: someone who said something about the reader, an
    occasion both were at, the reader's work in use, the sender as the one the reader met."""
    assert strongest_hook(context(text)) == STATED, hook_texts(text)


@pytest.mark.parametrize(
    "text",
    [
        "Hi Ola, I'm a fellow accountant in Riga. Would be great to connect!",
        "Always keen to meet people in the logistics business in Gdansk.",
        "Hello sir, I am fresh graduate of mechanical engineering from Multan. Please guide me.",
        "Congrats on your work anniversary at Globex!",
        "Congrats on 5 years at the firm, Ola!",
        "Hi Maya, I see you're a retail merchandiser at Zara. Would love to connect.",
        "Dear Mr. Berg, I noticed that you are a quality manager at Volvo Cars in Gothenburg.",
    ],
)
def test_a_shared_trade_an_audience_or_the_senders_degree_is_no_stated_hook(text: str):
    """A job and a city in common, "people in <field>", the sender's own degree (articles dropped or not), the
    dates LinkedIn prompts congratulations for, and the reader's title and employer read off the profile tie the
    note to no one."""
    assert strongest_hook(context(text)) != STATED, hook_texts(text)


def test_a_shared_employer_is_still_a_hook():
    assert strongest_hook(context("Hi Ana, you also worked at Globex, same team as me! Let's connect.")) == STATED


def test_a_named_place_outside_the_pitch_stays_a_name():
    assert strongest_hook(context("Hi Ana, I loved Lisbon's PyData. We help teams like yours ship faster.")) == NAMED


@pytest.mark.parametrize(
    "text",
    [
        "Fellow data engineer here, saying hello to others in the field.",
        "Writing as another founder to a few people in my city.",
        "Thanks for the connection! Hope all is well.",
        "Thanks for the add! Always nice to meet people in the industry.",
        "Saw you on LinkedIn and wanted to connect.",
        "Saw you in my LinkedIn suggestions. Happy to connect!",
        "Hey, we're both in stream processing. Would be great to swap ideas.",
    ],
)
def test_a_shared_job_title_or_a_thank_you_for_connecting_is_not_a_hook(text: str):
    """Sharing a job title or a field of work is not sharing a context; thanking someone for the connection itself, or
    having seen them on LinkedIn, says nothing about how you know them (a hook phrase's specifics end
    with its clause: "and wanted to connect" is not what was seen)."""
    assert strongest_hook(context(text)) != STATED, hook_texts(text)


@pytest.mark.parametrize(
    "text",
    [
        "Hi fellow Rustacean! Your borrow checker talk was great.",
        "Hi Bo, thanks for the quick tip about the visa forms!",
        "Thanks for the referral to the design team, Kai.",
        "Thanks for the detailed answer to my question in the chat.",
        "Thank you for liking my post on tide pools.",
        "hey! we were classmates and good friends at school, nice to find you here",
        "Really liked your projects on kagglehub, the churn one especially.",
        "Spotted you in the Nordic DevDays lineup, see you there!",
        "Hi Ida, I also work at Initech, two floors down!",
        "Great meeting you at the Vilnius Rust meetup, Ona!",
        "We met at the hack night in Porto, Portugal.",
        "Read your article on product marketing over the weekend.",
        "Saw your post about AI hiring, thanks for writing it.",
        "Our mutual friend Ines Duarte says hello.",
        "I noticed you know Marta Kowalczyk. Could you introduce me?",
        "I work with your cousin Layla at Brightmoor.",
        "We both know Tomasz from the climbing gym.",
        "Thanks so much for all your support over these months!",
        "Thank you for your time yesterday, it helped a lot.",
        "ur keynote on wasm at the meetup was great",
        "Your newsletter issue on SQL window functions was my favourite.",
        "It was a pleasure interviewing you for the analyst role.",
        "We sang in the same choir in Porto!",
        "I understand you're evaluating Dagster for the data team.",
        "We share a few mutual contacts, including Dana Whitfield.",
    ],
)
def test_a_named_community_or_a_thank_you_for_something_they_did_is_a_hook(text: str):
    assert strongest_hook(context(text)) == STATED, hook_texts(text)


@pytest.mark.parametrize(
    "text",
    [
        "Hello, Nadia. Hope your week is going well.",
        "Omar Hello! Hope things are good.",
        "Hi Lena P. Hope all is fine.",
        "hi, i'm in my 2nd year and would like to connect",
        "Could we connect soon? Thank you. Arjun Mehta",
        "Always happy to meet other Product Managers. Thanks in Advance.",
        "Congrats on the new role, Marisol!",
        "Really impressed by your work in finance and operations.",
        "I thought you may be interested in connecting.",
        "I heard you are interested in new technologies.",
        "I would like to join your network. Thank you for your time.",
        "Looking to connect. Thank you so much for your support.",
        "Hi Marisol, hope you are doing well. Happy to connect, Marisol.",
    ],
)
def test_the_addressee_a_signature_and_a_year_of_study_are_not_hooks(text: str):
    """The addressee's name however the greeting is punctuated or wherever it is spoken to again, a
    signature after "Thank you.", an ordinal that is a year of study, and job words in the plural tie
    the note to no one."""
    assert strongest_hook(context(text)) is None, hook_texts(text)


@pytest.mark.parametrize("text", ["I think you know my cousin, Ines.", "You may remember my flatmate, Ola Berg."])
def test_a_name_that_says_who_a_person_is_is_not_the_addressee_spoken_to(text: str):
    """A name after a comma closing the note is the addressee ("Congrats on the new role, Marisol!")
    unless it stands beside a person it names: then it is the person both know."""
    assert strongest_hook(context(text)) == NAMED, hook_texts(text)


def test_did_you_know_is_no_named_mutual():
    assert strongest_hook(context("Did you know Globex is hiring again?")) != STATED


def test_an_incoming_student_names_the_school_they_will_share():
    """A self-introduction hides the sender's school ("I'm a student at Ridgeview") unless it says it is shared."""
    assert strongest_hook(context("I'm a student at Ridgeview and want to connect.")) is None
    assert strongest_hook(context("I'm an incoming student at Ridgeview this fall, could I ask about the program?")) == NAMED


@pytest.mark.parametrize(
    ("text", "hook"),
    [
        ("Good day sir, I am pharmacist from Davao and hoping to learn from your path.", None),
        ("Hello, I'm relocating to Leeds next month and would love to connect.", None),
        ("Hi Bo, I have experience with SAP S4, looking to connect with peers.", None),
        ("Hi Bo, I worked with Corvid on freight audits, keen to connect.", None),
        ("Hi Bo, I am preparing for CFA Level II and would value your advice.", None),
        ("Hi Bo, I have 6 years in Doha, keen to connect with site engineers.", None),
        ("Hi Bo, my background is in Kubernetes, happy to connect.", None),
        ("Hi Bo, I'm relocating to Leeds too, where you run the Tuesday meetup.", NAMED),
        ("Hi Bo, I worked with you at Corvid on freight audits in 2019.", STATED),
    ],
)
def test_the_senders_own_background_is_not_a_hook(text: str, hook: str | None):
    """Where the sender is from or moving to, what they know, did or studied (a `background-lead`: "I am
    teacher from", "I have experience with", "I worked with") ties the note to no one, unless the clause
    says it is shared ("too", "with you")."""
    assert strongest_hook(context(text)) == hook, hook_texts(text)


def test_a_job_someone_applied_for_is_no_shared_context():
    """ "I applied for the Data Analyst role at Corvid": the company is a merge field, the role no shared thing."""
    assert strongest_hook(context("Hi Lena, I recently applied for the Data Analyst role at Corvid.")) != STATED


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Hi Dana, I work with dental clinics like yours on patient no-shows.", "work with dental clinics like yours"),
        ("Hi Lea, at Brightdesk, we focus on rota planning for care homes.", "at Brightdesk, we focus"),
        ("Hi Omar, you would be an excellent fit for a senior data role with our client.", "you would be an excellent fit"),
        ("I'm putting together a founders' circle and you came up as a strong candidate.", "came up as a strong candidate"),
        ("Thanks for registering for our cloud cost clinic! Happy to connect here too.", "Thanks for registering"),
        ("Hey Tomas, are you currently open to a new challenge? Remote, Rust.", "are you currently open to a new challenge"),
        ("hi sir r u looking for job change? DM me", "r u looking for job"),
        # the sender's wish, the reader's fit and a met-at: no sales phrase
        ("I'm a graduate hoping to work at companies like yours one day.", None),
        ("Honestly, I'd be a strong fit for the analyst opening on your team.", None),
        ("At DevFest, we talked about typed Python; great to connect.", None),
        ("Data engineer here, between roles; please keep me on your radar.", None),
        ("Are you looking for a mentor? I was one in your cohort, happy to help.", None),
        ("Payroll specialist, CIPP, open to roles in Leeds.", None),
        ("I'm very interested in opportunities on your audit team. Happy to share my CV.", None),
        ("Would you be open to hearing about roles in Leeds?", "you be open to hearing about roles"),
        ("Happy to send over our pricing for the desks.", "send over our pricing"),
        ("I buy for a clinic in Porto: could you send me your pricing for 40 desks?", None),
    ],
)
def test_quiet_sales_idioms_are_listed_phrases(text: str, phrase: str | None):
    """Serving "companies like yours", "At <company>, we focus on", telling the reader they would fit, thanking
    them for a sign-up, asking if they are looking for a new job or open to roles: offers without sales words.
    A seeker's own fit, wish or openness ("open to roles", "happy to share my CV"), a buyer asking for a price,
    and a met-at, are not offers."""
    ctx = context(text)
    found = [text[start:end] for start, end in sales_phrase_spans(ctx)]
    assert (phrase in found) if phrase else found == []


def test_the_strongest_hook_is_what_all_the_hooks_say():
    """`strongest_hook` stops early; it must say what reading every hook `find_hooks` finds would."""
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "data" / "dev-notes.jsonl"
    texts = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()[:300] if line.strip()]
    for text in texts:
        ctx = context(text)
        kinds = {kind for _, _, kind in find_hooks(ctx)}
        expected = (STATED if "hook phrase" in kinds else NAMED) if kinds else None
        assert strongest_hook(ctx) == expected, text
