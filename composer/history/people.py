"""Who a note is for: the normalised keys that say two records name the same person.

A LinkedIn profile URL is the best key: `https://www.linkedin.com/in/Ana-Lima/?trk=x`,
`linkedin.com/in/ana-lima` and `https://de.linkedin.com/in/ana-lima` are one person. Without a URL
on both sides, the full name is the next best, cleaned (`composer.names`: "Dr. Ana Lima, PhD (she/her)"
is Ana Lima, as pre-2023 exports without URLs need), Unicode-normalised, case-folded, single spaces;
a bare first name ("Ana") is not a key, since it names too many people.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from composer.names import name_key

#: Country and language subdomains LinkedIn serves profiles from (de.linkedin.com, www.linkedin.com, ...).
_SUBDOMAIN = re.compile(r"^(?:www\.|[a-z]{2}\.)(?=linkedin\.com$)")


def profile_key(url: str | None) -> str | None:
    """`linkedin.com/in/ana-lima` for any spelling of that profile's URL; None when there is none.

    Lower-cased, percent-decoding undone, scheme, `www.`/country subdomain, query, fragment and
    trailing slashes dropped. A value that is not a URL at all is kept lower-cased and trimmed.
    """
    text = (url or "").strip()
    if not text:
        return None
    if "//" not in text:
        text = "//" + text
    parts = urlsplit(text)
    host = _SUBDOMAIN.sub("", (parts.hostname or "").lower())
    path = unquote(parts.path).rstrip("/").lower()
    key = f"{host}{path}"
    return key or None


def looks_like_url(text: str | None) -> bool:
    """Whether a recipient given on the command line is a profile URL rather than a name."""
    return text is not None and ("/" in text or "linkedin." in text.lower())


def recipient_key(name: str | None) -> str | None:
    """The cleaned, normalised full name ("ana lima" for "ANA LIMA, PhD"), or None when there is none."""
    return name_key(name) or None


def is_full_name(key: str | None) -> bool:
    """Whether a name key has two words or more, enough to match people by name alone."""
    return key is not None and len(key.split()) >= 2
