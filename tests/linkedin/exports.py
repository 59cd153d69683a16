"""LinkedIn data exports written for the tests, in every header era. Invented people only.

`write_export` turns the `INVITATIONS` and `CONNECTIONS` below into the files an export of a given
era holds (with or without the URL columns, the `Notes:` preamble, a BOM, CRLF line ends), as a zip
or a folder. The known answer: who accepted and who is pending is in `EXPECTED`.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

ME = "Sam Lee"
#: The profile slug of the export's own account.
MY_SLUG = "sam-lee-example"
#: (direction, other person, their profile slug or None, sent at, message)
INVITATIONS = [
    (
        "OUTGOING",
        "Ana Lima",
        "ana-lima-0a1",
        "1/29/26, 2:37 PM",
        "Hi Ana, great meeting you at PyCon US and talking about packaging.",
    ),
    ("OUTGOING", "Ben Ortiz", "ben-ortiz-7f2", "1/30/26, 9:05 AM", ""),
    (
        "OUTGOING",
        "Chloé Dubois",
        "chloe-dubois-33",
        "12/2/25, 11:15 PM",
        "Bonjour Chloé,    we met at the Lyon     Data meetup; your talk on dbt tests was great.",
    ),
    ("OUTGOING", "Dan Wu", None, "11/18/25, 8:00 AM", ""),
    ("INCOMING", "Eve Adams", "eve-adams-9", "2/1/26, 10:00 AM", ""),
    (
        "INCOMING",
        "Farid Haddad",
        "farid-haddad-1",
        "2/3/26, 4:12 PM",
        "Hi Sam, we help B2B SaaS teams book 30 qualified meetings a month. Open to a quick call next week?",
    ),
    (
        "INCOMING",
        "Grace Kim",
        "grace-kim-5",
        "2/5/26, 6:45 PM",
        "Hi Sam, we met at the Berlin Rust meetup on Tuesday - I asked about your async executor. Would be glad to connect.",
    ),
    ("INCOMING", "Hiro Tanaka", "hiro-tanaka-2", "1/10/26, 1:00 PM", ""),
    (
        "INCOMING",
        "Ivy Chen",
        "ivy-chen-4",
        "2/6/26, 9:30 AM",
        "Hi Sam, I'm a recruiter at Contoso and we're hiring a staff engineer in Dublin. Open to a chat about the role?",
    ),
    ("INCOMING", "Jon Berg", "jon-berg-8", "2/7/26, 7:20 AM", "I'd like to add you to my professional network on LinkedIn."),
]
#: (first, last, slug or None, company, position, connected on); a hidden member has only the date.
CONNECTIONS = [
    ("Ana", "Lima", "ana-lima-0a1", "Globex, Inc.", "Head of Data, EMEA", "30 Jan 2026"),
    ("Chloé", "Dubois", "chloe-dubois-33", "Initech", "Analytics Engineer", "03 Dec 2025"),
    ("Dan", "Wu", "dan-wu-1", "Hooli", "Engineer", "19 Nov 2025"),
    ("Dan", "Wu", "dan-wu-2", "Northwind", "Designer", "02 Mar 2021"),
    ("Hiro", "Tanaka", "hiro-tanaka-2", "Umbrella Health", "CTO", "10 Jan 2026"),
    ("", "", None, "", "", "08 Feb 2026"),
]
#: The known answer: accepted sent invitations and pending received ones, by the other person's name.
EXPECTED = {
    "accepted": {"Ana Lima", "Chloé Dubois", "Dan Wu"},
    "pending": {"Eve Adams", "Farid Haddad", "Grace Kim", "Ivy Chen", "Jon Berg"},
}

PREAMBLE = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses are missing. You will only see '
    "email addresses for connections who have allowed their connections to see or download their email address using this "
    'setting https://www.linkedin.com/psettings/privacy/email. You can learn more here https://www.linkedin.com/help/linkedin/answer/261"\n'
    "\n"
)


def url(slug: str | None) -> str:
    return f"https://www.linkedin.com/in/{slug}" if slug else ""


def invitations_csv(urls: bool, rows: list[tuple] | None = None, *, me: str = ME, my_slug: str = MY_SLUG) -> str:
    """Invitations.csv of the account `me` (its URL from `my_slug`), from (direction, other, slug, sent at, message) rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    header = ["From", "To", "Sent At", "Message", "Direction"] + (["inviterProfileUrl", "inviteeProfileUrl"] if urls else [])
    writer.writerow(header)
    for direction, other, slug, sent_at, message in rows if rows is not None else INVITATIONS:
        incoming = direction == "INCOMING"
        row = [other if incoming else me, me if incoming else other, sent_at, message, direction]
        if urls:
            mine = url(my_slug)
            row += [url(slug), mine] if incoming else [mine, url(slug)]
        writer.writerow(row)
    return buffer.getvalue()


