"""`invite import`, `invite inbox [reply N]` and `invite stats`: your LinkedIn data export, on this machine.

`import` reads the export (zip or folder) into the local history; `inbox` lists the received
invitations still pending with a suggestion for each; `stats` says which of your sent invitations
were accepted, by what their notes were like. Nothing leaves the machine, and
`invite history forget --source export` removes everything an import added.
"""

from pathlib import Path
from typing import Annotated

import typer

from composer.commands.common import FormatOption, NoRecordOption, check_format, parse_since, template_option
from composer.errors import UsageError


def import_export(
    export: Annotated[
        Path,
        typer.Argument(
            metavar="EXPORT", help="The export's zip (Basic_LinkedInDataExport_MM-DD-YYYY.zip) or its unpacked folder."
        ),
    ],
    another_account: Annotated[
        bool, typer.Option("--another-account", help="It is another account's export than the one imported: keep it apart.")
    ] = False,
) -> None:
    """Read your LinkedIn data export into the local history: sent and received invitations, and who accepted.

    Re-importing the same or a newer export adds nothing twice; it updates what was accepted or
    answered since. A malformed row is named by file and line, and the rest still imports.
    """
    from composer.linkedin.importer import import_file
    from composer.linkedin.show import print_import

    print_import(import_file(export, another_account=another_account))


# --------------------------------------------------------------------------- inbox

inbox_app = typer.Typer(
    help="Received invitations still pending, newest first, with what to do about each.", invoke_without_command=True
)

NotLookingOption = Annotated[
    bool, typer.Option("--not-looking", help="You are not looking for a job: ignore recruiters' pitches too.")
]


SentOption = Annotated[
    bool, typer.Option("--sent", help="Instead: your sent invitations still pending after --weeks, oldest first (to withdraw).")
]
WeeksOption = Annotated[
    int | None,
    typer.Option("--weeks", metavar="N", help="With --sent: pending at least N weeks by the export's date [default: 3]."),
]
#: How long a sent invitation waits before `inbox --sent` lists it.
DEFAULT_WEEKS = 3
ProfileOption = Annotated[
    list[str] | None,
    typer.Option("--profile", metavar="NAME|URL", help="Whose exports: a URL or full name, or 'all' (yours by default)."),
]
PageOption = Annotated[int, typer.Option("--page", metavar="N", help="Show the N-th page (1, the newest, by default).")]
AllOption = Annotated[bool, typer.Option("--all", help="Show every one, not a page.")]


@inbox_app.callback()
def inbox(
    ctx: typer.Context,
    format_: FormatOption = "text",
    not_looking: NotLookingOption = False,
    sent: SentOption = False,
    weeks: WeeksOption = None,
    profile: ProfileOption = None,
    page: PageOption = 1,
    all_: AllOption = False,
) -> None:
    """List the received invitations still pending (in your newest imported export), each with a suggestion.

    accept: the note names a shared context (or you invited them before); ask: no note, or nothing
    in it ties it to you (`invite inbox reply N` drafts the question); ignore: a sales pitch (with
    --not-looking, a recruiter's too). The findings that decided it are listed beside it.
    With --sent: your sent invitations the export still shows as pending after --weeks. A page at a time
    (as many as fit the terminal, else 20): --page N for the next ones, --all for every one.
    """
    if ctx.invoked_subcommand is not None:
        return
    from composer.linkedin.inbox import inbox as pending_with_suggestions
    from composer.linkedin.inbox import page_size, unanswered
    from composer.linkedin.show import print_inbox, print_unanswered

    check_format(format_)
    if weeks is not None and not sent:
        raise UsageError("--weeks goes with --sent (sent invitations pending for that long)")
    if (weeks or 0) < 0:
        raise UsageError(f"--weeks must be 0 or more, got {weeks}")
    size = page_size(page, all_)
    if sent:
        print_unanswered(
            unanswered(weeks=DEFAULT_WEEKS if weeks is None else weeks, profiles=profile, size=size, page=page), format_
        )
    else:
        print_inbox(pending_with_suggestions(not_looking=not_looking, profiles=profile, size=size, page=page), format_)


@inbox_app.command("reply")
def reply(
    number: Annotated[int, typer.Argument(metavar="N", help="The invitation's number in `invite inbox`.")],
    template: Annotated[
        str | None,
        template_option("A reply template (see `invite templates list -r reply`)."),
    ] = None,
    no_input: Annotated[bool, typer.Option("--no-input", help="Never prompt; fail if an answer is missing.")] = False,
    no_record: NoRecordOption = False,
    profile: ProfileOption = None,
) -> None:
    """Start `invite draft -r reply` for the N-th pending invitation, with the inviter's first name filled in.

    The reply is recorded as a message, not an invitation's note: it spends none of the monthly note
    quota and is never compared for repeated notes. An initial or a title alone is no first name to
    greet with: the reply then greets without one.
    """
    from composer.commands.draft import draft
    from composer.linkedin.inbox import reply_to
    from composer.linkedin.settings import settings

    first_name, person, url = reply_to(number, profile)
    draft(
        relationship=settings()["inbox"]["reply_relationship"],
        template=template,
        set_=[f"first_name={first_name}"] if first_name else None,
        no_input=no_input,
        name=person,
        profile_url=url,
        no_record=no_record,
    )


# --------------------------------------------------------------------------- stats


def stats(
    since: Annotated[
        str | None, typer.Option("--since", metavar="DATE", help="Only invitations sent from this date (2026-01-31, or 90d).")
    ] = None,
    format_: FormatOption = "text",
    profile: ProfileOption = None,
) -> None:
    """Acceptance of your sent invitations: with a note or without, by length, by the linter's verdict, by template.

    Each rate has its count and a 95% (Wilson) interval; a group too small to say anything gets a
    plain sentence instead. Invitations still pending count as not (yet) accepted.
    """
    from composer.linkedin.show import print_stats
    from composer.linkedin.stats import stats as acceptance

    check_format(format_)
    print_stats(acceptance(parse_since(since), profiles=profile), format_)
