"""invite-composer: write a personal note for a LinkedIn connection request."""

__version__ = "0.1.0"