def connections_csv(urls: bool, preamble: bool, rows: list[tuple] | None = None) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    header = ["First Name", "Last Name"] + (["URL"] if urls else []) + ["Email Address", "Company", "Position", "Connected On"]
    writer.writerow(header)
    for first, last, slug, company, position, connected in rows if rows is not None else CONNECTIONS:
        writer.writerow([first, last] + ([url(slug)] if urls else []) + ["", company, position, connected])
    return (PREAMBLE if preamble else "") + buffer.getvalue()


#: messages.csv's header as LinkedIn writes it.
MESSAGES_HEADER = [
    "CONVERSATION ID", "CONVERSATION TITLE", "FROM", "SENDER PROFILE URL", "TO", "RECIPIENT PROFILE URLS",
    "DATE", "SUBJECT", "CONTENT", "FOLDER",
]  # fmt: skip


def messages_csv(rows: list[tuple[str, str | None, str, str]], columns: list[str] | None = None) -> str:
    """messages.csv from (sender, their slug or None, date as `2026-02-01 10:22:33 UTC`, content) to or from ME."""
    header = columns if columns is not None else MESSAGES_HEADER
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, header, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    mine = "https://www.linkedin.com/in/sam-lee-example"
    for n, (sender, slug, moment, content) in enumerate(rows):
        me = sender == ME
        cells = {
            "CONVERSATION ID": f"2-conversation-{n}",
            "FROM": sender,
            "SENDER PROFILE URL": mine if me else url(slug),
            "TO": "someone" if me else ME,
            "RECIPIENT PROFILE URLS": "" if me else mine,
            "DATE": moment,
            "CONTENT": content,
            "FOLDER": "INBOX",
        }
        writer.writerow(cells)
    return buffer.getvalue()


def encode(text: str, *, crlf: bool, bom: bool) -> bytes:
    if crlf:
        text = text.replace("\n", "\r\n")  # quoted line breaks become CRLF too, as Windows tools write them
    return ("\ufeff" if bom else "").encode("utf-8") + text.encode("utf-8")


def write_export(
    folder: Path,
    *,
    urls: bool = True,
    preamble: bool = True,
    crlf: bool = False,
    bom: bool = False,
    as_zip: bool = True,
    name: str = "Basic_LinkedInDataExport_02-08-2026",
    invitations: str | None = None,
    connections: str | None = None,
    messages: str | None = None,
    profile: bytes | None = b"First Name,Last Name\nSam,Lee\n",
) -> Path:
    """An export as LinkedIn ships it (zip) or as unpacked (folder); returns its path. `profile` is its Profile.csv
    (None: none)."""
    files = {
        "Invitations.csv": encode(invitations if invitations is not None else invitations_csv(urls), crlf=crlf, bom=bom),
        "Connections.csv": encode(
            connections if connections is not None else connections_csv(urls, preamble), crlf=crlf, bom=bom
        ),
    }
    if profile is not None:
        files["Profile.csv"] = profile
    if messages is not None:
        files["messages.csv"] = encode(messages, crlf=crlf, bom=bom)
    folder.mkdir(parents=True, exist_ok=True)
    if as_zip:
        target = folder / f"{name}.zip"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for file_name, data in files.items():
                archive.writestr(file_name, data)
        return target
    target = folder / name
    target.mkdir(parents=True)
    for file_name, data in files.items():
        (target / file_name).write_bytes(data)
    return target


def sent_export(folder: Path, messages: list[str], accepted: Callable[[int], bool], *, inbox: str | None = None) -> Path:
    """An export of sent invitations, one a message, to "Person{i} Example"; those with accepted(i) are connected.
    `inbox` is its messages.csv, if any."""
    rows, people = [], []
    for i, message in enumerate(messages):
        slug = f"person-{i}"
        rows.append(("OUTGOING", f"Person{i} Example", slug, f"1/{1 + i % 28}/26, 10:{i % 60:02d} AM", message))
        if accepted(i):
            people.append((f"Person{i}", "Example", slug, "Co", "Role", "01 Feb 2026"))
    return write_export(
        folder, invitations=invitations_csv(True, rows), connections=connections_csv(True, True, people), messages=inbox
    )
